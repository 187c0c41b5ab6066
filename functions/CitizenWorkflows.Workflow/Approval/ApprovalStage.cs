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
    static readonly string[] Levels = ["commune police", "district police", "province police"];

    public static async Task<ApprovalOutcome> RunAsync(TaskOrchestrationContext context, ApplicationJournal journal, WorkflowPolicy policy)
    {
        if (policy.AutoApprove)
        {
            await journal.RecordAsync(ApplicationStage.Approved, "rule", "auto-approved: documents and portrait checks passed");
            return new ApprovalOutcome(true, "auto-approved");
        }

        string[] waitingFor = [ApplicationEvents.ApprovalDecision];
        for (int level = 0; level <= policy.ApprovalEscalations; level++)
        {
            DateTime due = context.CurrentUtcDateTime.Add(policy.ApprovalDeadline);
            await journal.RecordAsync(
                ApplicationStage.AwaitingApproval,
                level == 0 ? "workflow" : "deadline",
                level == 0 ? $"waiting for a decision by {LevelName(level)}" : $"escalated to {LevelName(level)}",
                waitingFor,
                new DateTimeOffset(due, TimeSpan.Zero));

            EventOrDeadline<ApprovalDecision> answer = await context.WaitForFirstEventAsync<ApprovalDecision>(waitingFor, due);
            if (answer.Payload is { } decision)
            {
                string officer = $"officer {decision.OfficerId}";
                if (decision.Verdict == ApprovalVerdict.Approve)
                {
                    await journal.RecordAsync(ApplicationStage.Approved, officer, decision.Reason);
                    return new ApprovalOutcome(true, decision.Reason);
                }

                return new ApprovalOutcome(false, decision.Reason, officer);
            }
        }

        return new ApprovalOutcome(false, $"no decision before the deadline at any level up to {LevelName(policy.ApprovalEscalations)}", TimedOut: true);
    }

    static string LevelName(int level) => Levels[Math.Min(level, Levels.Length - 1)];
}

/// <summary>How approval ended. A rejection names who rejected; a time-out has no decider.</summary>
public sealed record ApprovalOutcome(bool Approved, string? Reason, string? DecidedBy = null, bool TimedOut = false);
