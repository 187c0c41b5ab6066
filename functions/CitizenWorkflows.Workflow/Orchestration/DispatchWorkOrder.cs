using CitizenWorkflows.Workflow.Orchestration.Batches;
using CitizenWorkflows.Workflow.Telemetry;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Orchestration;

/// <summary>
/// Hands a work order to its partner: a kind that a stage batches (<see cref="IBatchedWorkOrders"/>: a print attempt by
/// its print centre, a ship attempt by its destination) joins its group's backlog for the next batch; re-delivery and
/// return orders go to the courier's queue, collections to the stations'. A retried dispatch may deliver a queued order
/// twice; partners answer by callback, and a second answer to a workflow that no longer waits for it is refused (409),
/// so a duplicate is harmless. The journal's entries that open the wait are written first, so a fast partner's answer
/// finds the wait recorded.
/// </summary>
public sealed class DispatchWorkOrder(WorkOrderQueues queues, IEnumerable<IBatchedWorkOrders> batched, TimeProvider clock, JournalWriter journal)
    : TaskActivity<WorkOrderDispatch, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, WorkOrderDispatch input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await journal.WriteAsync(input.Journal, CancellationToken.None);
        // This activity runs in the application's trace (DurableTask.Core's span), so the partner's answer joins it.
        return await SendAsync(input.Order with { TraceParent = WorkflowTelemetry.CurrentTraceParent() }, CancellationToken.None);
    }

    /// <summary>Sends the order and names where it went; reconciliation calls this too to re-send a lost order.</summary>
    public async Task<string> SendAsync(WorkOrder input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (batched.FirstOrDefault(b => b.Kind == input.Kind) is { } batching)
        {
            string group = batching.GroupFor(input);
            await batching.Backlog.AddAsync(group, new QueuedCard(input.ApplicationId, input.Attempt, clock.GetUtcNow(), input.TraceParent), cancellationToken);
            return $"{batching.Backlog.TableName}/{group}";
        }

        await queues.SendAsync(input, cancellationToken);
        return WorkOrderQueues.QueueFor(input.Kind);
    }
}

/// <summary>A work order to send and the journal entries (the wait it opens) to write before it goes.</summary>
public sealed record WorkOrderDispatch(WorkOrder Order, JournalEntries? Journal);
