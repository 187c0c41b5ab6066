using CitizenWorkflows.Workflow.Domain;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Orchestration;

/// <summary>
/// Waits for an officer's decision event with a deadline per level: when it passes, the application escalates one
/// level (commune → district → province police) with a fresh deadline; after the last level the wait gives up.
/// Approval and duplicate adjudication both decide this way.
/// </summary>
public static class OfficerDecision
{
    static readonly string[] Levels = ["commune police", "district police", "province police"];

    /// <summary>The decision, or null when no level decided in time.</summary>
    /// <param name="opening">The transition detail while the first level is waiting.</param>
    /// <param name="deadlineFrom">When a level that starts waiting at the given orchestration time must have decided.</param>
    public static async Task<T?> WaitAsync<T>(
        TaskOrchestrationContext context,
        ApplicationJournal journal,
        ApplicationStage stage,
        string eventName,
        string opening,
        Func<DateTime, DateTime> deadlineFrom,
        int escalations)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(journal);
        string[] waitingFor = [eventName];
        for (int level = 0; level <= escalations; level++)
        {
            DateTime due = deadlineFrom(context.CurrentUtcDateTime);
            await journal.RecordAsync(
                stage,
                level == 0 ? "workflow" : "deadline",
                level == 0 ? opening : $"escalated to {LevelName(level)}",
                waitingFor,
                new DateTimeOffset(due, TimeSpan.Zero));

            EventOrDeadline<T> answer = await context.WaitForFirstEventAsync<T>(waitingFor, journal.OpenWait);
            if (answer.Payload is { } decision)
            {
                return decision;
            }
        }

        return null;
    }

    public static string LevelName(int level) => Levels[Math.Clamp(level, 0, Levels.Length - 1)];

    /// <summary>"no decision before the deadline at any level up to province police".</summary>
    public static string TimedOut(int escalations) => $"no decision before the deadline at any level up to {LevelName(escalations)}";
}
