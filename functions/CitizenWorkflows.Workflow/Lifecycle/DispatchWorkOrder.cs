using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Lifecycle;

/// <summary>
/// Hands a work order to its partner's queue. A retried dispatch may deliver the order twice; partners answer by
/// callback, and a second answer to a workflow that no longer waits for it is refused (409), so a duplicate is harmless.
/// </summary>
public sealed class DispatchWorkOrder(WorkOrderQueues queues) : TaskActivity<WorkOrder, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, WorkOrder input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await queues.SendAsync(input, CancellationToken.None);
        return WorkOrderQueues.QueueFor(input.Kind);
    }
}
