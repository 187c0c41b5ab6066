using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Notifications;
using Microsoft.Azure.Functions.Worker;

namespace CitizenWorkflows.Functions.Notifications;

/// <summary>Sends the notification outbox on a timer (the Local host polls it instead).</summary>
public sealed class NotificationFunctions(NotificationDispatcher dispatcher)
{
    [Function(PolledTriggers.DispatchNotifications)]
    public Task DispatchNotifications(
        [TimerTrigger(PolledTriggers.DispatchNotificationsSchedule)] TimerInfo timer,
        CancellationToken cancellationToken) =>
        dispatcher.DispatchPendingAsync(cancellationToken);
}
