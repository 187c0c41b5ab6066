using System.Text.Json;
using Azure.Storage.Queues;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Orchestration;

/// <summary>
/// The queues partners take their work orders from: print batches for the print centre, shipments and single
/// re-delivery or return orders for the courier, collections for the police stations.
/// </summary>
public sealed class WorkOrderQueues(QueueServiceClient queues)
{
    /// <summary>The queue of a single work order (print and ship attempts go to batches instead).</summary>
    public static string QueueFor(WorkOrderKind kind) => kind switch
    {
        WorkOrderKind.Collect => StorageNames.StationOrdersQueue,
        WorkOrderKind.Deliver or WorkOrderKind.Return => StorageNames.CourierOrdersQueue,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Print and ship attempts join a batch."),
    };

    public QueueClient Queue(string name) => queues.GetQueueClient(name);

    public async Task SendAsync(WorkOrder order, CancellationToken cancellationToken) =>
        await Queue(QueueFor(order.Kind)).SendMessageAsync(JsonSerializer.Serialize(order, JsonSerializerOptions.Web), cancellationToken);

    /// <summary>A closed batch's order (a print batch, a shipment) on its partner's queue.</summary>
    public async Task SendAsync<TOrder>(string queue, TOrder order, CancellationToken cancellationToken) =>
        await Queue(queue).SendMessageAsync(JsonSerializer.Serialize(order, JsonSerializerOptions.Web), cancellationToken);

    public static WorkOrder Parse(string messageText) =>
        JsonSerializer.Deserialize<WorkOrder>(messageText, JsonSerializerOptions.Web)
        ?? throw new FormatException("Empty work order message.");
}
