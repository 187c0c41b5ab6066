using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CitizenWorkflows.KioskClient;

/// <summary>
/// The kiosk request signature: HMAC-SHA256, keyed with the kiosk's secret (the base64-decoded bytes), over the
/// canonical string <c>METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nhex(SHA-256(body))</c> (UTF-8, no trailing newline).
/// The server and the kiosks both use this class; README.md in this folder describes it for other languages.
/// </summary>
public static class KioskSignature
{
    /// <summary>The registered kiosk id.</summary>
    public const string KioskIdHeader = "X-Kiosk-Id";

    /// <summary>When the request was signed, in Unix seconds (decimal digits, UTC).</summary>
    public const string TimestampHeader = "X-Kiosk-Timestamp";

    /// <summary>A fresh random value per request (16–64 characters of <c>A–Z a–z 0–9 - _</c>).</summary>
    public const string NonceHeader = "X-Kiosk-Nonce";

    /// <summary>The signature, standard base64 (with padding) of the 32-byte HMAC-SHA256.</summary>
    public const string SignatureHeader = "X-Kiosk-Signature";

    /// <summary>A request is accepted when its timestamp is at most this far from the server's clock, either way.</summary>
    public static readonly TimeSpan ClockWindow = TimeSpan.FromMinutes(5);

    /// <summary>Length of the HMAC-SHA256 signature in bytes.</summary>
    public const int SignatureBytes = 32;

    /// <summary>The shortest secret the scheme accepts, in bytes.</summary>
    public const int MinSecretBytes = 32;

    public const int MinNonceLength = 16;

    public const int MaxNonceLength = 64;

    public const int MaxKioskIdLength = 64;

    /// <summary>
    /// The string that is signed. <paramref name="pathAndQuery"/> is the request target exactly as sent on the wire
    /// (percent-encoded path plus <c>?query</c> when there is one, e.g. <c>/api/v1/applications?draft=1</c>).
    /// </summary>
    public static string CanonicalString(string method, string pathAndQuery, long timestamp, string nonce, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentException.ThrowIfNullOrEmpty(pathAndQuery);
        ArgumentOutOfRangeException.ThrowIfNegative(timestamp);
        ArgumentException.ThrowIfNullOrEmpty(nonce);
        return string.Join('\n',
            method.ToUpperInvariant(),
            pathAndQuery,
            timestamp.ToString(CultureInfo.InvariantCulture),
            nonce,
            BodyDigest(body));
    }

    /// <summary>Lower-case hex SHA-256 of the body bytes exactly as sent (the digest of no body is that of zero bytes).</summary>
    public static string BodyDigest(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    /// <summary>The <see cref="SignatureHeader"/> value: base64 HMAC-SHA256 of the canonical string with <paramref
    /// name="secret"/>.</summary>
    public static string Compute(ReadOnlySpan<byte> secret, string method, string pathAndQuery, long timestamp, string nonce, ReadOnlySpan<byte> body) =>
        Convert.ToBase64String(Mac(secret, CanonicalString(method, pathAndQuery, timestamp, nonce, body)));

    /// <summary>As <see cref="Compute(ReadOnlySpan{byte}, string, string, long, string, ReadOnlySpan{byte})"/>, with
    /// the secret as issued (base64).</summary>
    public static string Compute(string secretBase64, string method, string pathAndQuery, long timestamp, string nonce, ReadOnlySpan<byte> body) =>
        Compute(DecodeSecret(secretBase64), method, pathAndQuery, timestamp, nonce, body);

    /// <summary>
    /// True when <paramref name="signature"/> (the header value) is the signature of this request. The comparison takes
    /// the same time however many bytes match; a value that is not base64 of 32 bytes is simply false.
    /// </summary>
    public static bool Verify(
        ReadOnlySpan<byte> secret, string method, string pathAndQuery, long timestamp, string nonce, ReadOnlySpan<byte> body, string? signature)
    {
        Span<byte> presented = stackalloc byte[SignatureBytes + 3];
        if (string.IsNullOrEmpty(signature)
            || !Convert.TryFromBase64String(signature, presented, out int written)
            || written != SignatureBytes)
        {
            return false;
        }

        byte[] expected = Mac(secret, CanonicalString(method, pathAndQuery, timestamp, nonce, body));
        return CryptographicOperations.FixedTimeEquals(expected, presented[..written]);
    }

    /// <summary>A new random nonce: 16 random bytes as 32 lower-case hex characters.</summary>
    public static string NewNonce() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    /// <summary>A new kiosk secret: <see cref="MinSecretBytes"/> random bytes, base64.</summary>
    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(MinSecretBytes));

    /// <summary>Decodes a secret as issued (base64) and checks its length.</summary>
    public static byte[] DecodeSecret(string secretBase64)
    {
        ArgumentException.ThrowIfNullOrEmpty(secretBase64);
        byte[] secret;
        try
        {
            secret = Convert.FromBase64String(secretBase64);
        }
        catch (FormatException)
        {
            // Never put the value in the message: it is the secret.
            throw new ArgumentException("The kiosk secret is not valid base64.", nameof(secretBase64));
        }

        return secret.Length >= MinSecretBytes
            ? secret
            : throw new ArgumentException($"The kiosk secret must be at least {MinSecretBytes} bytes.", nameof(secretBase64));
    }

    /// <summary>Kiosk ids are 1–64 characters of <c>A–Z a–z 0–9 . - _</c> (they are also Table keys).</summary>
    public static bool IsWellFormedKioskId(string? kioskId) =>
        kioskId is { Length: > 0 and <= MaxKioskIdLength } && !kioskId.AsSpan().ContainsAnyExcept(KioskIdCharacters);

    /// <summary>Nonces are 16–64 characters of <c>A–Z a–z 0–9 - _</c> (hex or unpadded base64url both fit).</summary>
    public static bool IsWellFormedNonce(string? nonce) =>
        nonce is { Length: >= MinNonceLength and <= MaxNonceLength } && !nonce.AsSpan().ContainsAnyExcept(NonceCharacters);

    static readonly SearchValues<char> NonceCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    static readonly SearchValues<char> KioskIdCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.");

    static byte[] Mac(ReadOnlySpan<byte> secret, string canonical)
    {
        if (secret.Length < MinSecretBytes)
        {
            throw new ArgumentException($"The kiosk secret must be at least {MinSecretBytes} bytes.", nameof(secret));
        }

        return HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(canonical));
    }
}
