using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Notifications;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Lifecycle;

/// <summary>
/// Records every transition of one application from inside its orchestration: sets the custom status (what the
/// workflow waits for) and projects the entry into Table storage through the <see cref="RecordTransition"/> activity;
/// a transition the citizen must hear of also goes to the notification outbox.
/// </summary>
/// <param name="sequenceFrom">The last sequence an earlier run of this application recorded (a re-drive continues after it).</param>
public sealed class ApplicationJournal(TaskOrchestrationContext context, ApplicationHeader header, int sequenceFrom = 0)
{
    int sequence = sequenceFrom;
    readonly HashSet<NotificationKind> notified = [];

    public ApplicationStage Stage { get; private set; } = ApplicationStage.Received;

    public async Task RecordAsync(
        ApplicationStage stage,
        string cause,
        string? detail = null,
        IReadOnlyList<string>? waitingFor = null,
        DateTimeOffset? waitDeadline = null)
    {
        sequence++;
        Stage = stage;
        waitingFor ??= [];
        context.SetCustomStatus(new ApplicationStatus(stage, waitingFor, waitDeadline, sequence));
        var transition = new ApplicationTransition(
            header, sequence, stage, context.CurrentUtcDateTime, cause, detail, waitingFor, waitDeadline);
        await context.CallActivityAsync(nameof(RecordTransition), transition, ActivityRetry.Storage);

        // The citizen hears of approval, rejection, a printed card and the handover once each (a reprint or a second
        // entry of the same stage adds nothing; the outbox also refuses a second copy).
        if (CitizenNotification.For(stage) is { } kind && notified.Add(kind))
        {
            var notification = new CitizenNotification(
                header.ApplicationId, kind, CitizenNotification.TextFor(kind, header.ApplicationId, detail), new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero));
            await context.CallActivityAsync<bool>(nameof(QueueNotification), notification, ActivityRetry.Storage);
        }
    }

    /// <summary>Records a final stage and returns the workflow's result.</summary>
    public async Task<CardApplicationResult> FinishAsync(ApplicationStage stage, string cause, string? reason, string? personalNumber = null)
    {
        await RecordAsync(stage, cause, reason);
        return new CardApplicationResult(stage, reason, personalNumber);
    }
}
