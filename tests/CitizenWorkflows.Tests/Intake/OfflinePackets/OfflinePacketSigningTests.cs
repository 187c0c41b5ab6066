using System.IO.Compression;
using System.Text;
using System.Text.Json;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Intake.OfflinePackets;

namespace CitizenWorkflows.Tests.Intake.OfflinePackets;

/// <summary>
/// The packet signature of the client library: the manifest, the canonical string (KioskSignature's, with method
/// PACKET and path /packets/{key}), and the worked example of clients/CitizenWorkflows.KioskClient/OFFLINE-PACKETS.md,
/// whose values were computed independently (Python hashlib/hmac).
/// </summary>
public class OfflinePacketSigningTests
{
    const string Secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const string Nonce = "5f2b8c1e9a7d4e3fb6c0a1d2e3f40516";
    const long Timestamp = 1_751_358_600;
    const string Key = "mobile-team-42-0001";

    static readonly PacketEntry[] Example =
    [
        new("portrait.png", [.. Enumerable.Range(0, 32).Select(i => (byte)i)]),
        new("application.json", Encoding.UTF8.GetBytes("""{"type":"new"}""")),
    ];

    [Fact]
    public void The_manifest_lists_entries_by_name_with_their_sha256_one_line_each()
    {
        Assert.Equal(
            "application.json=68f08bb0a2bfeb76bd05445cb1f64a37e8ea3ea82f39b39274086a8b26547e92\n" +
            "portrait.png=630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd\n",
            OfflinePacket.Manifest(Example));
    }

    [Fact]
    public void The_manifest_leaves_out_signature_json()
    {
        Assert.Equal(OfflinePacket.Manifest(Example), OfflinePacket.Manifest([.. Example, new(OfflinePacket.SignatureEntry, [1, 2, 3])]));
    }

    [Fact]
    public void The_worked_example_signs_to_the_documented_value()
    {
        string signature = OfflinePacket.Sign(KioskSignature.DecodeSecret(Secret), Key, Timestamp, Nonce, Example);

        Assert.Equal("5SWOaZyrck+9qL1qaZQGiNCuhmVunESqq0lVcBtFCn4=", signature);

        // It is KioskSignature's canonical string, with the manifest as the body.
        Assert.Equal(
            "PACKET\n/packets/mobile-team-42-0001\n1751358600\n5f2b8c1e9a7d4e3fb6c0a1d2e3f40516\n30dfd119910740679b912f25c56458678672b58a66a490b6dc988954cbc0e540",
            KioskSignature.CanonicalString(OfflinePacket.Method, OfflinePacket.PathFor(Key), Timestamp, Nonce, Encoding.UTF8.GetBytes(OfflinePacket.Manifest(Example))));
    }

    [Fact]
    public void Verify_accepts_the_entries_signed_and_nothing_else()
    {
        byte[] secret = KioskSignature.DecodeSecret(Secret);
        var signature = new PacketSignature("kiosk-1", Timestamp, Nonce, Key, OfflinePacket.Sign(secret, Key, Timestamp, Nonce, Example));

        Assert.True(OfflinePacket.Verify(secret, signature, Example));
        Assert.True(OfflinePacket.Verify(secret, signature, [.. Example.Reverse()]));

        byte[] changed = [.. Example[0].Content];
        changed[5] ^= 1;
        Assert.False(OfflinePacket.Verify(secret, signature, [new("portrait.png", changed), Example[1]]));
        Assert.False(OfflinePacket.Verify(secret, signature, [new("portrait.jpg", Example[0].Content), Example[1]]));
        Assert.False(OfflinePacket.Verify(secret, signature, [Example[1]]));
        Assert.False(OfflinePacket.Verify(secret, signature, [.. Example, new("document-1.pdf", PacketSamples.Pdf)]));
        Assert.False(OfflinePacket.Verify(secret, signature with { IdempotencyKey = "mobile-team-42-0002" }, Example));
        Assert.False(OfflinePacket.Verify(secret, signature with { Timestamp = Timestamp + 1 }, Example));
        Assert.False(OfflinePacket.Verify(secret, signature with { Nonce = KioskSignature.NewNonce() }, Example));
        Assert.False(OfflinePacket.Verify(KioskSignature.DecodeSecret(KioskSignature.NewSecret()), signature, Example));
    }

    [Fact]
    public void Build_names_files_by_what_they_are_and_signs_them()
    {
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3];
        byte[] template = [.. "FMR\0 20\0"u8, 0, 0, 0, 14, 0, 0];
        var upload = new ApplicationUpload
        {
            Application = Samples.Form(),
            Portrait = jpeg,
            Fingerprints = new Dictionary<int, byte[]> { [10] = Samples.PortraitPng, [1] = template },
            Documents = [PacketSamples.Pdf, jpeg],
        };
        string secret = KioskSignature.NewSecret();

        byte[] zip = OfflinePacket.Build(upload, "mobile-7", secret, "app-0042");

        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        Assert.Equal(
            ["application.json", "portrait.jpg", "fingerprint-01.iso", "fingerprint-10.png", "document-1.pdf", "document-2.jpg", "signature.json"],
            archive.Entries.Select(e => e.FullName));

        PacketContents packet = PacketReader.Read(zip).Packet!;
        Assert.Equal("mobile-7", packet.Signature.KioskId);
        Assert.Equal("app-0042", packet.Signature.IdempotencyKey);
        Assert.InRange(packet.Signature.Timestamp, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.True(OfflinePacket.Verify(KioskSignature.DecodeSecret(secret), packet.Signature, packet.Entries));

        // application.json is the application part as the multipart upload sends it.
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(upload.Application, JsonSerializerOptions.Web), packet.Entries.Single(e => e.Name == "application.json").Content);
    }

    [Fact]
    public void Each_packet_gets_a_fresh_nonce()
    {
        string secret = KioskSignature.NewSecret();

        PacketSignature first = PacketReader.Read(OfflinePacket.Build(Samples.Upload(), "mobile-7", secret, "app-1")).Packet!.Signature;
        PacketSignature second = PacketReader.Read(OfflinePacket.Build(Samples.Upload(), "mobile-7", secret, "app-1")).Packet!.Signature;

        Assert.NotEqual(first.Nonce, second.Nonce);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("ключ")]
    public void An_idempotency_key_outside_the_header_rule_is_refused(string key)
    {
        Assert.Throws<ArgumentException>(() => OfflinePacket.Build(Samples.Upload(), "mobile-7", KioskSignature.NewSecret(), key));
    }

    [Fact]
    public void A_key_of_128_characters_is_the_longest()
    {
        Assert.Equal(SubmitApplicationEndpoint.MaxIdempotencyKeyLength, OfflinePacket.MaxIdempotencyKeyLength);
        Assert.True(OfflinePacket.IsWellFormedIdempotencyKey(new string('k', 128)));
        Assert.False(OfflinePacket.IsWellFormedIdempotencyKey(new string('k', 129)));
    }
}
