using CitizenWorkflows.Workflow.Orchestration.Batches;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Workflow.Delivery.Shipments;

public static class ShipmentServices
{
    /// <summary>
    /// Shipments (section <c>Shipments</c>): the backlog (table <c>shipmentbacklog</c>) ship attempts join, its closer
    /// (run through <see cref="DueBatches"/>), the manifests (container <c>shipments</c>) and the courier's shipment
    /// queue (<c>shipment-orders</c>).
    /// </summary>
    public static IServiceCollection AddShipments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ShipmentOptions>().Bind(configuration.GetSection(ShipmentOptions.SectionName));
        services.AddBatchedWorkOrders<ShipmentBacklog, ShipmentCloser, BatchedShipOrders>();
        services.AddTables(ShipmentBacklog.Table);
        services.AddQueues(StorageNames.ShipmentOrdersQueue);
        services.AddContainers(ShipmentCloser.ManifestContainer);
        return services;
    }
}
