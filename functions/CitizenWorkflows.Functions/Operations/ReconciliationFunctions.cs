using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Operations.Reconciliation;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CitizenWorkflows.Functions.Operations;

/// <summary>
/// Reconciles applications on the schedule in app setting <c>Reconciliation__Schedule</c> (the Local host polls instead):
/// first the runs operators asked for since the last tick, then the scheduled run.
/// </summary>
public sealed class ReconciliationFunctions(Reconciler reconciler)
{
    [Function(PolledTriggers.ReconcileApplications)]
    public async Task ReconcileApplications(
        [TimerTrigger(PolledTriggers.ReconcileApplicationsSchedule)] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        await reconciler.RunRequestedAsync(client, cancellationToken);
        // A run that finds the lock taken logs "already running" and does nothing: the holder does the same work.
        await reconciler.TryRunAsync(client, "timer", cancellationToken);
    }
}
