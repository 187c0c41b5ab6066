using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Orchestration.Batches;

namespace CitizenWorkflows.Workflow.Delivery.Shipments;

/// <summary>Printed cards waiting for a shipment, per destination (<see cref="CardDestination.ShipmentGroup"/>), in table <c>shipmentbacklog</c>.</summary>
public sealed class ShipmentBacklog(TableServiceClient tables) : CardBacklog(tables, Table)
{
    public const string Table = "shipmentbacklog";
}
