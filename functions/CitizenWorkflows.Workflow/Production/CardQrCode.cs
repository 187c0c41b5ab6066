using CitizenWorkflows.Workflow.Domain;
using QRCoder;
using SkiaSharp;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;
using FormatException = System.FormatException;

namespace CitizenWorkflows.Workflow.Production;

/// <summary>The card's QR code as an image: renders a <see cref="CccdQrPayload"/> as a PNG and reads the text back from one.</summary>
public static class CardQrCode
{
    /// <summary>Image pixels per QR module; four keeps the image small while every module stays several pixels wide.</summary>
    public const int DefaultPixelsPerModule = 4;

    // Q (25 % recovery) rather than M: a card is carried for years and its QR gets scratched, and the CCCD payload is
    // short enough that the extra error-correction modules cost little space on an ID-1 card.
    const QRCodeGenerator.ECCLevel ErrorCorrection = QRCodeGenerator.ECCLevel.Q;

    static readonly Dictionary<DecodeHintType, object> ScanHints = new()
    {
        [DecodeHintType.TRY_HARDER] = true,
        // Names and addresses are Vietnamese; the UTF-8 ECI marker says so, this covers a reader that ignores it.
        [DecodeHintType.CHARACTER_SET] = "UTF-8",
    };

    static readonly Dictionary<DecodeHintType, object> RenderHints = new(ScanHints) { [DecodeHintType.PURE_BARCODE] = true };

    /// <summary>The QR code for <paramref name="payload"/> as PNG bytes, with the quiet zone scanners need.</summary>
    public static byte[] RenderPng(CccdQrPayload payload, int pixelsPerModule = DefaultPixelsPerModule)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentOutOfRangeException.ThrowIfLessThan(pixelsPerModule, 1);

        // Forced UTF-8 with the ECI marker: the default would pick ISO-8859-1 and lose the Vietnamese diacritics.
        using var generator = new QRCodeGenerator();
        using QRCodeData data = generator.CreateQrCode(
            payload.Encode(), ErrorCorrection, forceUtf8: true, utf8BOM: false, eciMode: QRCodeGenerator.EciMode.Utf8);
        return new PngByteQRCode(data).GetGraphic(pixelsPerModule, drawQuietZones: true);
    }

    /// <summary>
    /// The text of the QR code in an image (PNG, or any format Skia decodes), or null when the image holds no readable
    /// QR code. Throws <see cref="FormatException"/> when the bytes are not a decodable image.
    /// </summary>
    public static string? ReadText(ReadOnlySpan<byte> image)
    {
        using var data = SKData.CreateCopy(image);
        using SKCodec? codec = SKCodec.Create(data) ?? throw new FormatException("The bytes are not an image Skia can decode.");
        SKImageInfo header = codec.Info;
        if ((long)header.Width * header.Height > ImageProbe.MaxPixels)
        {
            // Same limit as every other image check: refuse a decompression bomb before decoding a pixel.
            throw new FormatException($"The image is {header.Width}×{header.Height}, more pixels than any capture or card scan.");
        }

        // Unpremultiplied RGBA so a transparent background keeps its colour instead of turning black.
        var rgba = new SKImageInfo(header.Width, header.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(rgba);
        SKCodecResult decoded = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        if (decoded is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            throw new FormatException($"The image could not be decoded ({decoded}).");
        }

        var luminance = new RGBLuminanceSource(bitmap.Bytes, bitmap.Width, bitmap.Height, RGBLuminanceSource.BitmapFormat.RGBA32);
        var pixels = new BinaryBitmap(new HybridBinarizer(luminance));

        // The finder-pattern detector handles scans and photos but misses about one clean render in a hundred
        // (dense versions, found with random addresses); ZXing's maintainers advise pure-barcode mode for generated
        // images, which reads an upright, quiet-zoned symbol such as RenderPng's directly.
        Result? result = new QRCodeReader().decode(pixels, ScanHints) ?? new QRCodeReader().decode(pixels, RenderHints);
        return result?.Text;
    }

    /// <summary>The CCCD payload in an image's QR code, or null when there is no readable QR code.</summary>
    public static CccdQrPayload? ReadPayload(ReadOnlySpan<byte> image) =>
        ReadText(image) is { } text ? CccdQrPayload.Decode(text) : null;
}
