using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Production.PrintBatches;
using Microsoft.Azure.Functions.Worker;

namespace CitizenWorkflows.Functions.Production;

/// <summary>Closes due print batches on a timer (the Local host polls instead).</summary>
public sealed class PrintBatchFunctions(PrintBatchCloser closer)
{
    [Function(PolledTriggers.ClosePrintBatches)]
    public Task ClosePrintBatches(
        [TimerTrigger(PolledTriggers.ClosePrintBatchesSchedule)] TimerInfo timer,
        CancellationToken cancellationToken) =>
        closer.CloseDueBatchesAsync(cancellationToken);
}
