using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow.Notifications;
using CitizenWorkflows.Local.Pollers;

namespace CitizenWorkflows.Local.Notifications;

/// <summary>The Local host's stand-in for the Functions app's notification timer: sends the outbox every few seconds.</summary>
public sealed class NotificationDispatch(NotificationDispatcher dispatcher) : IDueWork
{
    public static string Section => "Notifications";

    public static TimeSpan DefaultInterval => TimeSpan.FromSeconds(2);

    public Task RunAsync(CancellationToken cancellationToken) => dispatcher.DispatchPendingAsync(cancellationToken);
}
