using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Local.Pollers;

/// <summary>
/// The Local host's stand-in for a Functions timer or blob trigger: runs one pass of <typeparamref name="TWork"/>, waits
/// <see cref="PollerOptions.PollInterval"/>, and again until the host stops. A failed pass (a bug, a storage outage) is
/// logged and the next one retries.
/// </summary>
public sealed partial class PeriodicPoller<TWork>(TWork work, IOptionsMonitor<PollerOptions> options, ILogger<TWork> log) : BackgroundService
    where TWork : IDueWork
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using StorageCaller.Scope sweeps = StorageCaller.Enter(StorageCaller.Sweeps);
        if (!options.Get(TWork.Section).Enabled)
        {
            LogDisabled(log, typeof(TWork).Name, TWork.Section);
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            // Read before each pass and each wait, so configuration changes apply.
            if (options.Get(TWork.Section).Enabled)
            {
                try
                {
                    await work.RunAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // Only the host stopping ends the loop: an exception out of a BackgroundService would stop the host,
                    // and a storage outage (even one surfacing as a timed-out, cancelled request) must not.
                    LogPassFailed(log, e, typeof(TWork).Name);
                }
            }

            TimeSpan interval = options.Get(TWork.Section).PollInterval;
            await Task.Delay(interval > TimeSpan.Zero ? interval : TimeSpan.FromSeconds(1), stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Poller} is disabled ({Section}:Enabled=false)")]
    static partial void LogDisabled(ILogger logger, string poller, string section);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A pass of {Poller} failed; the next one retries")]
    static partial void LogPassFailed(ILogger logger, Exception exception, string poller);
}
