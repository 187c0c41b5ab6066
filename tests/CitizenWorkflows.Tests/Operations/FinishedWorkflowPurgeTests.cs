using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Operations.Reconciliation;
using CitizenWorkflows.Workflow.Security;
using E = CitizenWorkflows.Workflow.Orchestration.ApplicationEvents;

namespace CitizenWorkflows.Tests.Operations;

/// <summary>
/// Housekeeping purges completed workflows after their retention (here: at once) on Azurite through the Local host:
/// the runtime state goes, the projection, timeline and answers stay; running workflows are not touched.
/// </summary>
public sealed class FinishedWorkflowPurgeTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    const string TaskHub = "PurgeHub";

    LocalHostProcess host = null!;
    HttpClient kiosk = null!;
    HttpClient officer = null!;

    public async Task InitializeAsync()
    {
        host = await LocalHostProcess.StartAsync(azurite, TaskHub, new Dictionary<string, string>
        {
            ["Reconciliation:Poller:Enabled"] = "false",
            ["Reconciliation:Housekeeping:CompletedWorkflowRetention"] = "00:00:00",
            ["Packets:Enabled"] = "false",
        });
        kiosk = host.SignedClient(await LocalHostProcess.RegisterKioskAsync(azurite, LocalHostProcess.KioskId, "079"));
        officer = host.Client(Roles.Operator);
    }

    public async Task DisposeAsync()
    {
        kiosk.Dispose();
        officer.Dispose();
        await host.DisposeAsync();
    }

    [Fact]
    public async Task Completed_and_terminated_workflows_are_purged_while_their_records_stay_and_a_running_one_is_untouched()
    {
        string rejected = await host.SubmitAwaitingApprovalAsync(kiosk);
        string waiting = await host.SubmitAwaitingApprovalAsync(kiosk);
        using (HttpResponseMessage r = await Api.RaiseAsync(officer, rejected, E.ApprovalDecision, new { decision = "reject", reason = "the portrait is not the applicant" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        string terminated = await host.SubmitAwaitingApprovalAsync(kiosk);
        using (HttpResponseMessage r = await officer.PostAsJsonAsync(
            new Uri($"/api/v1/applications/{terminated}/actions/terminate", UriKind.Relative), new { reason = "applicant withdrew" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        ApplicationStatusResponse before = await host.WaitForAsync(rejected, s => s.Stage == ApplicationStage.Rejected && s.RuntimeStatus == "Completed");
        await host.WaitForAsync(terminated, s => s.Stage == ApplicationStage.Cancelled && s.RuntimeStatus == "Terminated");
        TableClient instances = azurite.Tables.GetTableClient(TaskHub + "Instances");
        TableClient history = azurite.Tables.GetTableClient(TaskHub + "History");
        Assert.NotEmpty(await AsyncItems.AllAsync(history.QueryAsync<TableEntity>($"PartitionKey eq '{rejected}'")));

        ReconciliationSummary summary = await Api.ReconcileAsync(officer);

        Assert.True(summary.Housekeeping.WorkflowsPurged >= 2, JsonSerializer.Serialize(summary.Housekeeping));
        Assert.False((await instances.GetEntityIfExistsAsync<TableEntity>(rejected, "")).HasValue);
        Assert.False((await instances.GetEntityIfExistsAsync<TableEntity>(terminated, "")).HasValue);
        ApplicationStatusResponse cancelled = await host.StatusAsync(terminated);
        Assert.Equal((ApplicationStage.Cancelled, GetApplicationEndpoint.PurgedStatus), (cancelled.Stage, cancelled.RuntimeStatus));
        Assert.Empty(await AsyncItems.AllAsync(history.QueryAsync<TableEntity>($"PartitionKey eq '{rejected}'")));
        Assert.True((await instances.GetEntityIfExistsAsync<TableEntity>(waiting, "")).HasValue);
        Assert.NotEmpty(await AsyncItems.AllAsync(history.QueryAsync<TableEntity>($"PartitionKey eq '{waiting}'")));

        // The record stays: status with the same timeline, the detail saying why there is no runtime history.
        ApplicationStatusResponse after = await host.StatusAsync(rejected);
        Assert.Equal((ApplicationStage.Rejected, GetApplicationEndpoint.PurgedStatus), (after.Stage, after.RuntimeStatus));
        Assert.Equal(before.Timeline.Select(t => (t.Sequence, t.Stage)), after.Timeline.Select(t => (t.Sequence, t.Stage)));
        JsonElement detail = await officer.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/applications/{rejected}/detail", UriKind.Relative));
        Assert.Equal(JsonValueKind.Null, detail.GetProperty("runtime").ValueKind);
        Assert.Contains("purged", detail.GetProperty("historyUnavailable").GetString(), StringComparison.Ordinal);

        // A late callback or an operator's action is refused as for any ended application, not as an unknown one.
        JsonElement late = await Api.AssertProblemAsync(
            await Api.RaiseAsync(officer, rejected, E.ApprovalDecision, new { decision = "approve", reason = "late" }), HttpStatusCode.Conflict, "wrong-stage");
        Assert.Equal(("Rejected", GetApplicationEndpoint.PurgedStatus), (late.GetProperty("stage").GetString(), late.GetProperty("runtimeStatus").GetString()));
        await Api.AssertProblemAsync(
            await officer.PostAsJsonAsync(new Uri($"/api/v1/applications/{rejected}/actions/terminate", UriKind.Relative), new { reason = "duplicate" }),
            HttpStatusCode.Conflict, "wrong-stage");

        // The running workflow goes on.
        using (HttpResponseMessage r = await Api.RaiseAsync(officer, waiting, E.ApprovalDecision, new { decision = "approve", reason = "documents in order" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        await host.WaitForAsync(waiting, s => s.Stage == ApplicationStage.Printing);
    }
}
