using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CitizenWorkflows.Tests.Notifications;

/// <summary>
/// The signed webhook against a real local receiver (Kestrel on a free port) that verifies the signature as a gateway
/// would, with its own HMAC code: a notification arrives signed, with its idempotency key; a wrong secret or an old
/// timestamp is refused by the receiver and the notifier throws, so the outbox keeps the notification pending.
/// </summary>
public sealed class WebhookNotifierTests : IAsyncLifetime
{
    const string Secret = "test-only-webhook-secret-0123456789abcdef";
    readonly ConcurrentQueue<(string IdempotencyKey, JsonElement Body)> received = new();
    readonly FakeClock clock = new(DateTimeOffset.UtcNow);
    WebApplication receiver = null!;
    Uri url = null!;

    public async Task InitializeAsync()
    {
        int port = FreePorts.Take(1)[0];
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.Configuration["urls"] = $"http://127.0.0.1:{port}";
        receiver = builder.Build();
        receiver.MapPost("/gateway", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            byte[] body = buffer.ToArray();
            string timestamp = request.Headers["X-CW-Timestamp"].ToString();
            string expected = "sha256=" + Convert.ToHexStringLower(
                HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), (byte[])[.. Encoding.ASCII.GetBytes(timestamp + "."), .. body]));
            bool fresh = long.TryParse(timestamp, out long seconds) && Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) <= 300;
            if (!fresh || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(request.Headers["X-CW-Signature"].ToString())))
            {
                return Results.Unauthorized();
            }

            received.Enqueue((request.Headers["Idempotency-Key"].ToString(), JsonSerializer.Deserialize<JsonElement>(body)));
            return Results.NoContent();
        });
        await receiver.StartAsync();
        url = new Uri($"http://127.0.0.1:{port}/gateway");
    }

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task A_notification_arrives_signed_with_its_idempotency_key()
    {
        using var http = new HttpClient();
        var notifier = new WebhookNotifier(http, new WebhookNotifierOptions { Url = url, Secret = Secret }, clock);
        var notification = new CitizenNotification("079-20261208-0a1b2c3d-11223344", NotificationKind.AppointmentBooked, "Lịch hẹn: số thứ tự 101", clock.GetUtcNow());

        await notifier.SendAsync(notification, CancellationToken.None);

        (string key, JsonElement body) = Assert.Single(received);
        Assert.Equal("079-20261208-0a1b2c3d-11223344:AppointmentBooked", key);
        Assert.Equal(("AppointmentBooked", "Lịch hẹn: số thứ tự 101"), (body.GetProperty("kind").GetString(), body.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task A_wrong_secret_or_an_old_timestamp_is_refused_and_the_send_fails()
    {
        using var http = new HttpClient();
        var notification = new CitizenNotification("app-1", NotificationKind.Approved, "ok", clock.GetUtcNow());
        var wrongSecret = new WebhookNotifier(http, new WebhookNotifierOptions { Url = url, Secret = Secret.ToUpperInvariant() }, clock);
        HttpRequestException refused = await Assert.ThrowsAsync<HttpRequestException>(() => wrongSecret.SendAsync(notification, CancellationToken.None));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);

        var stale = new WebhookNotifier(http, new WebhookNotifierOptions { Url = url, Secret = Secret }, new FakeClock(DateTimeOffset.UtcNow.AddMinutes(-10)));
        await Assert.ThrowsAsync<HttpRequestException>(() => stale.SendAsync(notification, CancellationToken.None));
        Assert.Empty(received);

        Assert.Throws<InvalidOperationException>(() => new WebhookNotifier(http, new WebhookNotifierOptions { Url = url, Secret = "short" }, clock));
    }
}
