using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Orchestration.Batches;
using Microsoft.Azure.Functions.Worker;

namespace CitizenWorkflows.Functions.Production;

/// <summary>Closes due print batches and shipments on a timer (the Local host polls instead).</summary>
public sealed class CardBatchFunctions(DueBatches dueBatches)
{
    [Function(PolledTriggers.CloseCardBatches)]
    public Task CloseCardBatches(
        [TimerTrigger(PolledTriggers.CloseCardBatchesSchedule)] TimerInfo timer,
        CancellationToken cancellationToken) =>
        dueBatches.CloseAsync(cancellationToken);
}
