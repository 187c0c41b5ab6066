using CitizenWorkflows.Workflow.Notifications;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Lifecycle;

/// <summary>
/// Projects the transitions the journal gathered into the applications and timeline tables, then puts the notices the
/// citizen must hear of in the outbox. Safe to repeat: rows are keyed by sequence and the outbox refuses a second copy.
/// </summary>
public sealed class RecordTransitions(ApplicationProjection projection, NotificationOutbox outbox) : TaskActivity<JournalEntries, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, JournalEntries input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await projection.ApplyAsync(input.Transitions, CancellationToken.None);
        foreach (CitizenNotification notification in input.Notifications)
        {
            await outbox.AddAsync(notification, CancellationToken.None);
        }

        return input.Transitions.Count == 0 ? 0 : input.Transitions[^1].Sequence;
    }
}

/// <summary>Transitions of one application in sequence order, and the notices they give rise to.</summary>
public sealed record JournalEntries(IReadOnlyList<ApplicationTransition> Transitions, IReadOnlyList<CitizenNotification> Notifications);
