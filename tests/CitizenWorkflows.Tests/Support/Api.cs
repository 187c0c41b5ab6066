using System.Net;
using System.Text.Json;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Operations.Reconciliation;

namespace CitizenWorkflows.Tests.Support;

/// <summary>Small HTTP helpers shared by the end-to-end tests.</summary>
public static class Api
{
    public static async Task<SubmissionAccepted> SubmitAsync(HttpClient kiosk, ApplicationUpload upload, string? idempotencyKey = null)
    {
        using HttpResponseMessage response = await kiosk.SubmitApplicationAsync(upload, idempotencyKey ?? Guid.NewGuid().ToString("N"));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {body}");
        SubmissionAccepted accepted = JsonSerializer.Deserialize<SubmissionAccepted>(body, JsonSerializerOptions.Web)!;
        Assert.Equal($"/api/v1/applications/{accepted.ApplicationId}", response.Headers.Location?.OriginalString);
        return accepted;
    }

    /// <summary>The reconciliation endpoint's runs (POST starts one, GET {runId} reads its report).</summary>
    public static readonly Uri ReconciliationRuns = new("/api/v1/reconciliation/runs", UriKind.Relative);

    /// <summary>
    /// Asks for a reconciliation run as <paramref name="officer"/> (202 at once, with the run's URL), waits for it in the
    /// background to finish and returns its summary.
    /// </summary>
    public static async Task<ReconciliationSummary> ReconcileAsync(HttpClient officer)
    {
        using HttpResponseMessage response = await officer.PostAsync(ReconciliationRuns, null);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {body}");
        JsonElement run = await WaitForRunAsync(officer, response.Headers.Location!);
        Assert.True(run.GetProperty("status").GetString() == RunStates.Finished, run.ToString());
        return ReconciliationSummary.Of(run.Deserialize<ReconciliationReport>(JsonSerializerOptions.Web)!);
    }

    /// <summary>Polls a run's URL until it has finished (its report) or was not run (its status).</summary>
    public static async Task<JsonElement> WaitForRunAsync(HttpClient officer, Uri run)
    {
        for (DateTime until = DateTime.UtcNow.AddMinutes(3); ; await Task.Delay(200))
        {
            using HttpResponseMessage response = await officer.GetAsync(run);
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{run}: {(int)response.StatusCode} {body}");
            JsonElement status = JsonSerializer.Deserialize<JsonElement>(body);
            if (status.GetProperty("status").GetString() is RunStates.Finished or RunStates.NotRun)
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < until, $"{run} still {status.GetProperty("status").GetString()}");
        }
    }

    public static Task<HttpResponseMessage> RaiseAsync(HttpClient client, string id, string eventName, object? body) =>
        System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(client, new Uri($"/api/v1/applications/{id}/events/{eventName}", UriKind.Relative), body ?? new { });

    /// <summary>Asserts an RFC 9457 answer with the given status and problem type; returns its JSON.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string problemType)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement problem = JsonSerializer.Deserialize<JsonElement>(body);
        Assert.Equal("urn:citizenworkflows:problem:" + problemType, problem.GetProperty("type").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>The rules a 422 names for <paramref name="field"/>.</summary>
    public static IEnumerable<string?> RulesFor(JsonElement problem, string field) =>
        problem.GetProperty("errors").TryGetProperty(field, out JsonElement list)
            ? list.EnumerateArray().Select(e => e.GetProperty("rule").GetString())
            : [];
}
