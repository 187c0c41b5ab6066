using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask;
using SkiaSharp;

namespace CitizenWorkflows.Workflow.Biometrics;

/// <summary>
/// The portrait check of the biometric stage: the stored image decodes as JPEG or PNG and is large enough.
/// Each check reports its measured value so a rejection says exactly what was wrong.
/// </summary>
public sealed class CheckPortrait(DocumentStore documents) : TaskActivity<PortraitCheckRequest, PortraitCheckResult>
{
    /// <summary>Refuse to decode more pixels than a real portrait has (decompression bombs).</summary>
    const long MaxPixels = 40_000_000;

    public override async Task<PortraitCheckResult> RunAsync(TaskActivityContext context, PortraitCheckRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        byte[] bytes = await documents.ReadVerifiedAsync(input.Portrait, CancellationToken.None);
        return Evaluate(bytes, input.MinWidth, input.MinHeight);
    }

    public static PortraitCheckResult Evaluate(byte[] image, int minWidth, int minHeight)
    {
        var checks = new List<QualityCheck>();
        using var data = SKData.CreateCopy(image);
        using SKCodec? codec = SKCodec.Create(data);
        bool knownFormat = codec is not null && codec.EncodedFormat is SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Png;
        checks.Add(new("format", codec?.EncodedFormat.ToString() ?? "unrecognised", "Jpeg or Png", knownFormat));
        if (!knownFormat)
        {
            return new PortraitCheckResult(checks);
        }

        SKImageInfo info = codec!.Info;
        checks.Add(new("width", $"{info.Width}px", $">= {minWidth}px", info.Width >= minWidth));
        checks.Add(new("height", $"{info.Height}px", $">= {minHeight}px", info.Height >= minHeight));
        long pixels = (long)info.Width * info.Height;
        if (pixels > MaxPixels)
        {
            checks.Add(new("pixels", pixels.ToString(System.Globalization.CultureInfo.InvariantCulture), $"<= {MaxPixels}", false));
            return new PortraitCheckResult(checks);
        }

        using var bitmap = new SKBitmap(info.WithColorType(SKColorType.Rgba8888));
        SKCodecResult decoded = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        checks.Add(new("decode", decoded.ToString(), "Success", decoded == SKCodecResult.Success));
        return new PortraitCheckResult(checks);
    }
}

public sealed record PortraitCheckRequest(DocumentReference Portrait, int MinWidth, int MinHeight);

/// <summary>One measured property of a capture against its threshold.</summary>
public sealed record QualityCheck(string Name, string Measured, string Required, bool Passed);

public sealed record PortraitCheckResult(IReadOnlyList<QualityCheck> Checks)
{
    public bool Passed => Checks.All(c => c.Passed);

    /// <summary>"height 120px (required >= 400px); …" for the failed checks.</summary>
    public string DescribeFailures() => string.Join("; ", Checks.Where(c => !c.Passed).Select(c => $"{c.Name} {c.Measured} (required {c.Required})"));
}
