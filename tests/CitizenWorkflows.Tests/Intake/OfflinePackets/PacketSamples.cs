using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Kiosks;

namespace CitizenWorkflows.Tests.Intake.OfflinePackets;

/// <summary>Packets good and bad: signed ones built with the client library, hostile ones built by hand.</summary>
public static class PacketSamples
{
    /// <summary>A signature block that is well formed but verifies nothing (enough for the reader, which does not verify).</summary>
    public static readonly PacketSignature UnverifiedSignature = new(
        "kiosk-test", 1_751_358_600, "5f2b8c1e9a7d4e3fb6c0a1d2e3f40516", "key-1", Convert.ToBase64String(new byte[32]));

    public static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");

    /// <summary>
    /// The entries of an application (application.json, portrait.png, and whatever <paramref name="upload"/> adds); by
    /// default a renewal by a person of its own, since one citizen has one application in flight.
    /// </summary>
    public static IReadOnlyList<PacketEntry> Entries(ApplicationUpload? upload = null) => OfflinePacket.EntriesOf(upload ?? Samples.RenewalBy());

    /// <summary>A packet signed by <paramref name="kiosk"/> (now, fresh nonce unless given).</summary>
    public static byte[] SignedBy(
        Kiosk kiosk, string idempotencyKey, IReadOnlyList<PacketEntry>? entries = null, DateTimeOffset? signedAt = null, string? nonce = null) =>
        OfflinePacket.Build(
            entries ?? Entries(), kiosk.Id, kiosk.Secret, idempotencyKey,
            (signedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(), nonce ?? KioskSignature.NewNonce());

    /// <summary>The signature block <see cref="SignedBy"/> would write, for packets that are altered after signing.</summary>
    public static PacketSignature SignatureOf(Kiosk kiosk, string idempotencyKey, IReadOnlyList<PacketEntry> entries, string? secret = null)
    {
        long timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string nonce = KioskSignature.NewNonce();
        string value = OfflinePacket.Sign(KioskSignature.DecodeSecret(secret ?? kiosk.Secret), idempotencyKey, timestamp, nonce, entries);
        return new PacketSignature(kiosk.Id, timestamp, nonce, idempotencyKey, value);
    }

    /// <summary>A zip of exactly these entries, names as given (no checks: this is how hostile packets are made).</summary>
    public static byte[] Zip(IEnumerable<(string Name, byte[] Content)> entries, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string name, byte[] content) in entries)
            {
                ZipArchiveEntry entry = zip.CreateEntry(name, level);
                using Stream stream = entry.Open();
                stream.Write(content);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>The sample application's entries plus an unverified signature.json, then <paramref name="extra"/>.</summary>
    public static byte[] ZipWith(params (string Name, byte[] Content)[] extra) =>
        Zip([.. Entries().Select(e => (e.Name, e.Content)), (OfflinePacket.SignatureEntry, SignatureJson(UnverifiedSignature)), .. extra]);

    public static byte[] SignatureJson(PacketSignature signature) => JsonSerializer.SerializeToUtf8Bytes(signature, JsonSerializerOptions.Web);

    /// <summary>
    /// Rewrites the uncompressed size an entry's local header and central directory record claim, leaving its data
    /// (and CRC) as they are: a header that lies.
    /// </summary>
    public static byte[] LieAboutSize(byte[] zip, string entryName, uint claimedSize)
    {
        byte[] bytes = (byte[])zip.Clone();
        byte[] name = Encoding.UTF8.GetBytes(entryName);
        int patched = 0;
        for (int at = 0; at + 46 <= bytes.Length; at++)
        {
            uint signature = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));
            if (signature == 0x04034b50 && bytes.AsSpan(at + 30).StartsWith(name) && BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 26)) == name.Length)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 22), claimedSize);
                patched++;
            }
            else if (signature == 0x02014b50 && bytes.AsSpan(at + 46).StartsWith(name) && BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 28)) == name.Length)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 24), claimedSize);
                patched++;
            }
        }

        Assert.Equal(2, patched);
        return bytes;
    }

    /// <summary><paramref name="megabytes"/> MB of zeros: deflates about a thousand to one.</summary>
    public static byte[] Zeros(int megabytes) => new byte[megabytes * 1024 * 1024];

    public static SubmittedPart Part(IEnumerable<SubmittedPart> parts, string name) => parts.Single(p => p.Name == name);
}
