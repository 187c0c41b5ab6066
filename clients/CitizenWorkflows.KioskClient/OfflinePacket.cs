using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CitizenWorkflows.KioskClient;

/// <summary>
/// An offline packet: what a mobile team without connectivity captures and uploads later to the <c>packets</c>
/// container. A zip of flat entries named like the multipart parts plus an extension (<c>application.json</c>,
/// <c>portrait.jpg|png</c>, <c>fingerprint-01.iso|png</c> … <c>fingerprint-10</c>, <c>document-1.pdf|jpg</c> …) and
/// <c>signature.json</c>, which signs them with <see cref="KioskSignature"/>: the canonical string of method
/// <see cref="Method"/>, path <c>/packets/{idempotencyKey}</c> and, as the body, the <see cref="Manifest"/> of the other
/// entries. The server verifies with the same functions; see OFFLINE-PACKETS.md in this folder.
/// </summary>
public static class OfflinePacket
{
    /// <summary>The method of a packet's canonical string (it is never an HTTP request).</summary>
    public const string Method = "PACKET";

    public const string SignatureEntry = "signature.json";

    public const string ApplicationEntry = "application.json";

    /// <summary>The same rule as the <c>Idempotency-Key</c> header: 1–128 visible ASCII characters.</summary>
    public const int MaxIdempotencyKeyLength = 128;

    /// <summary>The signed path of a packet: <c>/packets/{idempotencyKey}</c>, the key as it is (not percent-encoded).</summary>
    public static string PathFor(string idempotencyKey)
    {
        if (!IsWellFormedIdempotencyKey(idempotencyKey))
        {
            throw new ArgumentException($"An idempotency key is 1–{MaxIdempotencyKeyLength} visible ASCII characters.", nameof(idempotencyKey));
        }

        return "/packets/" + idempotencyKey;
    }

    public static bool IsWellFormedIdempotencyKey(string? key) =>
        key is { Length: > 0 and <= MaxIdempotencyKeyLength } && key.All(c => c is > ' ' and <= '~');

    /// <summary>
    /// What the signature covers: every entry except <see cref="SignatureEntry"/>, sorted by name (ordinal), one line
    /// <c>name=hex(SHA-256(content))\n</c> each (lower-case hex, a line feed after every line, the last included).
    /// </summary>
    /// <exception cref="ArgumentException">A name is empty, holds a line break or '=', or appears twice.</exception>
    public static string Manifest(IEnumerable<PacketEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var text = new StringBuilder();
        string? previous = null;
        foreach (PacketEntry entry in entries.Where(e => e.Name != SignatureEntry).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (entry.Name.Length == 0 || entry.Name.AsSpan().IndexOfAny('\n', '\r', '=') >= 0)
            {
                throw new ArgumentException("An entry name is not empty and holds no line break or '='.", nameof(entries));
            }

            if (entry.Name == previous)
            {
                throw new ArgumentException($"Entry '{entry.Name}' appears twice.", nameof(entries));
            }

            text.Append(entry.Name).Append('=').Append(Convert.ToHexStringLower(SHA256.HashData(entry.Content))).Append('\n');
            previous = entry.Name;
        }

        return text.ToString();
    }

    /// <summary>The <see cref="PacketSignature.Signature"/> of these entries: base64 HMAC-SHA256 of the packet's
    /// canonical string.</summary>
    public static string Sign(ReadOnlySpan<byte> secret, string idempotencyKey, long timestamp, string nonce, IEnumerable<PacketEntry> entries) =>
        KioskSignature.Compute(secret, Method, PathFor(idempotencyKey), timestamp, nonce, Encoding.UTF8.GetBytes(Manifest(entries)));

    /// <summary>True when <paramref name="signature"/> signs exactly these entries (any other name or byte fails).</summary>
    public static bool Verify(ReadOnlySpan<byte> secret, PacketSignature signature, IEnumerable<PacketEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(signature);
        return IsWellFormedIdempotencyKey(signature.IdempotencyKey)
            && KioskSignature.IsWellFormedNonce(signature.Nonce)
            && signature.Timestamp >= 0
            && KioskSignature.Verify(
                secret, Method, PathFor(signature.IdempotencyKey), signature.Timestamp, signature.Nonce,
                Encoding.UTF8.GetBytes(Manifest(entries)), signature.Signature);
    }

