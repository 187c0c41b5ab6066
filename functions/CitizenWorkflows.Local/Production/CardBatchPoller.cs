using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow.Lifecycle.Batches;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Local.Production;

/// <summary>Configuration section <c>CardBatches:Poller</c> of the Local host.</summary>
public sealed class CardBatchPollerOptions
{
    public const string SectionName = "CardBatches:Poller";

    /// <summary>How long to wait between looks for due print batches and shipments.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>The Local host's stand-in for the Functions app's batch timer: closes due print batches and shipments.</summary>
public sealed class CardBatchPoller(
    DueBatches dueBatches, IOptionsMonitor<CardBatchPollerOptions> options, ILogger<CardBatchPoller> log) : PeriodicPoller(log)
{
    protected override TimeSpan Interval => options.CurrentValue.PollInterval;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => dueBatches.CloseAsync(cancellationToken);
}
