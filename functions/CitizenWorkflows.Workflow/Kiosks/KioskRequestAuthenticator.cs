using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Workflow.Kiosks;

/// <summary>
/// Authenticates a signed kiosk request (<see cref="KioskSignature"/>): headers well formed, timestamp within
/// ±5 minutes of the server clock, kiosk registered, signature valid, kiosk active, nonce never used before.
/// Each refusal is a problem with a <c>kiosk-…</c> type that says what to fix and never echoes a secret.
/// </summary>
public sealed partial class KioskRequestAuthenticator(
    KioskRegistry registry, NonceLedger nonces, TimeProvider clock, ILogger<KioskRequestAuthenticator> log)
{
    const string SchemeChallenge =
        $"KioskSignature headers=\"{KioskSignature.KioskIdHeader} {KioskSignature.TimestampHeader} {KioskSignature.NonceHeader} {KioskSignature.SignatureHeader}\"";

    /// <summary>
    /// Authenticates <paramref name="request"/>, whose body the caller has already read into <paramref name="body"/>
    /// (the signature covers the exact bytes, so read them once and parse these).
    /// </summary>
    public async Task<KioskAuthentication> AuthenticateAsync(HttpRequest request, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!TryReadHeaders(request, out string kioskId, out long timestamp, out string nonce, out string signature, out string? missing))
        {
            return Unauthenticated(request, "kiosk-signature-missing", "Kiosk signature missing or malformed", missing);
        }

        DateTimeOffset now = clock.GetUtcNow();
        // In milliseconds as long: the timestamp has at most 12 digits, so this cannot overflow.
        long skewMs = (timestamp * 1000) - now.ToUnixTimeMilliseconds();
        if (Math.Abs(skewMs) > (long)KioskSignature.ClockWindow.TotalMilliseconds)
        {
            LogDenied(log, kioskId, "expired");
            return Unauthenticated(request, "kiosk-signature-expired", "Kiosk request timestamp outside the clock window",
                string.Create(CultureInfo.InvariantCulture,
                    $"{KioskSignature.TimestampHeader} is {Math.Abs(skewMs) / 1000} s {(skewMs > 0 ? "ahead of" : "behind")} the server clock " +
                    $"({now.ToUnixTimeSeconds()} Unix seconds, {now.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}); it must be within " +
                    $"±{(long)KioskSignature.ClockWindow.TotalSeconds} s. Set the kiosk clock from NTP and sign each request when it is sent."));
        }

        Kiosk? kiosk = await registry.GetAsync(kioskId, cancellationToken);
        if (kiosk is null || !KioskSignature.Verify(
                KioskSignature.DecodeSecret(kiosk.Secret), request.Method, PathAndQueryAsSent(request), timestamp, nonce, body.Span, signature))
        {
            // Unknown kiosk and wrong signature read the same, so the answer does not tell which kiosk ids exist.
            LogDenied(log, kioskId, kiosk is null ? "unknown kiosk" : "bad signature");
            return Unauthenticated(request, "kiosk-signature-invalid", "Kiosk signature invalid",
                $"{KioskSignature.SignatureHeader} does not match a registered kiosk's signature of this request. Sign with the secret " +
                $"issued for {KioskSignature.KioskIdHeader}: base64(HMAC-SHA256(secret, METHOD\\nPATH?QUERY as sent\\nTIMESTAMP\\nNONCE\\n" +
                "hex(SHA-256(body)))), over the exact body bytes sent (clients/CitizenWorkflows.KioskClient/README.md).");
        }

        if (kiosk.Status != KioskStatus.Active)
        {
            LogDenied(log, kioskId, "disabled");
            return KioskAuthentication.Refused(Problems.Status(StatusCodes.Status403Forbidden, "kiosk-disabled", "Kiosk disabled",
                $"Kiosk '{kiosk.Id}' is disabled and may not submit; ask the programme's kiosk administrators to re-enable it."));
        }

        // Only now, with the signature proven, is the nonce spent: forged requests cannot burn a kiosk's nonces.
        if (!await nonces.TryRecordAsync(kiosk.Id, nonce, DateTimeOffset.FromUnixTimeSeconds(timestamp), cancellationToken))
        {
            LogDenied(log, kioskId, "replayed");
            return Unauthenticated(request, "kiosk-signature-replayed", "Kiosk request replayed",
                $"This kiosk has already used {KioskSignature.NonceHeader} '{nonce}'. Send a fresh random nonce with every request, retries included.");
        }

        return KioskAuthentication.Authenticated(new Caller(kiosk.Id, Roles.Kiosk, kiosk.ProvinceCode, Commune: kiosk.CommuneCode), kiosk);
    }

    /// <summary>
    /// The request target as the kiosk sent it (path and query, still percent-encoded): the server's raw target when
    /// it has one (Kestrel), otherwise rebuilt from the path base, path and query string.
    /// </summary>
    public static string PathAndQueryAsSent(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? raw = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        return !string.IsNullOrEmpty(raw) && raw[0] == '/'
            ? raw
            : request.PathBase.Add(request.Path).ToUriComponent() + request.QueryString.ToUriComponent();
    }

    static bool TryReadHeaders(
        HttpRequest request, out string kioskId, out long timestamp, out string nonce, out string signature, [NotNullWhen(false)] out string? problem)
    {
        kioskId = Single(request, KioskSignature.KioskIdHeader) ?? "";
        string timestampText = Single(request, KioskSignature.TimestampHeader) ?? "";
        nonce = Single(request, KioskSignature.NonceHeader) ?? "";
        signature = Single(request, KioskSignature.SignatureHeader) ?? "";
        timestamp = 0;

        var wrong = new List<string>(4);
        if (!KioskSignature.IsWellFormedKioskId(kioskId))
        {
            wrong.Add($"{KioskSignature.KioskIdHeader} (the registered kiosk id)");
        }

        if (timestampText.Length is 0 or > 12
            || !long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out timestamp))
        {
            wrong.Add($"{KioskSignature.TimestampHeader} (Unix time in whole seconds, digits only)");
        }

        if (!KioskSignature.IsWellFormedNonce(nonce))
        {
            wrong.Add($"{KioskSignature.NonceHeader} ({KioskSignature.MinNonceLength}–{KioskSignature.MaxNonceLength} characters of A–Z, a–z, 0–9, '-', '_')");
        }

        if (!IsBase64OfSignatureLength(signature))
        {
            wrong.Add($"{KioskSignature.SignatureHeader} (base64 of the 32-byte HMAC-SHA256)");
        }

        problem = wrong.Count == 0
            ? null
            : $"Sign the request: send each of {KioskSignature.KioskIdHeader}, {KioskSignature.TimestampHeader}, {KioskSignature.NonceHeader} " +
              $"and {KioskSignature.SignatureHeader} once. Missing or malformed: {string.Join("; ", wrong)}.";
        return problem is null;
    }

    static string? Single(HttpRequest request, string header) =>
        request.Headers.TryGetValue(header, out var values) && values.Count == 1 ? values[0] : null;

    static bool IsBase64OfSignatureLength(string value)
    {
        Span<byte> bytes = stackalloc byte[KioskSignature.SignatureBytes + 3];
        return value.Length > 0 && Convert.TryFromBase64String(value, bytes, out int written) && written == KioskSignature.SignatureBytes;
    }

    static KioskAuthentication Unauthenticated(HttpRequest request, string slug, string title, string detail)
    {
        request.HttpContext.Response.Headers.WWWAuthenticate = SchemeChallenge;
        return KioskAuthentication.Refused(Problems.Status(StatusCodes.Status401Unauthorized, slug, title, detail));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kiosk request from {KioskId} refused: {Reason}")]
    static partial void LogDenied(ILogger logger, string kioskId, string reason);
}

/// <summary>The outcome of <see cref="KioskRequestAuthenticator.AuthenticateAsync"/>: a caller and its kiosk, or the
/// problem to answer.</summary>
public sealed record KioskAuthentication
{
    KioskAuthentication(Caller? caller, Kiosk? kiosk, IResult? denied) => (Caller, Kiosk, Denied) = (caller, kiosk, denied);

    /// <summary>The kiosk as caller: Principal = kiosk id, Role = kiosk, Province = the kiosk's province.</summary>
    public Caller? Caller { get; }

    public Kiosk? Kiosk { get; }

    /// <summary>The 401/403 problem to return as it is.</summary>
    public IResult? Denied { get; }

    [MemberNotNullWhen(true, nameof(Caller), nameof(Kiosk))]
    [MemberNotNullWhen(false, nameof(Denied))]
    public bool Succeeded => Denied is null;

    public static KioskAuthentication Authenticated(Caller caller, Kiosk kiosk) =>
        new(caller ?? throw new ArgumentNullException(nameof(caller)), kiosk ?? throw new ArgumentNullException(nameof(kiosk)), null);

    public static KioskAuthentication Refused(IResult denied) =>
        new(null, null, denied ?? throw new ArgumentNullException(nameof(denied)));
}
