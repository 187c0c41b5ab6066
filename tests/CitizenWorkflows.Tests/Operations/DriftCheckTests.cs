using Azure;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Operations.Reconciliation;
using CitizenWorkflows.Workflow.Orchestration;
using Microsoft.DurableTask.Client;

namespace CitizenWorkflows.Tests.Operations;

/// <summary>The comparison of a projection row with its orchestration, case by case (no storage).</summary>
public class DriftCheckTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    static readonly ApplicationHeader Header = new("0195f0c2a1b27c3d8e9f0a1b2c3d4e5f", ApplicationType.New, "079", "KIOSK-1", Now.AddDays(-2), Now.AddDays(5));
    static readonly ReconciliationOptions Options = new() { SettleTime = TimeSpan.FromMinutes(2) };

    static ApplicationStatus Waiting(ApplicationStage stage, int sequence, DateTimeOffset at, DateTimeOffset? deadline = null) =>
        new(stage, stage == ApplicationStage.Printing ? [ApplicationEvents.CardPrinted, ApplicationEvents.CardPrintFailed] : [], deadline, sequence, at, "workflow", "Print order 1 of 3 sent to print centre");

    static WorkflowState Running(ApplicationStatus status, OrchestrationRuntimeStatus runtime = OrchestrationRuntimeStatus.Running) =>
        new(runtime, status.At!.Value, Header, status);

    static ProjectedApplication RowOf(WorkflowState workflow)
    {
        ApplicationTransition t = workflow.LastTransition!;
        ApplicationHeader h = t.Header;
        return new(h.ApplicationId, t.Stage.ToString(), t.Sequence, h.Type.ToString(), h.Province, h.KioskId, h.ReceivedAt,
            t.At, h.DueAt, string.Join(',', t.WaitingFor), t.WaitDeadline, false, new ETag("\"1\""));
    }

    static string[] Kinds(IReadOnlyList<Finding> findings) => [.. findings.Select(f => f.Kind)];

    [Fact]
    public void A_row_that_matches_its_workflow_is_fine()
    {
        WorkflowState workflow = Running(Waiting(ApplicationStage.AwaitingApproval, 5, Now.AddHours(-1)));
        Assert.Empty(DriftCheck.Evaluate(RowOf(workflow), workflow, Now, Options));
    }

    [Fact]
    public void Missing_stale_and_altered_rows_are_drift_but_not_while_the_workflow_settles()
    {
        WorkflowState workflow = Running(Waiting(ApplicationStage.AwaitingApproval, 5, Now.AddHours(-1)));
        ProjectedApplication row = RowOf(workflow);

        Assert.Equal(["missing-row"], Kinds(DriftCheck.Evaluate(null, workflow, Now, Options)));
        Assert.Equal(["stale-row"], Kinds(DriftCheck.Evaluate(row with { Sequence = 4, Stage = "BiometricCheck" }, workflow, Now, Options)));
        Finding altered = Assert.Single(DriftCheck.Evaluate(row with { Province = "001", WaitingFor = "card-printed" }, workflow, Now, Options));
        Assert.Equal(("altered-row", "the row differs from the workflow in Province, WaitingFor"), (altered.Kind, altered.Detail));
        Assert.Equal(["altered-row"], Kinds(DriftCheck.Evaluate(row with { Sequence = 9 }, workflow, Now, Options)));

        // A workflow that moved a moment ago may not have written its row yet: not drift (a forged row ahead still is).
        WorkflowState moving = workflow with { LastUpdatedAt = Now.AddSeconds(-5) };
        Assert.Empty(DriftCheck.Evaluate(null, moving, Now, Options));
        Assert.Empty(DriftCheck.Evaluate(row with { Sequence = 4 }, moving, Now, Options));
        Assert.Equal(["altered-row"], Kinds(DriftCheck.Evaluate(row with { Stage = "Delivered" }, moving, Now, Options)));
    }

    [Fact]
    public void A_row_the_journal_wrote_ahead_of_a_running_workflows_status_leads_and_is_not_drift()
    {
        WorkflowState workflow = Running(Waiting(ApplicationStage.AwaitingApproval, 5, Now.AddHours(-1)));
        var approved = new ApplicationTransition(Header, 6, ApplicationStage.Approved, Now.AddMinutes(-1), "rule", "approved", [], null);
        ProjectedApplication ahead = RowOf(workflow) with
        {
            Sequence = 6, Stage = nameof(ApplicationStage.Approved), UpdatedAt = approved.At, WaitingFor = "", WaitDeadline = null,
        };

        Assert.Empty(DriftCheck.Evaluate(ahead, workflow, Now, Options, journaled: approved));
        Assert.Equal(["altered-row"], Kinds(DriftCheck.Evaluate(ahead, workflow, Now, Options, journaled: null)));

        // A real sequence and stage borrowed by a row that differs elsewhere is not the journal's write.
        Finding borrowed = Assert.Single(DriftCheck.Evaluate(ahead with { Province = "001" }, workflow, Now, Options, journaled: approved));
        Assert.Equal(("altered-row", "the row differs from its journal entry at sequence 6 in Province"), (borrowed.Kind, borrowed.Detail));
        Assert.Equal(["altered-row"], Kinds(DriftCheck.Evaluate(
            ahead with { Stage = nameof(ApplicationStage.Printing) }, workflow, Now, Options, journaled: approved)));

        // A workflow that has ended or failed stored its last status: a row ahead of it was not written by its journal.
        foreach (OrchestrationRuntimeStatus over in new[] { OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed })
        {
            Assert.Contains("altered-row", Kinds(DriftCheck.Evaluate(ahead, workflow with { RuntimeStatus = over }, Now, Options, journaled: approved)));
        }
    }

    [Fact]
    public void A_row_without_orchestration_is_orphaned()
    {
        WorkflowState workflow = Running(Waiting(ApplicationStage.Printing, 9, Now.AddHours(-1)));
        Finding orphan = Assert.Single(DriftCheck.Evaluate(RowOf(workflow), null, Now, Options));
        Assert.Equal(("orphaned-row", "Printing", "orphaned"), (orphan.Kind, orphan.Stage, orphan.EscalationKey));
        Assert.Empty(DriftCheck.Evaluate(null, null, Now, Options));
    }

    [Fact]
    public void Past_the_service_level_is_overdue_and_longer_than_the_stage_threshold_is_stuck()
    {
        WorkflowState late = Running(Waiting(ApplicationStage.AwaitingApproval, 5, Now.AddDays(-10))) with { Header = Header with { DueAt = Now.AddDays(-1) } };
        IReadOnlyList<Finding> findings = DriftCheck.Evaluate(RowOf(late), late, Now, Options);
        Assert.Equal(["overdue", "stuck"], Kinds(findings));
        Assert.Equal("stuck-AwaitingApproval-5", findings[1].EscalationKey);
        Assert.Contains("longer than the AwaitingApproval threshold of 9.00:00:00", findings[1].Detail, StringComparison.Ordinal);

        var quick = new ReconciliationOptions { SettleTime = TimeSpan.Zero };
        quick.StageThresholds["printing"] = TimeSpan.FromMinutes(10);
        WorkflowState printing = Running(Waiting(ApplicationStage.Printing, 8, Now.AddMinutes(-11)));
        Finding stuck = Assert.Single(DriftCheck.Evaluate(RowOf(printing), printing, Now, quick));
        Assert.Contains("waiting for card-printed or card-print-failed", stuck.Detail, StringComparison.Ordinal);
        Assert.Empty(DriftCheck.Evaluate(RowOf(printing), printing, Now.AddMinutes(-2), quick));
    }

    [Fact]
    public void A_workflow_still_waiting_well_after_its_own_deadline_is_stuck_even_under_the_threshold()
    {
        WorkflowState waiting = Running(Waiting(ApplicationStage.Printing, 8, Now.AddHours(-3), deadline: Now.AddHours(-1)));
        Finding stuck = Assert.Single(DriftCheck.Evaluate(RowOf(waiting), waiting, Now, Options));
        Assert.Contains("its own deadline 2026-11-26 11:00:00Z passed", stuck.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Suspended_failed_and_ended_workflows()
    {
        ApplicationStatus old = Waiting(ApplicationStage.AwaitingApproval, 5, Now.AddDays(-20));
        WorkflowState suspended = Running(old, OrchestrationRuntimeStatus.Suspended);
        Assert.Empty(DriftCheck.Evaluate(RowOf(suspended), suspended, Now, Options));

        WorkflowState failed = Running(old, OrchestrationRuntimeStatus.Failed);
        Assert.Equal(["workflow-failed"], Kinds(DriftCheck.Evaluate(RowOf(failed), failed, Now, Options)));

        WorkflowState terminated = Running(old, OrchestrationRuntimeStatus.Terminated);
        Assert.Equal(["workflow-ended"], Kinds(DriftCheck.Evaluate(RowOf(terminated), terminated, Now, Options)));

        WorkflowState delivered = Running(Waiting(ApplicationStage.Delivered, 20, Now.AddDays(-20)), OrchestrationRuntimeStatus.Completed);
        Assert.Empty(DriftCheck.Evaluate(RowOf(delivered), delivered, Now, Options));
    }

    [Fact]
    public void An_operators_suspend_and_terminate_are_not_drift_but_a_termination_behind_their_back_is()
    {
        ApplicationStatus status = Waiting(ApplicationStage.AwaitingApproval, 5, Now.AddDays(-20));
        WorkflowState suspended = Running(status, OrchestrationRuntimeStatus.Suspended);
        Assert.Empty(DriftCheck.Evaluate(RowOf(suspended) with { Stage = "Suspended" }, suspended, Now, Options));
        WorkflowState lateSuspended = suspended with { Header = Header with { DueAt = Now.AddDays(-1) } };
        Assert.Equal(["overdue"], Kinds(DriftCheck.Evaluate(RowOf(lateSuspended) with { Stage = "Suspended" }, lateSuspended, Now, Options)));

        WorkflowState terminated = Running(status, OrchestrationRuntimeStatus.Terminated);
        Assert.Empty(DriftCheck.Evaluate(RowOf(terminated) with { Stage = "Cancelled", Sequence = 6 }, terminated, Now, Options));
        Finding ended = Assert.Single(DriftCheck.Evaluate(RowOf(terminated), terminated, Now, Options));
        Assert.Equal(("workflow-ended", "ended-5"), (ended.Kind, ended.EscalationKey));
    }

    [Fact]
    public void A_workflow_that_never_started_is_stuck_in_Received()
    {
        var pending = new WorkflowState(OrchestrationRuntimeStatus.Pending, Now.AddHours(-2), Header, null);
        Finding stuck = Assert.Single(DriftCheck.Evaluate(null, pending, Now, Options));
        Assert.Equal(("stuck", "stuck-not-started"), (stuck.Kind, stuck.EscalationKey));
        Assert.Empty(DriftCheck.Evaluate(null, pending with { LastUpdatedAt = Now.AddMinutes(-1) }, Now, Options));
    }

    [Fact]
    public void The_stage_thresholds_default_per_stage_and_can_be_overridden_by_name()
    {
        var options = new ReconciliationOptions();
        Assert.Equal(TimeSpan.FromDays(3), options.ThresholdFor(ApplicationStage.Printing));
        options.StageThresholds["Printing"] = TimeSpan.FromHours(5);
        Assert.Equal(TimeSpan.FromHours(5), options.ThresholdFor(ApplicationStage.Printing));
        Assert.Equal(options.DefaultStageThreshold, options.ThresholdFor(ApplicationStage.Delivered));
    }

    [Theory]
    [InlineData("Print order 2 of 3 sent to print centre", 2)]
    [InlineData("ignored a late answer to Print order 1; waiting for order 2", 2)]
    [InlineData("print centre reported Print order 1 failed: jam", null)]
    [InlineData(null, null)]
    public void The_awaited_print_order_is_read_from_the_journal_detail(string? detail, int? attempt) =>
        Assert.Equal(attempt, LostWorkOrders.OrderAttempt(detail));

    [Fact]
    public void Run_ids_sort_by_time_and_are_checked_before_they_name_a_blob()
    {
        string id = ReconciliationReports.NewRunId(Now);
        Assert.StartsWith("20261126T120000Z-", id, StringComparison.Ordinal);
        Assert.True(ReconciliationReports.IsWellFormedRunId(id));
        Assert.False(ReconciliationReports.IsWellFormedRunId("../lock"));
        // Upper-case hex is refused (a fixed id: a random suffix of digits only would read the same in upper case).
        Assert.False(ReconciliationReports.IsWellFormedRunId("20261126T120000Z-0A1B2C3D"));
        Assert.True(ReconciliationReports.IsWellFormedRunId("20261126T120000Z-0a1b2c3d"));
    }

    [Fact]
    public void The_csv_report_quotes_fields_with_commas_quotes_and_line_breaks_and_defuses_formulas()
    {
        var report = new ReconciliationReport("20261126T120000Z-0a1b2c3d", "timer", Now, Now, 1, false,
            new Dictionary<string, int>(), new Dictionary<string, int>(), new HousekeepingResult(0, 0, 0, false),
            [new ReconciliationItem("a1", "stuck", "Printing", "waiting for x, \"y\"\nsince", "escalated", "done"),
                new ReconciliationItem("a2", "stuck", null, "=HYPERLINK(\"http://x\")", "escalated", "-1")]);
        Assert.Equal(
            "runId,applicationId,finding,stage,action,outcome,detail\r\n20261126T120000Z-0a1b2c3d,a1,stuck,Printing,escalated,done,\"waiting for x, \"\"y\"\"\nsince\"\r\n"
                + "20261126T120000Z-0a1b2c3d,a2,stuck,,escalated,'-1,\"'=HYPERLINK(\"\"http://x\"\")\"\r\n",
            ReconciliationReports.ToCsv(report));
    }
}
