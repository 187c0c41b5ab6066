using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CitizenWorkflows.Workflow.Notifications;

/// <summary>
/// Configuration section <c>NotificationWebhook</c>: the messaging gateway's URL and the shared secret the requests are
/// signed with (from Key Vault or the environment; never in the repository). Without a URL the recording notifier is used.
/// </summary>
public sealed class WebhookNotifierOptions
{
    public const string SectionName = "NotificationWebhook";

    public Uri? Url { get; set; }

    public string? Secret { get; set; }
}

/// <summary>
/// Sends each notification as a signed JSON POST to a messaging gateway (e.g. a Zalo/SMS relay). The gateway checks
/// <see cref="SignatureHeader"/> = <c>sha256=</c> hex HMAC-SHA256, keyed by the shared secret, over
/// <c>{timestamp}.{body}</c> with the Unix seconds of <see cref="TimestampHeader"/>, refusing old timestamps; the
/// notification's key goes as <c>Idempotency-Key</c> so a repeated send is one message. A non-2xx answer throws, so
/// the outbox keeps the notification pending and tries again.
/// </summary>
public sealed class WebhookNotifier(HttpClient http, WebhookNotifierOptions options, TimeProvider clock) : INotifier
{
    public const string SignatureHeader = "X-CW-Signature";
    public const string TimestampHeader = "X-CW-Timestamp";

    readonly byte[] secret = Encoding.UTF8.GetBytes(options?.Secret is { Length: >= 32 } s
        ? s : throw new InvalidOperationException($"{WebhookNotifierOptions.SectionName}:Secret must be at least 32 characters."));

    public async Task SendAsync(CitizenNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(
            new { key = notification.Key, id = notification.ApplicationId, kind = notification.Kind.ToString(), text = notification.Text, createdAt = notification.CreatedAt },
            JsonSerializerOptions.Web);
        string timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, "sha256=" + Sign(secret, timestamp, body));
        request.Headers.Add("Idempotency-Key", notification.Key);
        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Lower-case hex HMAC-SHA256 over <c>{timestamp}.{body}</c>.</summary>
    public static string Sign(byte[] key, string timestamp, ReadOnlySpan<byte> body)
    {
        byte[] signed = [.. Encoding.ASCII.GetBytes(timestamp + "."), .. body];
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, signed));
    }
}
