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
public sealed partial class NotificationPoller(
    NotificationDispatcher dispatcher, IOptionsMonitor<NotificationPollerOptions> options, ILogger<NotificationPoller> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await dispatcher.DispatchPendingAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPassFailed(log, e);
            }

            TimeSpan interval = options.CurrentValue.PollInterval;
            await Task.Delay(interval > TimeSpan.Zero ? interval : TimeSpan.FromSeconds(1), stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A pass over the notification outbox failed; the next one retries")]
    static partial void LogPassFailed(ILogger logger, Exception exception);
}
