using System.Net;
using System.Text.Json;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Security;

namespace CitizenWorkflows.Tests.Http;

/// <summary>
/// While storage is down (Azurite stopped under a running Local host) an API call answers 503 problem details with
/// Retry-After, not an empty 500; once storage is back the same call answers again.
/// </summary>
public sealed class StorageOutageTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    static readonly Uri Counts = new("/api/v1/application-counts", UriKind.Relative);

    [Fact]
    public async Task A_call_during_a_storage_outage_answers_503_with_retry_after_and_the_next_one_after_it_succeeds()
    {
        await using LocalHostProcess host = await LocalHostProcess.StartAsync(azurite, "OutageHub");
        using HttpClient officer = host.Client(Roles.Supervisor);
        using (HttpResponseMessage before = await officer.GetAsync(Counts))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        // The host's tables and containers reach Azurite's data file at its next autosave (every 5 s); the kill loses anything later.
        await Task.Delay(TimeSpan.FromSeconds(7));
        Task outage = azurite.RestartAsync(TimeSpan.FromSeconds(30));
        await FreePorts.WaitUntilClosedAsync(azurite.TablePort, TimeSpan.FromSeconds(30));
        using (HttpResponseMessage during = await officer.GetAsync(Counts))
        {
            string body = await during.Content.ReadAsStringAsync();
            Assert.True(HttpStatusCode.ServiceUnavailable == during.StatusCode, $"{(int)during.StatusCode}: {body}");
            Assert.Equal("application/problem+json", during.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(5), during.Headers.RetryAfter?.Delta);
            using JsonDocument problem = JsonDocument.Parse(body);
            Assert.Equal("urn:citizenworkflows:problem:storage-unavailable", problem.RootElement.GetProperty("type").GetString());
            Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
        }

        await outage;
        using HttpResponseMessage after = await officer.GetAsync(Counts);
        Assert.True(HttpStatusCode.OK == after.StatusCode, $"{(int)after.StatusCode}: {await after.Content.ReadAsStringAsync()}\n{host.Output[^Math.Min(4000, host.Output.Length)..]}");
    }
}
