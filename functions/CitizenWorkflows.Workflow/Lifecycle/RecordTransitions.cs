using CitizenWorkflows.Workflow.Lifecycle.Deadlines;
using CitizenWorkflows.Workflow.Notifications;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Lifecycle;

/// <summary>
/// Projects the transitions the journal gathered into the applications and timeline tables, then puts the notices the
/// citizen must hear of in the outbox, and moves the wait deadlines in the deadline index. Safe to repeat: rows are keyed
/// by sequence, the outbox refuses a second copy, and a deadline row is keyed by its wait.
/// </summary>
public sealed class RecordTransitions(ApplicationProjection projection, NotificationOutbox outbox, DeadlineIndex deadlines) : TaskActivity<JournalEntries, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, JournalEntries input)
    {
        ArgumentNullException.ThrowIfNull(input);
        foreach (WaitDeadline ended in input.Deadlines?.Ended ?? [])
        {
            await deadlines.RemoveAsync(ended, CancellationToken.None);
        }

        await projection.ApplyAsync(input.Transitions, CancellationToken.None);
        foreach (CitizenNotification notification in input.Notifications)
        {
            await outbox.AddAsync(notification, CancellationToken.None);
        }

        // Last: the workflow waits once this activity has returned, and the deadline must be indexed by then.
        if (input.Deadlines?.Began is { } began)
        {
            await deadlines.AddAsync(began, CancellationToken.None);
        }

        return input.Transitions.Count == 0 ? 0 : input.Transitions[^1].Sequence;
    }
}

/// <summary>Transitions of one application in sequence order, the notices they give rise to, and the wait deadlines they move.</summary>
public sealed record JournalEntries(
    IReadOnlyList<ApplicationTransition> Transitions, IReadOnlyList<CitizenNotification> Notifications, DeadlineChanges? Deadlines = null);
