using CitizenWorkflows.Workflow.Delivery.Shipments;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Orchestration.Batches;
using CitizenWorkflows.Workflow.Production.PrintBatches;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CitizenWorkflows.Workflow.Lifecycle;

public static class CardBatchServices
{
    /// <summary>Print batches (section <c>PrintBatches</c>) and shipments (section <c>Shipments</c>); every <see cref="BatchCloser"/> is run by the batch timer through <see cref="DueBatches"/>, and <see cref="DispatchWorkOrder"/> puts print and ship attempts in their backlogs (<see cref="IBatchedWorkOrders"/>).</summary>
    public static IServiceCollection AddCardBatches(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PrintBatchOptions>().Bind(configuration.GetSection(PrintBatchOptions.SectionName));
        services.AddOptions<ShipmentOptions>().Bind(configuration.GetSection(ShipmentOptions.SectionName));
        services.TryAddSingleton<PrintBacklog>();
        services.TryAddSingleton<ShipmentBacklog>();
        services.TryAddSingleton<PrintBatchCloser>();
        services.TryAddSingleton<ShipmentCloser>();
        services.AddSingleton<BatchCloser>(sp => sp.GetRequiredService<PrintBatchCloser>());
        services.AddSingleton<BatchCloser>(sp => sp.GetRequiredService<ShipmentCloser>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IBatchedWorkOrders, BatchedPrintOrders>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IBatchedWorkOrders, BatchedShipOrders>());
        services.TryAddSingleton<DueBatches>();
        return services;
    }
}
