using SkiaSharp;

namespace CitizenWorkflows.Workflow.Domain;

/// <summary>
/// Decodes an image the way every check in the system does: format from the content, dimensions from the header,
/// then a full decode unless the pixel count betrays a decompression bomb.
/// </summary>
public static class ImageProbe
{
    /// <summary>No capture has more pixels than this; larger headers are refused before any pixel is decoded.</summary>
    public const long MaxPixels = 40_000_000;

    /// <summary>Format and dimensions from the header alone (no pixel decoded); null when no codec recognises it.</summary>
    public static ImageProbeResult? Header(ReadOnlySpan<byte> content)
    {
        using var data = SKData.CreateCopy(content);
        using SKCodec? codec = SKCodec.Create(data);
        return codec is null ? null : new ImageProbeResult(codec.EncodedFormat.ToString(), codec.Info.Width, codec.Info.Height, ImageDecodeOutcome.NotDecoded);
    }

    public static ImageProbeResult Probe(ReadOnlySpan<byte> content)
    {
        using var data = SKData.CreateCopy(content);
        using SKCodec? codec = SKCodec.Create(data);
        if (codec is null)
        {
            return new ImageProbeResult(null, 0, 0, ImageDecodeOutcome.Unrecognised);
        }

        SKImageInfo info = codec.Info;
        string format = codec.EncodedFormat.ToString();
        if ((long)info.Width * info.Height > MaxPixels)
        {
            return new ImageProbeResult(format, info.Width, info.Height, ImageDecodeOutcome.TooManyPixels);
        }

        using var bitmap = new SKBitmap(info.WithColorType(SKColorType.Rgba8888));
        SKCodecResult decoded = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        return new ImageProbeResult(
            format, info.Width, info.Height, decoded == SKCodecResult.Success ? ImageDecodeOutcome.Decoded : ImageDecodeOutcome.Corrupt);
    }
}

/// <summary>What probing an image found. <see cref="Format"/> is Skia's name (Jpeg, Png, …) or null when unrecognised.</summary>
public sealed record ImageProbeResult(string? Format, int Width, int Height, ImageDecodeOutcome Outcome)
{
    public bool Decoded => Outcome == ImageDecodeOutcome.Decoded;

    public long Pixels => (long)Width * Height;
}

public enum ImageDecodeOutcome
{
    Decoded,
    Unrecognised,
    TooManyPixels,
    Corrupt,

    /// <summary>Only the header was read (<see cref="ImageProbe.Header"/>).</summary>
    NotDecoded,
}
