using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Orchestration.Batches;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Workflow.Production.PrintBatches;

/// <summary>Cards waiting to be printed, per print centre, in table <c>printbacklog</c> (partition = the centre).</summary>
public sealed class PrintBacklog(TableServiceClient tables) : CardBacklog(tables, Table)
{
    public const string Table = "printbacklog";
}

/// <summary>Print attempts join the backlog of the print centre that serves the application's province.</summary>
public sealed class BatchedPrintOrders(PrintBacklog backlog, IOptionsMonitor<PrintBatchOptions> batches) : IBatchedWorkOrders
{
    public WorkOrderKind Kind => WorkOrderKind.Print;

    public CardBacklog Backlog => backlog;

    public string GroupFor(WorkOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return batches.CurrentValue.CentreFor(order.Province);
    }
}
