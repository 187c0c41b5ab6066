using System.Net;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Security;

namespace CitizenWorkflows.Tests.Security;

/// <summary>
/// Per-caller rate limits over HTTP against the Local host, configured small: a burst over the limit gets 429
/// <c>rate-limited</c> problem details with <c>Retry-After</c>, while another principal (or kiosk) is served as usual,
/// and the throttled caller is served again once the limiter's wait has passed.
/// </summary>
public sealed class RateLimitTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    static readonly Uri OpenApi = new("/api/v1/openapi.json", UriKind.Relative);
    static readonly Uri Intake = new("/api/v1/applications", UriKind.Relative);

    LocalHostProcess host = null!;

    public async Task InitializeAsync() =>
        host = await LocalHostProcess.StartAsync(azurite, "RateLimitHub", new Dictionary<string, string>
        {
            ["RateLimits:Principal:Burst"] = "3",
            ["RateLimits:Principal:PermitsPerSecond"] = "1",
            ["RateLimits:Kiosk:Burst"] = "2",
            ["RateLimits:Kiosk:PermitsPerSecond"] = "1",
        });

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_principal_over_its_limit_gets_429_with_Retry_After_and_others_are_served()
    {
        using HttpClient supervisor = host.Client(Roles.Supervisor);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? throttled = null;
        for (int i = 0; i < 8 && throttled is null; i++)
        {
            HttpResponseMessage response = await supervisor.GetAsync(OpenApi);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throttled = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(throttled);
        using (throttled)
        {
            // The burst (3) passes first; the limiter refills one a second, so at most one more slips in on a slow box.
            Assert.True(statuses.Count(s => s == HttpStatusCode.OK) is >= 3 and <= 4, string.Join(", ", statuses));
            int retryAfter = (int)throttled.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
            Assert.InRange(retryAfter, 1, 5);
            await Api.AssertProblemAsync(throttled, HttpStatusCode.TooManyRequests, "rate-limited");

            using HttpClient officer = host.Client(Roles.Operator);
            using HttpResponseMessage other = await officer.GetAsync(OpenApi);
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);

            await Task.Delay(TimeSpan.FromSeconds(retryAfter + 0.5));
            using HttpResponseMessage again = await supervisor.GetAsync(OpenApi);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }
    }

    [Fact]
    public async Task Kiosk_requests_are_limited_per_kiosk()
    {
        using HttpClient anyone = host.Client(null);
        var first = new List<HttpStatusCode>();
        for (int i = 0; i < 6; i++)
        {
            using HttpResponseMessage response = await PostAsKioskAsync(anyone, "KIOSK-FLOOD-01");
            first.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await Api.AssertProblemAsync(response, HttpStatusCode.TooManyRequests, "rate-limited");
                Assert.NotNull(response.Headers.RetryAfter);
                break;
            }
        }

        // Unsigned, so refused 401 until the kiosk's bucket (2) is empty; then throttled before the signature is even read.
        Assert.Equal(HttpStatusCode.TooManyRequests, first[^1]);
        Assert.Contains(HttpStatusCode.Unauthorized, first);

        using HttpResponseMessage otherKiosk = await PostAsKioskAsync(anyone, "KIOSK-QUIET-02");
        await Api.AssertProblemAsync(otherKiosk, HttpStatusCode.Unauthorized, "kiosk-signature-missing");
    }

    static Task<HttpResponseMessage> PostAsKioskAsync(HttpClient client, string kioskId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Intake) { Content = new ByteArrayContent([]) };
        request.Headers.Add(KioskSignature.KioskIdHeader, kioskId);
        return client.SendAsync(request);
    }
}