    /// <summary>
    /// The entries of an application: <c>application.json</c> (the form serialised as the multipart <c>application</c>
    /// part is) and each file with the extension of what its bytes are. The server still decides types by content.
    /// </summary>
    public static IReadOnlyList<PacketEntry> EntriesOf(ApplicationUpload upload)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var entries = new List<PacketEntry>
        {
            new(ApplicationEntry, JsonSerializer.SerializeToUtf8Bytes(upload.Application, JsonSerializerOptions.Web)),
            new("portrait." + (IsJpeg(upload.Portrait) ? "jpg" : "png"), upload.Portrait),
        };
        foreach ((int position, byte[] bytes) in upload.Fingerprints.OrderBy(f => f.Key))
        {
            bool template = bytes.AsSpan().StartsWith("FMR\0"u8);
            entries.Add(new("fingerprint-" + position.ToString("00", CultureInfo.InvariantCulture) + (template ? ".iso" : ".png"), bytes));
        }

        for (int i = 0; i < upload.Documents.Count; i++)
        {
            bool pdf = upload.Documents[i].AsSpan().StartsWith("%PDF-"u8);
            entries.Add(new("document-" + (i + 1).ToString(CultureInfo.InvariantCulture) + (pdf ? ".pdf" : ".jpg"), upload.Documents[i]));
        }

        return entries;
    }

    /// <summary>
    /// A signed packet of <paramref name="upload"/>, ready to upload: signed now (or at <paramref name="clock"/>'s time)
    /// with a fresh nonce. Keep <paramref name="idempotencyKey"/> unique per application: re-uploading the same packet
    /// (or a rebuilt one with the same key and content) creates no second application.
    /// </summary>
    /// <param name="secret">The kiosk's secret as issued (base64).</param>
    public static byte[] Build(ApplicationUpload upload, string kioskId, string secret, string idempotencyKey, TimeProvider? clock = null) =>
        Build(EntriesOf(upload), kioskId, secret, idempotencyKey, (clock ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds(), KioskSignature.NewNonce());

    /// <summary>A signed packet of exactly these entries (names with their extensions, <see cref="SignatureEntry"/> excluded).</summary>
    public static byte[] Build(IReadOnlyList<PacketEntry> entries, string kioskId, string secret, string idempotencyKey, long timestamp, string nonce)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (!KioskSignature.IsWellFormedKioskId(kioskId))
        {
            throw new ArgumentException(
                $"A kiosk id is 1–{KioskSignature.MaxKioskIdLength} characters of letters, digits, '.', '-' and '_'.", nameof(kioskId));
        }

        if (!KioskSignature.IsWellFormedNonce(nonce))
        {
            throw new ArgumentException(
                $"A nonce is {KioskSignature.MinNonceLength}–{KioskSignature.MaxNonceLength} characters of A–Z, a–z, 0–9, '-', '_'.", nameof(nonce));
        }

        if (entries.Any(e => e.Name == SignatureEntry))
        {
            throw new ArgumentException($"The entries may not include {SignatureEntry}: Build writes it.", nameof(entries));
        }

        string value = Sign(KioskSignature.DecodeSecret(secret), idempotencyKey, timestamp, nonce, entries);
        return Zip(entries, new PacketSignature(kioskId, timestamp, nonce, idempotencyKey, value));
    }

    /// <summary>Writes the zip: the entries as given, then <see cref="SignatureEntry"/>.</summary>
    public static byte[] Zip(IEnumerable<PacketEntry> entries, PacketSignature signature)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(signature);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (PacketEntry entry in entries)
            {
                Write(zip, entry.Name, entry.Content);
            }

            Write(zip, SignatureEntry, JsonSerializer.SerializeToUtf8Bytes(signature, JsonSerializerOptions.Web));
        }

        return buffer.ToArray();
    }

    static void Write(ZipArchive zip, string name, byte[] content)
    {
        ZipArchiveEntry entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        using Stream stream = entry.Open();
        stream.Write(content);
    }

    static bool IsJpeg(ReadOnlySpan<byte> content) => content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]);
}

/// <summary>One file of a packet: its entry name (with extension) and its bytes.</summary>
public sealed record PacketEntry(string Name, byte[] Content);

/// <summary>
/// <c>signature.json</c>: who signed the packet, when (Unix seconds), with which nonce, under which idempotency key,
/// and the signature (base64 HMAC-SHA256, as <see cref="KioskSignature.Compute(string, string, string, long, string,
/// ReadOnlySpan{byte})"/>). Serialised with camelCase names: <c>{ "kioskId", "timestamp", "nonce", "idempotencyKey",
/// "signature" }</c>.
/// </summary>
public sealed record PacketSignature(string KioskId, long Timestamp, string Nonce, string IdempotencyKey, string Signature);
