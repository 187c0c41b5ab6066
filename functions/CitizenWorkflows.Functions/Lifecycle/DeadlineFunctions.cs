using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Orchestration.Deadlines;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CitizenWorkflows.Functions.Lifecycle;

/// <summary>Raises the wait deadlines that have come on a timer (the Local host polls instead).</summary>
public sealed class DeadlineFunctions(DeadlineSweep sweep)
{
    [Function(PolledTriggers.SweepDeadlines)]
    public Task SweepDeadlines(
        [TimerTrigger(PolledTriggers.SweepDeadlinesSchedule)] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        sweep.RunAsync(client, cancellationToken);
}
