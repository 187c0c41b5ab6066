using System.Globalization;
using System.IO.Compression;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using CitizenWorkflows.KioskClient;

namespace CitizenWorkflows.Workflow.Intake.OfflinePackets;

/// <summary>
/// Opens an uploaded packet (a zip) without trusting anything in it: at most <see cref="MaxEntries"/> entries, flat
/// names only (no directories, '..', absolute paths or drive letters: no zip slip), only the contract's names, each
/// once, each inflated within its part's limit (<see cref="SubmissionParts.LimitFor"/>) and all within
/// <see cref="SubmissionParts.MaxRequestBytes"/>, counted on the bytes actually inflated (the sizes in the headers
/// are claims: reading stops past the limit, and an entry whose bytes disagree with its header's size or CRC is
/// corrupt). Gives the parts as the multipart reader does (named without the extension) and the signature block.
/// </summary>
public static class PacketReader
{
    /// <summary>application + portrait + 10 fingerprints + 4 documents + signature = 17; a little room, no more.</summary>
    public const int MaxEntries = 20;

    public const int MaxSignatureBytes = 4 * 1024;

    /// <summary>The zip itself: every entry at its limit, stored uncompressed, plus headers.</summary>
    public const long MaxPacketBytes = SubmissionParts.MaxRequestBytes + (1024 * 1024);

    /// <summary>An entry inflating to more than this many times its compressed size …</summary>
    public const int MaxCompressionRatio = 100;

    /// <summary>… once past this size, is a decompression bomb (small JSON may compress better than that legitimately).</summary>
    public const int CompressionRatioFloorBytes = 1024 * 1024;

    static readonly JsonSerializerOptions Strict = new(JsonSerializerOptions.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>Every entry name a packet may hold, with the part it carries.</summary>
    static readonly Dictionary<string, string> PartByEntry = BuildEntryNames();

    /// <summary>The entry names a packet may hold, with the part (multipart name) each carries; signature.json carries none.</summary>
    public static IReadOnlyDictionary<string, string> EntryNames => PartByEntry;

    public static PacketReadResult Read(ReadOnlyMemory<byte> zip)
    {
        if (zip.Length > MaxPacketBytes)
        {
            return Refuse(PacketRules.TooLarge, $"The packet is {zip.Length} bytes; at most {MaxPacketBytes} are accepted.");
        }

        try
        {
            using MemoryStream stream = MemoryMarshal.TryGetArray(zip, out ArraySegment<byte> bytes)
                ? new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false)
                : new MemoryStream(zip.ToArray(), writable: false);
            using var archive = new ZipArchive(stream, ZipArchiveMode.Read);
            return ReadEntries(archive);
        }
        catch (InvalidDataException e)
        {
            return Refuse(PacketRules.Corrupt, "The packet is not a readable zip: " + e.Message);
        }
        catch (IOException e)
        {
            return Refuse(PacketRules.Corrupt, "The packet is not a readable zip: " + e.Message);
        }
        catch (NotSupportedException e)
        {
            return Refuse(PacketRules.EntryUnsupported, "The packet uses a zip feature that is not accepted: " + e.Message);
        }
    }

