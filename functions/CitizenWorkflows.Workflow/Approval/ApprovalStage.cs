using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;
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

        ApprovalDecision? decision = await OfficerDecision.WaitAsync<ApprovalDecision>(
            context,
            journal,
            ApplicationStage.AwaitingApproval,
            ApplicationEvents.ApprovalDecision,
            $"waiting for a decision by {OfficerDecision.LevelName(0)}",
            policy.ApprovalDueFrom,
            policy.ApprovalEscalations);
        if (decision is null)
        {
            return new ApprovalOutcome(false, OfficerDecision.TimedOut(policy.ApprovalEscalations), TimedOut: true);
        }

        string officer = $"officer {decision.OfficerId}";
        if (decision.Verdict == ApprovalVerdict.Approve)
        {
            await journal.RecordAsync(ApplicationStage.Approved, officer, decision.Reason);
            return new ApprovalOutcome(true, decision.Reason);
        }

        return new ApprovalOutcome(false, decision.Reason, officer);
    }
}

/// <summary>How approval ended. A rejection names who rejected; a time-out has no decider.</summary>
public sealed record ApprovalOutcome(bool Approved, string? Reason, string? DecidedBy = null, bool TimedOut = false);
