using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Orchestration.Batches;

namespace CitizenWorkflows.Workflow.Delivery.Shipments;

/// <summary>Printed cards waiting for a shipment, per destination (<see cref="CardDestination.ShipmentGroup"/>), in
/// table <c>shipmentbacklog</c>.</summary>
public sealed class ShipmentBacklog(TableServiceClient tables) : CardBacklog(tables, Table)
{
    public const string Table = "shipmentbacklog";
}

/// <summary>Ship attempts join the backlog of their shipment destination, which the order names.</summary>
public sealed class BatchedShipOrders(ShipmentBacklog backlog) : IBatchedWorkOrders
{
    public WorkOrderKind Kind => WorkOrderKind.Ship;

    public CardBacklog Backlog => backlog;

    public string GroupFor(WorkOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return order.Destination ?? throw new ArgumentException("A ship order names its shipment destination.", nameof(order));
    }
}
