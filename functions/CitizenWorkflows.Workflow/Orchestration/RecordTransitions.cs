using CitizenWorkflows.Workflow.Notifications;
using CitizenWorkflows.Workflow.Orchestration.Deadlines;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Orchestration;

/// <summary>
/// Projects the transitions the journal gathered into the applications and timeline tables, puts the notices the
/// citizen must hear of in the outbox, and moves the wait deadlines in the deadline index. Safe to repeat: rows are keyed
/// by sequence, the outbox refuses a second copy, and a deadline row is keyed by its wait. Activities that follow a
/// journal write carry its entries and call this first (<see cref="ApplicationJournal.TakeUnwritten"/>), so no activity
/// runs only to write bookkeeping unless nothing follows.
/// </summary>
public sealed class JournalWriter(ApplicationProjection projection, NotificationOutbox outbox, DeadlineIndex deadlines)
{
    /// <summary>Writes the entries (nothing when null); returns the last sequence written, 0 when none.</summary>
    public async Task<int> WriteAsync(JournalEntries? entries, CancellationToken cancellationToken)
    {
        if (entries is null)
        {
            return 0;
        }

        foreach (WaitDeadline ended in entries.Deadlines?.Ended ?? [])
        {
            await deadlines.RemoveAsync(ended, cancellationToken);
        }

        await projection.ApplyAsync(entries.Transitions, cancellationToken);
        foreach (CitizenNotification notification in entries.Notifications)
        {
            await outbox.AddAsync(notification, cancellationToken);
        }

        // Last: the workflow waits once the activity has returned, and the deadline must be indexed by then.
        if (entries.Deadlines?.Began is { } began)
        {
            await deadlines.AddAsync(began, cancellationToken);
        }

        return entries.Transitions.Count == 0 ? 0 : entries.Transitions[^1].Sequence;
    }
}

/// <summary>Writes the journal's entries when no other activity follows them (a wait without a work order, the end).</summary>
public sealed class RecordTransitions(JournalWriter writer) : TaskActivity<JournalEntries, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, JournalEntries input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return writer.WriteAsync(input, CancellationToken.None);
    }
}

/// <summary>Transitions of one application in sequence order, the notices they give rise to, and the wait deadlines they move.</summary>
public sealed record JournalEntries(
    IReadOnlyList<ApplicationTransition> Transitions, IReadOnlyList<CitizenNotification> Notifications, DeadlineChanges? Deadlines = null);
