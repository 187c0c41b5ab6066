using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Notifications;
using CitizenWorkflows.Workflow.Orchestration.Deadlines;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Orchestration;

/// <summary>
/// Records every transition of one application from inside its orchestration: sets the custom status (what the
/// workflow waits for) at once, and projects the entries into Table storage through the <see cref="RecordTransitions"/>
/// activity; a transition the citizen must hear of also goes to the notification outbox.
/// </summary>
/// <remarks>
/// The first transition is written at once; later ones gather until the workflow is about to wait (operators must see
/// what it waits for) or ends, and then go in one activity: every activity costs an orchestration episode, which
/// reloads the whole history from storage. In between, the projection lags the custom status by the activities that ran
/// (seconds); call <see cref="FlushAsync"/> before anything else that must find the projection current. A transition
/// with a wait deadline opens a wait: its deadline goes into the <see cref="DeadlineIndex"/> with the same write (a
/// later transition with the same deadline stays in that wait), and leaves it with the next write after the wait ends.
/// </remarks>
/// <param name="sequenceFrom">The last sequence an earlier run of this application recorded (a re-drive continues after it).</param>
public sealed class ApplicationJournal(TaskOrchestrationContext context, ApplicationHeader header, int sequenceFrom = 0)
{
    readonly int sequenceFrom = sequenceFrom;
    int sequence = sequenceFrom;
    readonly HashSet<NotificationKind> notified = [];
    readonly List<ApplicationTransition> unwritten = [];
    readonly List<CitizenNotification> unsent = [];
    readonly List<WaitDeadline> endedWaits = [];
    WaitDeadline? openWait;
    WaitDeadline? unwrittenWait;

    /// <summary>Entries handed to an activity by <see cref="TakeUnwritten"/>: written again if that activity fails the workflow.</summary>
    JournalEntries? riding;

    public ApplicationStage Stage { get; private set; } = ApplicationStage.Received;

    /// <summary>The deadline of the wait the last transition opened (or stayed in); what the workflow then waits on.</summary>
    public WaitDeadline OpenWait => openWait ?? throw new InvalidOperationException("No transition with a wait deadline was recorded.");

    public async Task RecordAsync(
        ApplicationStage stage,
        string cause,
        string? detail = null,
        IReadOnlyList<string>? waitingFor = null,
        DateTimeOffset? waitDeadline = null,
        bool writtenByNextActivity = false)
    {
        // The workflow got past the activity that carried the last entries: they are written.
        riding = null;
        sequence++;
        Stage = stage;
        waitingFor ??= [];
        var transition = new ApplicationTransition(
            header, sequence, stage, context.CurrentUtcDateTime, cause, detail, waitingFor, waitDeadline);
        context.SetCustomStatus(new ApplicationStatus(stage, waitingFor, waitDeadline, sequence, transition.At, cause, detail));
        unwritten.Add(transition);
        if (waitDeadline != openWait?.DueAt)
        {
            if (openWait is not null && openWait != unwrittenWait)
            {
                endedWaits.Add(openWait);
            }

            openWait = unwrittenWait = waitDeadline is { } due ? new WaitDeadline(header.ApplicationId, sequence, due) : null;
        }

        // The citizen hears of approval, rejection, a printed card and the handover once each (a reprint or a second
        // entry of the same stage adds nothing; the outbox also refuses a second copy).
        if (CitizenNotification.For(stage) is { } kind && notified.Add(kind))
        {
            unsent.Add(new CitizenNotification(
                header.ApplicationId, kind, CitizenNotification.TextFor(kind, header.ApplicationId, detail), new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero)));
        }

        // The first transition too: a new application is listed for operators at once, not at its first wait.
        // Unless the activity that follows at once carries them (writtenByNextActivity: the caller passes TakeUnwritten()).
        if (!writtenByNextActivity && (sequence == sequenceFrom + 1 || waitingFor.Count > 0 || stage.IsFinal()))
        {
            await FlushAsync();
        }
    }

    /// <summary>Writes the gathered transitions and notices (nothing when there are none).</summary>
    public async Task FlushAsync()
    {
        if (riding is { } unconfirmed)
        {
            // The activity that carried them failed the workflow: write them with the rest (writes are idempotent by sequence).
            unwritten.InsertRange(0, unconfirmed.Transitions);
            unsent.InsertRange(0, unconfirmed.Notifications);
            riding = null;
        }

        if (TakeUnwritten() is not { } entries)
        {
            return;
        }

        riding = null;
        await context.CallActivityAsync<int>(nameof(RecordTransitions), entries, ActivityRetry.Storage);
    }

    /// <summary>
    /// The gathered entries, for the activity the workflow calls next to write first (<see cref="JournalWriter"/>); null
    /// when there are none. The journal forgets them once the workflow records again (the activity then succeeded).
    /// </summary>
    public JournalEntries? TakeUnwritten()
    {
        if (unwritten.Count == 0)
        {
            return null;
        }

        var entries = new JournalEntries(
            [.. unwritten], [.. unsent], endedWaits.Count == 0 && unwrittenWait is null ? null : new DeadlineChanges([.. endedWaits], unwrittenWait));
        unwritten.Clear();
        unsent.Clear();
        endedWaits.Clear();
        unwrittenWait = null;
        riding = entries;
        return entries;
    }

    /// <summary>
    /// Records a final stage and returns the workflow's result. The entry is not written yet: the workflow's end writes
    /// it (<see cref="FlushAsync"/>, or the activity it calls last carries it).
    /// </summary>
    public async Task<CardApplicationResult> FinishAsync(ApplicationStage stage, string cause, string? reason, string? personalNumber = null)
    {
        await RecordAsync(stage, cause, reason, writtenByNextActivity: true);
        return new CardApplicationResult(stage, reason, personalNumber);
    }
}
