using System.IO.Compression;
using System.Text;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Intake.OfflinePackets;

namespace CitizenWorkflows.Tests.Intake.OfflinePackets;

/// <summary>The packet reader on its own: what it gives for a good packet, and each way a zip is refused before
/// anything is trusted.</summary>
public class PacketReaderTests
{
    [Fact]
    public void A_good_packet_gives_the_parts_multipart_would_give_and_its_signature()
    {
        byte[] fingerprint = [.. "FMR\0 20\0"u8, 0, 0, 0, 14, 0, 0];
        var withFiles = new ApplicationUpload
        {
            Application = Samples.Form(),
            Portrait = Samples.PortraitPng,
            Fingerprints = new Dictionary<int, byte[]> { [2] = fingerprint },
            Documents = [PacketSamples.Pdf],
        };
        IReadOnlyList<PacketEntry> entries = OfflinePacket.EntriesOf(withFiles);

        PacketReadResult result = PacketReader.Read(OfflinePacket.Zip(entries, PacketSamples.UnverifiedSignature));

        Assert.Null(result.Refusal);
        PacketContents packet = result.Packet!;
        Assert.Equal(["application", "document-1", "fingerprint-02", "portrait"], packet.Parts.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["application.json", "document-1.pdf", "fingerprint-02.iso", "portrait.png"], packet.Entries.Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal(Samples.PortraitPng, PacketSamples.Part(packet.Parts, SubmissionParts.Portrait).Content);
        Assert.Equal("portrait.png", PacketSamples.Part(packet.Parts, SubmissionParts.Portrait).FileName);
        Assert.Equal(fingerprint, PacketSamples.Part(packet.Parts, "fingerprint-02").Content);
        Assert.Equal(PacketSamples.UnverifiedSignature, packet.Signature);

        // The same digest the HTTP intake computes for the same content: one key, one application, whichever way it came.
        Assert.Equal(
            IntakeService.DigestOf(
            [
                new(SubmissionParts.Application, null, "application/json", entries[0].Content),
                new(SubmissionParts.Portrait, "portrait", "application/octet-stream", Samples.PortraitPng),
                new("fingerprint-02", "fingerprint-02", null, fingerprint),
                new("document-1", "document-1", null, PacketSamples.Pdf),
            ]),
            IntakeService.DigestOf(packet.Parts));
    }

    [Theory]
    [InlineData("../portrait.png")]
    [InlineData("..\\portrait.png")]
    [InlineData("photos/portrait.png")]
    [InlineData("photos\\portrait.png")]
    [InlineData("/portrait.png")]
    [InlineData("/etc/cron.d/portrait.png")]
    [InlineData("\\\\server\\share\\portrait.png")]
    [InlineData("C:portrait.png")]
    [InlineData("C:\\Windows\\portrait.png")]
    [InlineData("..")]
    [InlineData("portrait.png\u0000.txt")]
    [InlineData("portrait.png:stream")]
    public void Zip_slip_and_absolute_names_are_refused(string name)
    {
        PacketRefusal refusal = Refused(PacketSamples.ZipWith((name, Samples.PortraitPng)));

        Assert.Equal(PacketRules.EntryName, refusal.Rule);
    }

    [Fact]
    public void A_directory_entry_is_refused()
    {
        PacketRefusal refusal = Refused(PacketSamples.ZipWith(("documents/", [])));

        Assert.Equal(PacketRules.EntryName, refusal.Rule);
    }

    [Theory]
    [InlineData("selfie.png")]
    [InlineData("portrait.gif")]
    [InlineData("portrait.jpeg")]
    [InlineData("Portrait.png")]
    [InlineData("portrait")]
    [InlineData("fingerprint-11.png")]
    [InlineData("fingerprint-1.png")]
    [InlineData("fingerprint-01.jpg")]
    [InlineData("document-5.pdf")]
    [InlineData("document-1.png")]
    [InlineData("application.xml")]
    [InlineData(".DS_Store")]
    public void Entries_outside_the_contract_are_refused(string name)
    {
        PacketRefusal refusal = Refused(PacketSamples.ZipWith((name, Samples.PortraitPng)));

        Assert.Equal(PacketRules.EntryUnknown, refusal.Rule);
        Assert.Contains(name, refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_entry_twice_is_refused()
    {
        PacketRefusal refusal = Refused(PacketSamples.ZipWith(("portrait.png", Samples.PortraitPng)));

        Assert.Equal(PacketRules.EntryDuplicate, refusal.Rule);
    }

    [Fact]
    public void The_same_part_under_two_extensions_is_refused()
    {
        PacketRefusal refusal = Refused(PacketSamples.ZipWith(("portrait.jpg", Samples.PortraitPng)));

        Assert.Equal(PacketRules.EntryDuplicate, refusal.Rule);
        Assert.Contains("portrait", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void More_entries_than_a_packet_can_hold_are_refused()
    {
        (string, byte[])[] extra = [.. Enumerable.Range(1, PacketReader.MaxEntries).Select(i => ($"fingerprint-{i:00}.png", new byte[] { 1 }))];

        PacketRefusal refusal = Refused(PacketSamples.ZipWith(extra));

        Assert.Equal(PacketRules.TooManyEntries, refusal.Rule);
    }

    [Fact]
    public void An_entry_whose_header_understates_its_size_is_refused()
    {
        // 1 MB of real content under a header claiming 100 bytes: the runtime stops at the claim, the CRC catches it.
        byte[] zip = PacketSamples.LieAboutSize(PacketSamples.ZipWith(("document-1.pdf", [.. PacketSamples.Pdf, .. new byte[1024 * 1024]])), "document-1.pdf", 100);

        PacketRefusal refusal = Refused(zip);

        Assert.Equal(PacketRules.Corrupt, refusal.Rule);
        Assert.Contains("document-1.pdf", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_entry_whose_header_overstates_its_size_is_refused()
    {
        byte[] zip = PacketSamples.LieAboutSize(PacketSamples.ZipWith(("document-1.pdf", PacketSamples.Pdf)), "document-1.pdf", 4096);

        PacketRefusal refusal = Refused(zip);

        Assert.Equal(PacketRules.Corrupt, refusal.Rule);
    }

    [Fact]
    public void A_deflate_bomb_is_refused()
    {
        // 50 MB of zeros deflates to about 50 KB: far past a document's 5 MiB.
        byte[] zip = PacketSamples.ZipWith(("document-1.pdf", PacketSamples.Zeros(50)));
        Assert.True(zip.Length < Samples.PortraitPng.Length + (200 * 1024), $"the packet with the bomb is {zip.Length} bytes");

        PacketRefusal refusal = Refused(zip);

        Assert.Equal(PacketRules.EntryTooLarge, refusal.Rule);
    }

    [Fact]
    public void A_deflate_bomb_whose_header_claims_a_small_size_is_refused_without_inflating_it()
    {
        byte[] zip = PacketSamples.LieAboutSize(PacketSamples.ZipWith(("document-1.pdf", PacketSamples.Zeros(50))), "document-1.pdf", 1000);

        PacketRefusal refusal = Refused(zip);

        Assert.Equal(PacketRules.Corrupt, refusal.Rule);
    }

    [Fact]
    public void An_entry_within_its_limit_but_compressed_a_thousand_to_one_is_refused_as_a_bomb()
    {
        byte[] zip = PacketSamples.ZipWith(("document-1.pdf", PacketSamples.Zeros(4)));

        PacketRefusal refusal = Refused(zip);

        Assert.Equal(PacketRules.CompressionRatio, refusal.Rule);
    }

    [Fact]
    public void A_stored_entry_over_its_part_limit_is_refused()
    {
        byte[] zip = PacketSamples.Zip(
        [
            ("application.json", "{}"u8.ToArray()),
            ("portrait.png", new byte[SubmissionParts.MaxPortraitBytes + 1]),
            (OfflinePacket.SignatureEntry, PacketSamples.SignatureJson(PacketSamples.UnverifiedSignature)),
        ], CompressionLevel.NoCompression);

        PacketRefusal refusal = Refused(zip);

        Assert.Equal(PacketRules.EntryTooLarge, refusal.Rule);
        Assert.Contains("portrait.png", refusal.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(21)]
    public void Bytes_that_are_not_a_zip_are_refused(int seed)
    {
        byte[] junk = new byte[4096];
        new Random(seed).NextBytes(junk);

        Assert.Equal(PacketRules.Corrupt, Refused(junk).Rule);
    }

    [Fact]
    public void A_truncated_zip_is_refused()
    {
        byte[] zip = PacketSamples.ZipWith();

        Assert.Equal(PacketRules.Corrupt, Refused(zip[..(zip.Length / 2)]).Rule);
    }

    [Fact]
    public void An_entry_with_a_flipped_byte_fails_its_crc()
    {
        byte[] zip = PacketSamples.Zip([.. PacketSamples.Entries().Select(e => (e.Name, e.Content)),
            (OfflinePacket.SignatureEntry, PacketSamples.SignatureJson(PacketSamples.UnverifiedSignature))], CompressionLevel.NoCompression);
        int at = zip.AsSpan().IndexOf(Samples.PortraitPng.AsSpan(0, 64)) + 1000;
        zip[at] ^= 0xFF;

        Assert.Equal(PacketRules.Corrupt, Refused(zip).Rule);
    }

    [Fact]
    public void A_packet_without_signature_json_is_refused()
    {
        byte[] zip = PacketSamples.Zip(PacketSamples.Entries().Select(e => (e.Name, e.Content)));

        Assert.Equal(PacketRules.SignatureMissing, Refused(zip).Rule);
    }

    [Fact]
    public void A_packet_without_application_json_is_refused()
    {
        byte[] zip = PacketSamples.Zip(
        [
            ("portrait.png", Samples.PortraitPng),
            (OfflinePacket.SignatureEntry, PacketSamples.SignatureJson(PacketSamples.UnverifiedSignature)),
        ]);

        Assert.Equal(PacketRules.ApplicationMissing, Refused(zip).Rule);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("""{"kioskId":"kiosk-test","timestamp":"1751358600","nonce":"5f2b8c1e9a7d4e3fb6c0a1d2e3f40516","idempotencyKey":"k","signature":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}""")]
    [InlineData("""{"kioskId":"kiosk-test","timestamp":1751358600,"nonce":"5f2b8c1e9a7d4e3fb6c0a1d2e3f40516","idempotencyKey":"k"}""")]
    [InlineData("""{"kioskId":"kiosk test","timestamp":1751358600,"nonce":"5f2b8c1e9a7d4e3fb6c0a1d2e3f40516","idempotencyKey":"k","signature":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}""")]
    [InlineData("""{"kioskId":"kiosk-test","timestamp":-1,"nonce":"5f2b8c1e9a7d4e3fb6c0a1d2e3f40516","idempotencyKey":"k","signature":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}""")]
    [InlineData("""{"kioskId":"kiosk-test","timestamp":999999999999,"nonce":"5f2b8c1e9a7d4e3fb6c0a1d2e3f40516","idempotencyKey":"k","signature":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}""")]
    [InlineData("""{"kioskId":"kiosk-test","timestamp":1751358600,"nonce":"short","idempotencyKey":"k","signature":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}""")]
    [InlineData("""{"kioskId":"kiosk-test","timestamp":1751358600,"nonce":"5f2b8c1e9a7d4e3fb6c0a1d2e3f40516","idempotencyKey":"two words","signature":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}""")]
    [InlineData("""{"kioskId":"kiosk-test","timestamp":1751358600,"nonce":"5f2b8c1e9a7d4e3fb6c0a1d2e3f40516","idempotencyKey":"k","signature":"c2hvcnQ="}""")]
    [InlineData("""{"kioskId":"kiosk-test","timestamp":1751358600,"nonce":"5f2b8c1e9a7d4e3fb6c0a1d2e3f40516","idempotencyKey":"k","signature":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","extra":1}""")]
    public void A_malformed_signature_json_is_refused(string json)
    {
        byte[] zip = PacketSamples.Zip([.. PacketSamples.Entries().Select(e => (e.Name, e.Content)), (OfflinePacket.SignatureEntry, Encoding.UTF8.GetBytes(json))]);

        Assert.Equal(PacketRules.SignatureMalformed, Refused(zip).Rule);
    }

    [Fact]
    public void A_zip_larger_than_any_packet_is_refused_unopened()
    {
        Assert.Equal(PacketRules.TooLarge, Refused(new byte[PacketReader.MaxPacketBytes + 1]).Rule);
    }

    static PacketRefusal Refused(byte[] zip)
    {
        PacketReadResult result = PacketReader.Read(zip);
        Assert.Null(result.Packet);
        return result.Refusal!;
    }
}
