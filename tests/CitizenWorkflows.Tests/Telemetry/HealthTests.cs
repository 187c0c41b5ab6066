using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Tests.Telemetry;

/// <summary>Liveness and readiness: anonymous, each readiness check named with its state; storage away → 503 naming it.</summary>
public sealed class HealthTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    LocalHostProcess host = null!;

    public async Task InitializeAsync() => host = await LocalHostProcess.StartAsync(azurite, "HealthHub");

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_running_host_is_live_and_ready_with_storage_runtime_and_portrait_models_checked()
    {
        using var anonymous = new HttpClient { BaseAddress = host.BaseAddress };
        using HttpResponseMessage live = await anonymous.GetAsync(new Uri("/api/v1/health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        using HttpResponseMessage ready = await anonymous.GetAsync(new Uri("/api/v1/health/ready", UriKind.Relative));
        string body = await ready.Content.ReadAsStringAsync();
        Assert.True(ready.StatusCode == HttpStatusCode.OK, body);
        using JsonDocument answer = JsonDocument.Parse(body);
        Assert.Equal("Healthy", answer.RootElement.GetProperty("status").GetString());
        Assert.Equal(
            ["durable-runtime:Healthy", "portrait-models:Healthy", "storage:Healthy"],
            answer.RootElement.GetProperty("checks").EnumerateArray().Select(c => $"{c.GetProperty("name").GetString()}:{c.GetProperty("status").GetString()}"));
    }

    [Fact]
    public async Task Readiness_answers_503_naming_storage_when_storage_does_not_answer()
    {
        int closed = FreePorts.Take(1)[0];
        var unreachable = new TableServiceClient(
            new Uri($"http://127.0.0.1:{closed}/devstoreaccount1"),
            new TableSharedKeyCredential("devstoreaccount1", Convert.ToBase64String(new byte[64])),
            new TableClientOptions { Retry = { MaxRetries = 0 } });
        await using ServiceProvider services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(unreachable)
            .AddWorkflowHealth()
            .BuildServiceProvider();

        IResult result = await services.GetRequiredService<HealthEndpoint>().ReadyAsync(CancellationToken.None);

        var context = new DefaultHttpContext { RequestServices = services, Response = { Body = new MemoryStream() } };
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        using JsonDocument problem = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal(503, context.Response.StatusCode);
        Assert.StartsWith("application/problem+json", context.Response.ContentType, StringComparison.Ordinal);
        Assert.Contains("storage", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        JsonElement storage = Assert.Single(problem.RootElement.GetProperty("checks").EnumerateArray());
        Assert.Equal("Unhealthy", storage.GetProperty("status").GetString());
    }
}
