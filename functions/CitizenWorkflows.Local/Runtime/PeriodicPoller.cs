using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Local.Runtime;

/// <summary>
/// The Local host's stand-in for a Functions timer trigger: runs one pass of a job, waits <see cref="Interval"/>, and
/// again until the host stops. A failed pass is logged and the next one retries.
/// </summary>
public abstract partial class PeriodicPoller(ILogger logger) : BackgroundService
{
    /// <summary>The wait between passes (read before each wait, so configuration changes apply).</summary>
    protected abstract TimeSpan Interval { get; }

    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using StorageCaller.Scope sweeps = StorageCaller.Enter(StorageCaller.Sweeps);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPassFailed(logger, e, GetType().Name);
            }

            await Task.Delay(Interval > TimeSpan.Zero ? Interval : TimeSpan.FromSeconds(1), stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A pass of {Poller} failed; the next one retries")]
    static partial void LogPassFailed(ILogger logger, Exception exception, string poller);
}
