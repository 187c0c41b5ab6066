using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask;
using CitizenWorkflows.Workflow.Domain;

namespace CitizenWorkflows.Workflow.Biometrics;

/// <summary>
/// The portrait check of the biometric stage: the stored image decodes as JPEG or PNG and is large enough.
/// Each check reports its measured value so a rejection says exactly what was wrong.
/// </summary>
public sealed class CheckPortrait(DocumentStore documents) : TaskActivity<PortraitCheckRequest, PortraitCheckResult>
{
    public override async Task<PortraitCheckResult> RunAsync(TaskActivityContext context, PortraitCheckRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        byte[] bytes = await documents.ReadVerifiedAsync(input.Portrait, CancellationToken.None);
        return Evaluate(bytes, input.MinWidth, input.MinHeight);
    }

    public static PortraitCheckResult Evaluate(byte[] image, int minWidth, int minHeight)
    {
        ImageProbeResult probe = ImageProbe.Probe(image);
        bool knownFormat = probe.Format is "Jpeg" or "Png";
        var checks = new List<QualityCheck> { new("format", probe.Format ?? "unrecognised", "Jpeg or Png", knownFormat) };
        if (!knownFormat)
        {
            return new PortraitCheckResult(checks);
        }

        checks.Add(new("width", $"{probe.Width}px", $">= {minWidth}px", probe.Width >= minWidth));
        checks.Add(new("height", $"{probe.Height}px", $">= {minHeight}px", probe.Height >= minHeight));
        checks.Add(probe.Outcome == ImageDecodeOutcome.TooManyPixels
            ? new("pixels", $"{probe.Pixels}", $"<= {ImageProbe.MaxPixels}", false)
            : new("decode", probe.Outcome.ToString(), nameof(ImageDecodeOutcome.Decoded), probe.Decoded));
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
