using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Workflow.Notifications;

/// <summary>
/// Sends the pending notifications of the outbox and marks each sent. Run by a timer trigger in the Functions app and
/// by a poller in the Local host; several may run at once: a notification may reach the notifier twice, never zero
/// times, and the notifier's idempotency key makes it one message.
/// </summary>
public sealed partial class NotificationDispatcher(NotificationOutbox outbox, INotifier notifier, TimeProvider clock, ILogger<NotificationDispatcher> log)
{
    const int BatchSize = 100;

    /// <summary>Sends everything pending now; returns how many were sent.</summary>
    public async Task<int> DispatchPendingAsync(CancellationToken cancellationToken)
    {
        int sent = 0;
        while (true)
        {
            var pending = await outbox.PendingAsync(BatchSize, cancellationToken);
            int before = sent;
            foreach ((CitizenNotification notification, Azure.ETag etag) in pending)
            {
                try
                {
                    await notifier.SendAsync(notification, cancellationToken);
                    sent += await outbox.MarkSentAsync(notification, etag, clock.GetUtcNow(), cancellationToken) ? 1 : 0;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Left pending: the next pass tries again.
                    LogFailed(log, e, notification.Kind, notification.ApplicationId);
                }
            }

            if (pending.Count < BatchSize || sent == before)
            {
                return sent;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Kind} for application {ApplicationId} not sent; will retry")]
    static partial void LogFailed(ILogger logger, Exception exception, NotificationKind kind, string applicationId);
}
