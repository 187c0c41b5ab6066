using CitizenWorkflows.Local.Runtime;
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
public sealed class PrintBatchPoller(
    PrintBatchCloser closer, IOptionsMonitor<PrintBatchPollerOptions> options, ILogger<PrintBatchPoller> log) : PeriodicPoller(log)
{
    protected override TimeSpan Interval => options.CurrentValue.PollInterval;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => closer.CloseDueBatchesAsync(cancellationToken);
}