    static PacketReadResult ReadEntries(ZipArchive archive)
    {
        System.Collections.ObjectModel.ReadOnlyCollection<ZipArchiveEntry> entries = archive.Entries;
        if (entries.Count > MaxEntries)
        {
            return Refuse(PacketRules.TooManyEntries, $"The packet has {entries.Count} entries; at most {MaxEntries} are accepted.");
        }

        // Every name and every claim first, so a bad packet is refused before anything is inflated.
        var seenEntries = new HashSet<string>(StringComparer.Ordinal);
        var seenParts = new HashSet<string>(StringComparer.Ordinal);
        long declaredTotal = 0;
        foreach (ZipArchiveEntry entry in entries)
        {
            string name = entry.FullName;
            if (!IsFlatName(name))
            {
                return Refuse(PacketRules.EntryName,
                    $"Entry '{Printable(name)}' is not a plain file name: packets hold flat names only (no folders, '..', absolute paths or drive letters).");
            }

            if (!seenEntries.Add(name))
            {
                return Refuse(PacketRules.EntryDuplicate, $"Entry '{name}' appears more than once.");
            }

            int? limit = LimitOf(name);
            if (limit is null)
            {
                return Refuse(PacketRules.EntryUnknown,
                    $"Entry '{name}' is not part of a packet: application.json, portrait.jpg|png, fingerprint-01..10.iso|png, document-1..{SubmissionParts.MaxDocuments}.pdf|jpg, signature.json.");
            }

            if (PartByEntry.TryGetValue(name, out string? part) && !seenParts.Add(part))
            {
                return Refuse(PacketRules.EntryDuplicate, $"Entry '{name}' is a second '{part}'.");
            }

            if (entry.IsEncrypted)
            {
                return Refuse(PacketRules.EntryUnsupported, $"Entry '{name}' is encrypted.");
            }

            if (entry.Length > limit)
            {
                return Refuse(PacketRules.EntryTooLarge, $"Entry '{name}' declares {entry.Length} bytes; at most {limit} are accepted.");
            }

            declaredTotal += entry.Length;
        }

        if (declaredTotal > SubmissionParts.MaxRequestBytes)
        {
            return Refuse(PacketRules.TotalTooLarge, $"The entries declare {declaredTotal} bytes together; at most {SubmissionParts.MaxRequestBytes} are accepted.");
        }

        if (!seenEntries.Contains(OfflinePacket.SignatureEntry))
        {
            return Refuse(PacketRules.SignatureMissing, $"The packet has no {OfflinePacket.SignatureEntry}: it is unsigned.");
        }

        if (!seenEntries.Contains(OfflinePacket.ApplicationEntry))
        {
            return Refuse(PacketRules.ApplicationMissing, $"The packet has no {OfflinePacket.ApplicationEntry}.");
        }

        var files = new List<PacketEntry>();
        var parts = new List<SubmittedPart>();
        byte[]? signatureJson = null;
        long total = 0;
        foreach (ZipArchiveEntry entry in entries)
        {
            (byte[]? content, PacketReadResult? refused) = Inflate(entry, LimitOf(entry.FullName)!.Value, SubmissionParts.MaxRequestBytes - total);
            if (content is null)
            {
                return refused!;
            }

            total += content.Length;
            if (entry.FullName == OfflinePacket.SignatureEntry)
            {
                signatureJson = content;
                continue;
            }

            files.Add(new PacketEntry(entry.FullName, content));
            parts.Add(new SubmittedPart(PartByEntry[entry.FullName], entry.FullName, null, content));
        }

        PacketSignature? signature = ParseSignature(signatureJson!, out string? malformed);
        return signature is null
            ? Refuse(PacketRules.SignatureMalformed, $"{OfflinePacket.SignatureEntry} is malformed: {malformed}")
            : new PacketReadResult(new PacketContents(parts, files, signature), null);
    }

    /// <summary>Inflates one entry, counting what actually comes out; never past its limit, the packet's remaining room
    /// or a sane ratio.</summary>
    static (byte[]? Content, PacketReadResult? Refused) Inflate(ZipArchiveEntry entry, int limit, long room)
    {
        string name = entry.FullName;
        using var content = new MemoryStream((int)Math.Min(entry.Length, limit));
        var chunk = new byte[81920];
        using (Stream inflating = entry.Open())
        {
            int read;
            while ((read = inflating.Read(chunk)) > 0)
            {
                long inflated = content.Length + read;
                if (inflated > limit)
                {
                    return (null, Refuse(PacketRules.EntryTooLarge, $"Entry '{name}' inflates past {limit} bytes, its limit (its header claimed {entry.Length})."));
                }

                if (inflated > room)
                {
                    return (null, Refuse(PacketRules.TotalTooLarge, $"The entries inflate past {SubmissionParts.MaxRequestBytes} bytes together."));
                }

                if (inflated > CompressionRatioFloorBytes && inflated > (long)MaxCompressionRatio * Math.Max(1, entry.CompressedLength))
                {
                    return (null, Refuse(PacketRules.CompressionRatio,
                        $"Entry '{name}' inflates more than {MaxCompressionRatio} times its compressed size ({entry.CompressedLength} bytes): a decompression bomb."));
                }

                content.Write(chunk, 0, read);
            }
        }

        if (content.Length != entry.Length)
        {
            return (null, Refuse(PacketRules.Corrupt, $"Entry '{name}' holds {content.Length} bytes but its header says {entry.Length}."));
        }

        byte[] bytes = content.ToArray();
        if (Crc32.HashToUInt32(bytes) != entry.Crc32)
        {
            return (null, Refuse(PacketRules.Corrupt, $"Entry '{name}' does not match its CRC-32 (truncated, altered or its header lies about its size)."));
        }

        return (bytes, null);
    }

