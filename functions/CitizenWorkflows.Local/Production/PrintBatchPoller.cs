using CitizenWorkflows.Workflow.Production.PrintBatches;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Local.Production;

/// <summary>Configuration section <c>PrintBatches:Poller</c> of the Local host.</summary>
public sealed class PrintBatchPollerOptions
{
    public const string SectionName = "PrintBatches:Poller";

    /// <summary>How long to wait between looks for due batches.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>The Local host's stand-in for the Functions app's print-batch timer.</summary>
public sealed partial class PrintBatchPoller(
    PrintBatchCloser closer, IOptionsMonitor<PrintBatchPollerOptions> options, ILogger<PrintBatchPoller> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await closer.CloseDueBatchesAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPassFailed(log, e);
            }

            TimeSpan interval = options.CurrentValue.PollInterval;
            await Task.Delay(interval > TimeSpan.Zero ? interval : TimeSpan.FromSeconds(1), stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing print batches failed; the next pass retries")]
    static partial void LogPassFailed(ILogger logger, Exception exception);
}
