using CitizenWorkflows.Workflow.Orchestration.Batches;
using CitizenWorkflows.Workflow.Orchestration.Deadlines;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CitizenWorkflows.Workflow.Orchestration;

public static class OrchestrationServices
{
    /// <summary>
    /// The kernel's services: the journal's writer, the deadline index (table <c>deadlines</c>) and its sweep, the
    /// queues of single work orders (<c>courier-orders</c>, <c>station-orders</c>) and the pass over every batch closer.
    /// </summary>
    public static IServiceCollection AddOrchestration(this IServiceCollection services)
    {
        services.AddSingleton<DeadlineIndex>();
        services.AddSingleton<DeadlineSweep>();
        services.AddSingleton<JournalWriter>();
        services.AddSingleton<WorkOrderQueues>();
        services.TryAddSingleton<DueBatches>();
        services.AddTables(DeadlineIndex.TableName);
        services.AddQueues(StorageNames.CourierOrdersQueue, StorageNames.StationOrdersQueue);
        return services;
    }
}