    static PacketSignature? ParseSignature(byte[] json, out string? problem)
    {
        SignatureBlock? block;
        try
        {
            block = JsonSerializer.Deserialize<SignatureBlock>(json, Strict);
        }
        catch (JsonException e)
        {
            problem = $"not the expected JSON at {e.Path ?? "$"}.";
            return null;
        }

        var wrong = new List<string>();
        if (block is null)
        {
            problem = "it is JSON null.";
            return null;
        }

        if (!KioskSignature.IsWellFormedKioskId(block.KioskId))
        {
            wrong.Add("kioskId (the registered kiosk id)");
        }

        if (block.Timestamp is not { } timestamp || timestamp < 0 || timestamp > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            wrong.Add("timestamp (Unix time in whole seconds)");
        }

        if (!KioskSignature.IsWellFormedNonce(block.Nonce))
        {
            wrong.Add($"nonce ({KioskSignature.MinNonceLength}-{KioskSignature.MaxNonceLength} characters of A-Z, a-z, 0-9, '-', '_')");
        }

        if (!OfflinePacket.IsWellFormedIdempotencyKey(block.IdempotencyKey))
        {
            wrong.Add($"idempotencyKey (1-{OfflinePacket.MaxIdempotencyKeyLength} visible ASCII characters)");
        }

        if (!IsBase64OfSignatureLength(block.Signature))
        {
            wrong.Add("signature (base64 of the 32-byte HMAC-SHA256)");
        }

        problem = wrong.Count == 0 ? null : "missing or malformed: " + string.Join("; ", wrong) + ".";
        return problem is null
            ? new PacketSignature(block.KioskId!, block.Timestamp!.Value, block.Nonce!, block.IdempotencyKey!, block.Signature!)
            : null;
    }

    static bool IsBase64OfSignatureLength(string? value)
    {
        Span<byte> bytes = stackalloc byte[KioskSignature.SignatureBytes + 3];
        return !string.IsNullOrEmpty(value) && Convert.TryFromBase64String(value, bytes, out int written) && written == KioskSignature.SignatureBytes;
    }

    /// <summary>A plain file name: no separators, no drive or stream colon, no '..', no control characters, not too long.</summary>
    static bool IsFlatName(string name) =>
        name.Length is > 0 and <= 64
        && name.AsSpan().IndexOfAny('/', '\\', ':') < 0
        && !name.Contains("..", StringComparison.Ordinal)
        && !name.Any(char.IsControl);

    static int? LimitOf(string entryName) =>
        entryName == OfflinePacket.SignatureEntry ? MaxSignatureBytes
        : PartByEntry.TryGetValue(entryName, out string? part) ? SubmissionParts.LimitFor(part)
        : null;

    static Dictionary<string, string> BuildEntryNames()
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [OfflinePacket.ApplicationEntry] = SubmissionParts.Application,
            [SubmissionParts.Portrait + ".jpg"] = SubmissionParts.Portrait,
            [SubmissionParts.Portrait + ".png"] = SubmissionParts.Portrait,
        };
        foreach (string part in SubmissionParts.FingerprintParts)
        {
            names[part + ".iso"] = part;
            names[part + ".png"] = part;
        }

        foreach (string part in SubmissionParts.DocumentParts)
        {
            names[part + ".pdf"] = part;
            names[part + ".jpg"] = part;
        }

        return names;
    }

    /// <summary>A name as it may be shown: control characters escaped, at most 80 characters.</summary>
    static string Printable(string name)
    {
        string shown = string.Concat(name.Select(c => char.IsControl(c) ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}") : c.ToString()));
        return shown.Length <= 80 ? shown : shown[..80] + "…";
    }

    static PacketReadResult Refuse(string rule, string reason) => new(null, new PacketRefusal(rule, reason));

    /// <summary>signature.json as written; every member nullable so a missing one is named instead of thrown.</summary>
    sealed record SignatureBlock(string? KioskId, long? Timestamp, string? Nonce, string? IdempotencyKey, string? Signature);
}

/// <summary>A packet that opened cleanly: its parts (as multipart would give them), its files (entry names) and its
/// signature block.</summary>
public sealed record PacketContents(IReadOnlyList<SubmittedPart> Parts, IReadOnlyList<PacketEntry> Entries, PacketSignature Signature);

/// <summary>Why a packet was refused: a <see cref="PacketRules"/> name and a message for operators.</summary>
public sealed record PacketRefusal(string Rule, string Reason);

/// <summary>The packet, or why it was refused.</summary>
public sealed record PacketReadResult(PacketContents? Packet, PacketRefusal? Refusal);
