using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow.Notifications;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Local.Notifications;

/// <summary>Configuration section <c>Notifications</c> of the Local host.</summary>
public sealed class NotificationPollerOptions
{
    public const string SectionName = "Notifications";

    /// <summary>How long to wait between passes over the outbox.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>The Local host's stand-in for the Functions app's notification timer: sends the outbox every few seconds.</summary>
public sealed class NotificationPoller(
    NotificationDispatcher dispatcher, IOptionsMonitor<NotificationPollerOptions> options, ILogger<NotificationPoller> log) : PeriodicPoller(log)
{
    protected override TimeSpan Interval => options.CurrentValue.PollInterval;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => dispatcher.DispatchPendingAsync(cancellationToken);
}
