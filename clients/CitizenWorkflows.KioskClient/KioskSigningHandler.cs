using System.Globalization;

namespace CitizenWorkflows.KioskClient;

/// <summary>
/// Signs every request a kiosk sends: buffers the body, then adds <c>X-Kiosk-Id</c>, <c>X-Kiosk-Timestamp</c> (now),
/// <c>X-Kiosk-Nonce</c> (fresh and random, also on a retry) and <c>X-Kiosk-Signature</c>.
/// </summary>
/// <example>
/// <code>
/// using var http = new HttpClient(new KioskSigningHandler("hcm-q1-007", secret) { InnerHandler = new HttpClientHandler() })
/// {
///     BaseAddress = new Uri("https://cccd.example.gov.vn"),
/// };
/// await http.PostAsJsonAsync("/api/v1/applications", submission);
/// </code>
/// </example>
public sealed class KioskSigningHandler : DelegatingHandler
{
    readonly string kioskId;
    readonly byte[] secret;
    readonly TimeProvider clock;

    /// <param name="kioskId">The id the kiosk was registered with.</param>
    /// <param name="secret">The secret issued at registration, base64 as issued.</param>
    /// <param name="clock">The time source (tests pass a fixed one); the system clock by default.</param>
    public KioskSigningHandler(string kioskId, string secret, TimeProvider? clock = null)
    {
        if (!KioskSignature.IsWellFormedKioskId(kioskId))
        {
            throw new ArgumentException(
                $"A kiosk id is 1–{KioskSignature.MaxKioskIdLength} characters of letters, digits, '.', '-' and '_'.", nameof(kioskId));
        }

        this.kioskId = kioskId;
        this.secret = KioskSignature.DecodeSecret(secret);
        this.clock = clock ?? TimeProvider.System;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Uri uri = request.RequestUri is { IsAbsoluteUri: true } absolute
            ? absolute
            : throw new InvalidOperationException("The request needs an absolute URI (set HttpClient.BaseAddress) before it can be signed.");

        // ReadAsByteArrayAsync buffers the content, so the bytes sent are exactly the bytes signed.
        byte[] body = request.Content is null
            ? []
            : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);

        long timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        string nonce = KioskSignature.NewNonce();
        string signature = KioskSignature.Compute(secret, request.Method.Method, uri.PathAndQuery, timestamp, nonce, body);

        Set(request, KioskSignature.KioskIdHeader, kioskId);
        Set(request, KioskSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        Set(request, KioskSignature.NonceHeader, nonce);
        Set(request, KioskSignature.SignatureHeader, signature);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    static void Set(HttpRequestMessage request, string name, string value)
    {
        _ = request.Headers.Remove(name);
        request.Headers.Add(name, value);
    }
}
