using System.Globalization;
using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Orchestration;
using Microsoft.DurableTask.Client;

namespace CitizenWorkflows.Workflow.Operations.Reconciliation;

/// <summary>An application's projection row as stored (any column may have been altered, so nothing is trusted).</summary>
public sealed record ProjectedApplication(
    string ApplicationId,
    string? Stage,
    int Sequence,
    string? Type,
    string? Province,
    string? KioskId,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt,
    DateTimeOffset? DueAt,
    string? WaitingFor,
    DateTimeOffset? WaitDeadline,
    bool Orphaned,
    ETag ETag)
{
    public static ProjectedApplication From(TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(
            row.PartitionKey, row.GetString("Stage"), row.GetInt32("Sequence") ?? 0, row.GetString("Type"), row.GetString("Province"),
            row.GetString("KioskId"), row.GetDateTimeOffset("CreatedAt"), row.GetDateTimeOffset("UpdatedAt"), row.GetDateTimeOffset("DueAt"),
            row.GetString("WaitingFor"), row.GetDateTimeOffset("WaitDeadline"), row.GetBoolean(ReconciliationColumns.Orphaned) ?? false, row.ETag);
    }
}

/// <summary>What the orchestration service says about an application: its runtime status, input header and custom status.</summary>
public sealed record WorkflowState(
    OrchestrationRuntimeStatus RuntimeStatus,
    DateTimeOffset LastUpdatedAt,
    ApplicationHeader? Header,
    ApplicationStatus? Status)
{
    /// <summary>The last transition as the journal recorded it: what the projection row must show.</summary>
    public ApplicationTransition? LastTransition => Header is null || Status is null
        ? null
        : new ApplicationTransition(
            Header, Status.Sequence, Status.Stage, Status.At ?? LastUpdatedAt, Status.Cause ?? "reconciliation", Status.Detail,
            Status.WaitingFor, Status.WaitDeadline);
}

/// <summary>What reconciliation found wrong with one application.</summary>
/// <param name="Kind">One of <see cref="FindingKinds"/>.</param>
/// <param name="Stage">The stage the workflow is in (its truth), or the row's when there is no workflow.</param>
/// <param name="EscalationKey">Identifies the escalation so that finding the same thing again raises nothing new.</param>
public sealed record Finding(string Kind, string? Stage, string Detail, string EscalationKey);

/// <summary>The kinds of finding, as they appear in the report.</summary>
public static class FindingKinds
{
    public const string MissingRow = "missing-row";
    public const string StaleRow = "stale-row";
    public const string AlteredRow = "altered-row";
    public const string OrphanedRow = "orphaned-row";
    public const string Overdue = "overdue";
    public const string Stuck = "stuck";
    public const string WorkflowFailed = "workflow-failed";
    public const string WorkflowEnded = "workflow-ended";
    public const string Unreadable = "unreadable";

    /// <summary>Findings about the projection, repaired from the workflow's truth.</summary>
    public static bool IsDrift(string kind) => kind is MissingRow or StaleRow or AlteredRow;
}

