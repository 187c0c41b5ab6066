using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Orchestration;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Approval;

/// <summary>
/// The approval step: approve by rule when configured, else wait for an officer's decision; when the deadline
/// passes the application escalates one level (commune → district → province police), and fails after the last.
/// </summary>
public static class ApprovalStage
{
    public static async Task<ApprovalOutcome> RunAsync(TaskOrchestrationContext context, ApplicationJournal journal, WorkflowPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.AutoApprove)
        {
            await journal.RecordAsync(ApplicationStage.Approved, "rule", "auto-approved: documents and biometric checks passed");
            return new ApprovalOutcome(true, "auto-approved");
        }

        string opening = $"waiting for a decision by {OfficerDecision.LevelName(0)}";
        ApprovalDecision? decision;
        while (true)
        {
            decision = await OfficerDecision.WaitAsync<ApprovalDecision>(
                context,
                journal,
                ApplicationStage.AwaitingApproval,
                ApplicationEvents.ApprovalDecision,
                opening,
                policy.ApprovalDueFrom,
                policy.ApprovalEscalations);
            if (decision is null)
            {
                return new ApprovalOutcome(false, OfficerDecision.TimedOut(policy.ApprovalEscalations), TimedOut: true);
            }

            if (decision.Verdict != ApprovalVerdict.RequestInformation)
            {
                break;
            }

            // The officer wants parts again: the kiosk resubmits them, then the officer decides afresh.
            if (await AwaitInformationAsync(context, journal, policy, decision) is { } missing)
            {
                return new ApprovalOutcome(false, missing, TimedOut: true);
            }

            opening = $"requested parts received; waiting for a decision by {OfficerDecision.LevelName(0)}";
        }

        string officer = $"officer {decision.OfficerId}";
        if (decision.Verdict == ApprovalVerdict.Approve)
        {
            await journal.RecordAsync(ApplicationStage.Approved, officer, decision.Reason);
            return new ApprovalOutcome(true, decision.Reason);
        }

        return new ApprovalOutcome(false, decision.Reason, officer);
    }

    /// <summary>Waits until the kiosk has sent every requested part; null then, else why it failed (the deadline passed).</summary>
    static async Task<string?> AwaitInformationAsync(
        TaskOrchestrationContext context, ApplicationJournal journal, WorkflowPolicy policy, ApprovalDecision request)
    {
        string[] waitingFor = [ApplicationEvents.InformationProvided];
        var missing = new List<string>(request.Parts ?? []);
        var due = new DateTimeOffset(context.CurrentUtcDateTime.Add(policy.InformationDeadline), TimeSpan.Zero);
        string cause = $"officer {request.OfficerId}";
        string detail = $"waiting for {string.Join(", ", missing)} from the kiosk: {request.Reason}";
        while (missing.Count > 0)
        {
            await journal.RecordAsync(ApplicationStage.AwaitingInformation, cause, detail, waitingFor, due);
            EventOrDeadline<ProvidedInformation> answer = await context.WaitForFirstEventAsync<ProvidedInformation>(waitingFor, journal.OpenWait);
            if (answer.Payload is not { } provided)
            {
                return $"the kiosk did not send {string.Join(", ", missing)} before the deadline";
            }

            missing.RemoveAll(provided.Parts.Contains);
            cause = $"kiosk {provided.KioskId}";
            detail = $"received {string.Join(", ", provided.Parts)}; still waiting for {string.Join(", ", missing)}";
        }

        return null;
    }
}

/// <summary>How approval ended. A rejection names who rejected; a time-out has no decider.</summary>
public sealed record ApprovalOutcome(bool Approved, string? Reason, string? DecidedBy = null, bool TimedOut = false);
