using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Notifications;

/// <summary>Puts a notification in the outbox (once: a replayed or retried call finds it there).</summary>
public sealed class QueueNotification(NotificationOutbox outbox) : TaskActivity<CitizenNotification, bool>
{
    public override Task<bool> RunAsync(TaskActivityContext context, CitizenNotification input) =>
        outbox.AddAsync(input, CancellationToken.None);
}
