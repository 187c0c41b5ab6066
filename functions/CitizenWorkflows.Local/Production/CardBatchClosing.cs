using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow.Orchestration.Batches;
using CitizenWorkflows.Local.Pollers;

namespace CitizenWorkflows.Local.Production;

/// <summary>The Local host's stand-in for the Functions app's batch timer: closes due print batches and shipments.</summary>
public sealed class CardBatchClosing(DueBatches dueBatches) : IDueWork
{
    public static string Section => "CardBatches:Poller";

    public static TimeSpan DefaultInterval => TimeSpan.FromSeconds(1);

    public Task RunAsync(CancellationToken cancellationToken) => dueBatches.CloseAsync(cancellationToken);
}