/// <summary>
/// Compares one application's projection row with its orchestration and finds drift and stuck work. Pure: the run
/// reads both sides and acts on the findings.
/// </summary>
public static class DriftCheck
{
    /// <param name="journaled">For a row ahead of the workflow's status: the transition the journal wrote at the row's
    /// sequence (its timeline entry), or null when the timeline holds none.</param>
    public static IReadOnlyList<Finding> Evaluate(
        ProjectedApplication? row, WorkflowState? workflow, DateTimeOffset now, ReconciliationOptions options, ApplicationTransition? journaled = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var findings = new List<Finding>();
        if (workflow is null)
        {
            if (row is not null)
            {
                findings.Add(new(FindingKinds.OrphanedRow, row.Stage,
                    "the projection row has no orchestration (it was purged or never existed); kept as evidence and flagged", "orphaned"));
            }

            return findings;
        }

        bool settling = now - workflow.LastUpdatedAt < options.SettleTime;
        if (workflow.LastTransition is not { } truth)
        {
            // Not started yet (no status) or an input this version cannot read.
            if (workflow.Header is null && !settling)
            {
                findings.Add(new(FindingKinds.Unreadable, row?.Stage, $"the orchestration's input is not a card application ({workflow.RuntimeStatus})", "unreadable"));
            }
            else if (workflow.Status is null && now - workflow.LastUpdatedAt > options.ThresholdFor(ApplicationStage.Received))
            {
                findings.Add(new(FindingKinds.Stuck, nameof(ApplicationStage.Received),
                    $"the workflow has recorded nothing since {Format(workflow.LastUpdatedAt)} ({workflow.RuntimeStatus})", "stuck-not-started"));
            }

            return findings;
        }

        string stage = truth.Stage.ToString();
        switch (workflow.RuntimeStatus)
        {
            case OrchestrationRuntimeStatus.Terminated:
                // An operator's terminate records Cancelled in the projection; anything else ended it behind everyone's back.
                if (row?.Stage != nameof(ApplicationStage.Cancelled))
                {
                    findings.Add(new(FindingKinds.WorkflowEnded, stage,
                        $"the orchestration was terminated at {stage} but the projection shows {row?.Stage ?? "no row"}, not Cancelled", $"ended-{truth.Sequence}"));
                }

                return findings;
            case OrchestrationRuntimeStatus.Suspended:
                // An operator paused it and the projection shows Suspended: waiting is expected; only the service level counts.
                if (now > truth.Header.DueAt && !truth.Stage.IsFinal())
                {
                    findings.Add(new(FindingKinds.Overdue, stage, $"past its service level: due {Format(truth.Header.DueAt)}, suspended at {stage}", "overdue"));
                }

                return findings;
        }

        if (row is null)
        {
            if (!settling)
            {
                findings.Add(new(FindingKinds.MissingRow, stage, $"no projection row; the workflow is at {stage} (sequence {truth.Sequence})", "row"));
            }
        }
        else if (row.Sequence < truth.Sequence)
        {
            if (!settling)
            {
                findings.Add(new(FindingKinds.StaleRow, stage,
                    $"the row shows {row.Stage} (sequence {row.Sequence}); the workflow is at {stage} (sequence {truth.Sequence})", "row"));
            }
        }
        else if (row.Sequence > truth.Sequence && journaled?.Sequence == row.Sequence
            && workflow.RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending)
        {
            // The row leads: an activity wrote the journal's entries before the runtime stored the status of the
            // episode that scheduled it (it sends the activity first; a worker that dies between leaves the old status
            // until the next episode). Replacing the row with the status would move the application back (found by
            // faults two-workers: a delivered card shown at the station again). It must still be exactly what the
            // journal wrote at that sequence: a row that borrows a real sequence and stage but differs elsewhere is not.
            if (Differences(row, journaled) is { Count: > 0 } differences)
            {
                findings.Add(new(FindingKinds.AlteredRow, stage,
                    $"the row differs from its journal entry at sequence {row.Sequence} in " + string.Join(", ", differences), "row"));
            }
        }
        else if (Differences(row, truth) is { Count: > 0 } differences)
        {
            // Equal or higher sequence yet other facts: the row was written by something other than the journal.
            findings.Add(new(FindingKinds.AlteredRow, stage, "the row differs from the workflow in " + string.Join(", ", differences), "row"));
        }

        int sequence = truth.Sequence;
        switch (workflow.RuntimeStatus)
        {
            case OrchestrationRuntimeStatus.Failed:
                findings.Add(new(FindingKinds.WorkflowFailed, stage, $"the orchestration failed at {stage}", $"failed-{sequence}"));
                return findings;
            case OrchestrationRuntimeStatus.Completed when !truth.Stage.IsFinal():
                findings.Add(new(FindingKinds.WorkflowEnded, stage, $"the orchestration is {workflow.RuntimeStatus} but the application never reached a final stage (at {stage})", $"ended-{sequence}"));
                return findings;
        }

        if (truth.Stage.IsFinal() || workflow.RuntimeStatus is not (OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending))
        {
            return findings;
        }

        if (now > truth.Header.DueAt)
        {
            findings.Add(new(FindingKinds.Overdue, stage, $"past its service level: due {Format(truth.Header.DueAt)}, now at {stage}", "overdue"));
        }

        TimeSpan threshold = options.ThresholdFor(truth.Stage);
        bool overThreshold = now - truth.At > threshold;
        bool deadlineMissed = truth.WaitDeadline is { } deadline && now > deadline + options.DeadlineGrace;
        if (overThreshold || deadlineMissed)
        {
            string waiting = truth.WaitingFor.Count == 0 ? "nothing (its next step never ran)" : string.Join(" or ", truth.WaitingFor);
            string why = deadlineMissed
                ? $"its own deadline {Format(truth.WaitDeadline!.Value)} passed without the workflow moving on"
                : $"longer than the {stage} threshold of {threshold.ToString("c", CultureInfo.InvariantCulture)}";
            findings.Add(new(FindingKinds.Stuck, stage,
                $"in {stage} since {Format(truth.At)}, {why}; waiting for {waiting}", $"stuck-{stage}-{sequence}"));
        }

        return findings;
    }

    /// <summary>The columns of <paramref name="row"/> that disagree with <paramref name="truth"/>.</summary>
    public static IReadOnlyList<string> Differences(ProjectedApplication row, ApplicationTransition truth)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(truth);
        ApplicationHeader h = truth.Header;
        var differences = new List<string>();
        void Check(string column, bool same)
        {
            if (!same)
            {
                differences.Add(column);
            }
        }

        Check("Stage", row.Stage == truth.Stage.ToString());
        Check("Sequence", row.Sequence == truth.Sequence);
        Check("Type", row.Type == h.Type.ToString());
        Check("Province", row.Province == h.Province);
        Check("KioskId", row.KioskId == h.KioskId);
        Check("CreatedAt", SameInstant(row.CreatedAt, h.ReceivedAt));
        Check("DueAt", SameInstant(row.DueAt, h.DueAt));
        Check("UpdatedAt", SameInstant(row.UpdatedAt, truth.At));
        Check("WaitingFor", (row.WaitingFor ?? "") == string.Join(',', truth.WaitingFor));
        Check("WaitDeadline", SameInstant(row.WaitDeadline, truth.WaitDeadline));
        return differences;
    }

    // Table storage and JSON may round instants differently; a millisecond apart is the same instant.
    static bool SameInstant(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b is null : b is not null && Math.Abs((a.Value - b.Value).TotalMilliseconds) < 1;

    static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>Columns reconciliation adds to a projection row (the journal's next transition replaces them).</summary>
public static class ReconciliationColumns
{
    /// <summary>True on a row whose orchestration no longer exists.</summary>
    public const string Orphaned = "Orphaned";

    public const string OrphanedAt = "OrphanedAt";

    /// <summary>The kind of the latest escalation raised for the application.</summary>
    public const string Escalation = "Escalation";

    public const string EscalatedAt = "EscalatedAt";
}
