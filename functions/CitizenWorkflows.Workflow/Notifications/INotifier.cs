namespace CitizenWorkflows.Workflow.Notifications;

/// <summary>
/// Delivers a notification to the citizen. The outbox may call it more than once for the same notification (a crash
/// between sending and marking it sent); an adapter passes <see cref="CitizenNotification.Key"/> on as the provider's
/// idempotency key, or dedupes by it, so the citizen receives it once.
/// </summary>
public interface INotifier
{
    Task SendAsync(CitizenNotification notification, CancellationToken cancellationToken);
}
