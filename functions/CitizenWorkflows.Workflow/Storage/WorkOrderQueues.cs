using System.Text.Json;
using Azure.Storage.Queues;
using CitizenWorkflows.Workflow.Lifecycle;

namespace CitizenWorkflows.Workflow.Storage;

/// <summary>The queues partners take their work orders from: print batches for the print centre, shipping and delivery orders for the courier.</summary>
public sealed class WorkOrderQueues(QueueServiceClient queues)
{
    public static string QueueFor(WorkOrderKind kind) =>
        kind == WorkOrderKind.Print ? StorageNames.PrintOrdersQueue : StorageNames.CourierOrdersQueue;

    public QueueClient Queue(string name) => queues.GetQueueClient(name);

    public async Task SendAsync(WorkOrder order, CancellationToken cancellationToken) =>
        await Queue(QueueFor(order.Kind)).SendMessageAsync(JsonSerializer.Serialize(order, JsonSerializerOptions.Web), cancellationToken);

    /// <summary>A closed print batch for its print centre.</summary>
    public async Task SendAsync(Production.PrintBatches.PrintBatchOrder order, CancellationToken cancellationToken) =>
        await Queue(StorageNames.PrintOrdersQueue).SendMessageAsync(JsonSerializer.Serialize(order, JsonSerializerOptions.Web), cancellationToken);

    public static WorkOrder Parse(string messageText) =>
        JsonSerializer.Deserialize<WorkOrder>(messageText, JsonSerializerOptions.Web)
        ?? throw new FormatException("Empty work order message.");
}
