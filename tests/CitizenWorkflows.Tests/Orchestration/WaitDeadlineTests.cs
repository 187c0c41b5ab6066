using Azure.Data.Tables;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Approval;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Orchestration.Deadlines;
using CitizenWorkflows.Workflow.Registry;
using CitizenWorkflows.Workflow.Storage;
using E = CitizenWorkflows.Workflow.Orchestration.ApplicationEvents;

namespace CitizenWorkflows.Tests.Orchestration;

/// <summary>
/// Waits end by the deadline index, not by durable timers: each wait's deadline is a row while the wait lasts, and the
/// deadline event counts only for the wait it names.
/// </summary>
public class WaitDeadlineTests(InMemoryWorkflowFixture workflow) : IClassFixture<InMemoryWorkflowFixture>, IAsyncLifetime
{
    readonly Applicant applicant = Samples.NextApplicant();

    public Task InitializeAsync() => workflow.Service<PopulationRegistry>().UpsertAsync(Samples.CitizenFor(applicant));

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_wait_s_deadline_is_indexed_while_it_lasts_and_removed_when_an_event_ends_it()
    {
        string id = await workflow.StartAsync(new WorkflowPolicy(), applicant);
        ApplicationStatus waiting = await workflow.WaitUntilWaitingForAsync(id, E.ApprovalDecision);

        TableEntity row = await OnlyDeadlineRowAsync(id, waiting.Sequence);
        Assert.Equal(waiting.Sequence, row.GetInt32("Wait"));
        Assert.Equal(waiting.WaitDeadline, row.GetDateTimeOffset("DueAt"));
        Assert.Equal(waiting.WaitDeadline!.Value.UtcDateTime.ToString("yyyyMMddHHmm", System.Globalization.CultureInfo.InvariantCulture), row.PartitionKey);

        // The decision ends the wait; the print order's wait opens with its own deadline, and the approval's row is gone.
        await workflow.RaiseWhenWaitingAsync(id, E.ApprovalDecision, new ApprovalDecision(ApprovalVerdict.Approve, "in order", "officer-1"));
        ApplicationStatus printing = await workflow.WaitUntilWaitingForAsync(id, E.CardPrinted);
        await OnlyDeadlineRowAsync(id, printing.Sequence);
    }

    [Fact]
    public async Task A_deadline_of_an_earlier_wait_never_ends_the_current_one()
    {
        string id = await workflow.StartAsync(new WorkflowPolicy(), applicant);
        ApplicationStatus commune = await workflow.WaitUntilWaitingForAsync(id, E.ApprovalDecision);

        // A late sweep's deadline for a wait the workflow has left, and the current wait's own (in either order): one escalation.
        await workflow.Client.RaiseEventAsync(id, E.Deadline, new DeadlinePassed(commune.Sequence - 1));
        await workflow.Client.RaiseEventAsync(id, E.Deadline, new DeadlinePassed(commune.Sequence));
        ApplicationStatus district = await StatusAfterAsync(id, commune.Sequence);
        Assert.Equal("escalated to district police", district.Detail);

        // The commune wait's deadline raised again (two sweeps) once the district waits: it is not the district's.
        await workflow.Client.RaiseEventAsync(id, E.Deadline, new DeadlinePassed(commune.Sequence));
        await workflow.Client.RaiseEventAsync(id, E.ApprovalDecision, new ApprovalDecision(ApprovalVerdict.Approve, "in order", "officer-1"));
        ApplicationView view = await ProjectedAtAsync(id, ApplicationStage.Printing);
        Assert.Equal(
            ["waiting for a decision by commune police", "escalated to district police"],
            view.Timeline.Where(t => t.Stage == ApplicationStage.AwaitingApproval).Select(t => t.Detail));
    }

    [Fact]
    public async Task A_deadline_that_passes_is_raised_by_the_sweep_and_its_row_removed()
    {
        string id = await workflow.StartAsync(new WorkflowPolicy { ApprovalDeadline = TimeSpan.FromSeconds(1), ApprovalEscalations = 0 }, applicant);

        CardApplicationResult result = await workflow.CompletionAsync(id);
        Assert.Equal(ApplicationStage.Failed, result.Stage);
        Assert.Equal("no decision before the deadline at any level up to commune police", result.Reason);
        Assert.Empty(await DeadlineRowsAsync(id));
    }

    /// <summary>
    /// The application's only deadline row once it is the one of wait <paramref name="wait"/> (the custom status says the
    /// workflow waits a moment before the journal's activity has written the row).
    /// </summary>
    async Task<TableEntity> OnlyDeadlineRowAsync(string applicationId, int wait)
    {
        List<TableEntity> rows = [];
        for (int i = 0; i < 100; i++)
        {
            rows = await DeadlineRowsAsync(applicationId);
            if (rows.Count == 1 && rows[0].GetInt32("Wait") == wait)
            {
                return rows[0];
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException($"Deadline rows of {applicationId}: [{string.Join(", ", rows.Select(r => r.GetInt32("Wait")))}], expected only wait {wait}");
    }

    /// <summary>The workflow's custom status once it has recorded a transition after <paramref name="sequence"/>.</summary>
    async Task<ApplicationStatus> StatusAfterAsync(string applicationId, int sequence)
    {
        for (int i = 0; i < 300; i++)
        {
            Microsoft.DurableTask.Client.OrchestrationMetadata? instance = await workflow.Client.GetInstanceAsync(applicationId, getInputsAndOutputs: true);
            if (instance?.SerializedCustomStatus is { } json
                && System.Text.Json.JsonSerializer.Deserialize<ApplicationStatus>(json, System.Text.Json.JsonSerializerOptions.Web) is { } status
                && status.Sequence > sequence)
            {
                return status;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Application {applicationId} recorded nothing after transition {sequence}.");
    }

    /// <summary>The projection once it has reached <paramref name="stage"/> (it follows the custom status by one activity).</summary>
    async Task<ApplicationView> ProjectedAtAsync(string applicationId, ApplicationStage stage)
    {
        for (int i = 0; i < 300; i++)
        {
            if (await workflow.Service<ApplicationProjection>().GetAsync(applicationId, default) is { } view && view.Stage == stage)
            {
                return view;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Application {applicationId} never reached {stage} in the projection.");
    }

    async Task<List<TableEntity>> DeadlineRowsAsync(string applicationId)
    {
        TableClient table = workflow.Service<TableServiceClient>().GetTableClient(DeadlineIndex.TableName);
        return await AsyncItems.AllAsync(table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"ApplicationId eq {applicationId}")));
    }
}
