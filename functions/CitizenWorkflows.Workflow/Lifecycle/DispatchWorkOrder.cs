using CitizenWorkflows.Workflow.Production.PrintBatches;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Workflow.Lifecycle;

/// <summary>
/// Hands a work order to its partner: a print attempt joins its print centre's queue for the next batch; shipping and
/// delivery orders go to the courier's queue. A retried dispatch may deliver a courier order twice; partners answer by
/// callback, and a second answer to a workflow that no longer waits for it is refused (409), so a duplicate is harmless.
/// </summary>
public sealed class DispatchWorkOrder(WorkOrderQueues queues, PrintBacklog printBacklog, IOptionsMonitor<PrintBatchOptions> batches, TimeProvider clock)
    : TaskActivity<WorkOrder, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, WorkOrder input) => SendAsync(input, CancellationToken.None);

    /// <summary>Sends the order and names where it went; reconciliation calls this too to re-send a lost order.</summary>
    public async Task<string> SendAsync(WorkOrder input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Kind == WorkOrderKind.Print)
        {
            string centre = batches.CurrentValue.CentreFor(input.Province);
            await printBacklog.AddAsync(centre, new QueuedCard(input.ApplicationId, input.Attempt, clock.GetUtcNow()), cancellationToken);
            return $"{PrintBacklog.TableName}/{centre}";
        }

        await queues.SendAsync(input, cancellationToken);
        return WorkOrderQueues.QueueFor(input.Kind);
    }
}
