using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Production;
using SkiaSharp;

namespace CitizenWorkflows.Tests.Production;

public class CardQrCodeTests
{
    static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static TheoryData<string, Applicant> Applicants => new()
    {
        { "with an old ID number", CardSamples.Lan },
        { "without an old ID number, male", CardSamples.Lan with { OldIdNumber = null, Sex = Sex.Male, FullName = "Trần Văn Đức" } },
        { "with a long address", CardSamples.Lan with { Residence = "Thôn Phú Mỹ, Xã Phước Hưng, Huyện Tuy Phước, Tỉnh Bình Định, Số nhà 123/45 Đường Nguyễn Thị Minh Khai" } },
    };

    [Theory]
    [MemberData(nameof(Applicants))]
    public void A_CCCD_payload_rendered_as_PNG_reads_back_as_the_same_fields(string what, Applicant applicant)
    {
        var payload = CccdQrPayload.For(applicant, "001191000123", CardSamples.IssueDate);

        byte[] png = CardQrCode.RenderPng(payload);

        Assert.Equal(payload.Encode(), CardQrCode.ReadText(png));
        Assert.True(payload == CardQrCode.ReadPayload(png), $"the payload {what} changed on the way through the QR code");
    }

    [Fact]
    public void Addresses_of_every_length_read_back_from_the_rendered_PNG()
    {
        // Random addresses reach the dense QR versions where ZXing's detector alone misses some clean renders.
        string[] words = ["Thôn", "Phú", "Mỹ", "Xã", "Phước", "Hưng", "Huyện", "Tỉnh", "Bình", "Định", "Số", "nhà", "123/45", "Đường", "Nguyễn", "Khai"];
        var random = new Random(20261126);
        for (int i = 0; i < 60; i++)
        {
            string residence = string.Join(' ', Enumerable.Range(0, random.Next(2, 30)).Select(_ => words[random.Next(words.Length)]));
            var payload = CccdQrPayload.For(CardSamples.Lan with { Residence = residence }, "001191000123", CardSamples.IssueDate);

            Assert.Equal(payload.Encode(), CardQrCode.ReadText(CardQrCode.RenderPng(payload)));
        }
    }

    [Fact]
    public void A_QR_code_placed_off_centre_on_a_larger_scan_is_found()
    {
        var payload = CccdQrPayload.For(CardSamples.Lan, "001191000123", CardSamples.IssueDate);
        using var qr = SKBitmap.Decode(CardQrCode.RenderPng(payload));
        using var scan = new SKBitmap(900, 600);
        using (var canvas = new SKCanvas(scan))
        {
            canvas.Clear(SKColors.White);
            canvas.DrawBitmap(qr, 517, 143, new SKSamplingOptions(SKFilterMode.Nearest), null);
        }

        using SKData png = scan.Encode(SKEncodedImageFormat.Png, 100);

        Assert.Equal(payload.Encode(), CardQrCode.ReadText(png.ToArray()));
    }

    [Fact]
    public void The_rendered_image_is_a_square_PNG_that_Skia_decodes()
    {
        byte[] png = CardQrCode.RenderPng(CccdQrPayload.For(CardSamples.Lan, "001191000123", CardSamples.IssueDate));

        Assert.Equal(PngSignature, png[..PngSignature.Length]);
        ImageProbeResult probe = ImageProbe.Probe(png);
        Assert.Equal("Png", probe.Format);
        Assert.True(probe.Decoded);
        Assert.Equal(probe.Width, probe.Height);
        // A whole number of modules at the default scale, quiet zone included.
        Assert.Equal(0, probe.Width % CardQrCode.DefaultPixelsPerModule);
    }

    [Fact]
    public void An_image_without_a_QR_code_reads_as_nothing()
    {
        using var bitmap = new SKBitmap(200, 200);
        bitmap.Erase(SKColors.White);
        using SKData blank = bitmap.Encode(SKEncodedImageFormat.Png, 100);

        Assert.Null(CardQrCode.ReadText(blank.ToArray()));
        Assert.Null(CardQrCode.ReadPayload(blank.ToArray()));
    }

    [Fact]
    public void Bytes_that_are_not_an_image_are_refused()
    {
        Assert.Throws<FormatException>(() => CardQrCode.ReadText("not an image"u8));
    }
}
