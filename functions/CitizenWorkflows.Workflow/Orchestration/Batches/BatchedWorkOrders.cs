using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CitizenWorkflows.Workflow.Orchestration.Batches;

/// <summary>
/// A kind of work order whose cards join a batch instead of going to a partner's queue one by one. The stage that owns
/// the kind registers it (print attempts: <c>Production/PrintBatches</c>; ship attempts: <c>Delivery/Shipments</c>), so
/// <see cref="DispatchWorkOrder"/> needs to know no stage.
/// </summary>
public interface IBatchedWorkOrders
{
    WorkOrderKind Kind { get; }

    CardBacklog Backlog { get; }

    /// <summary>The group (a print centre, a shipment destination) the order's card waits in.</summary>
    string GroupFor(WorkOrder order);
}

public static class BatchedWorkOrderServices
{
    /// <summary>
    /// A stage's batching of one kind of work order: its backlog, the closer <see cref="DueBatches"/> runs and the batching
    /// <see cref="DispatchWorkOrder"/> puts the kind's cards in.
    /// </summary>
    public static IServiceCollection AddBatchedWorkOrders<TBacklog, TCloser, TBatched>(this IServiceCollection services)
        where TBacklog : CardBacklog
        where TCloser : BatchCloser
        where TBatched : class, IBatchedWorkOrders
    {
        services.TryAddSingleton<TBacklog>();
        services.AddSingleton(sp =>
        {
            TBacklog backlog = sp.GetRequiredService<TBacklog>();
            return new Storage.StorageLayoutChange(backlog.TableName + "-entries", backlog.MoveFlaggedRowsAsync);
        });
        services.TryAddSingleton<TCloser>();
        services.AddSingleton<BatchCloser>(sp => sp.GetRequiredService<TCloser>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IBatchedWorkOrders, TBatched>());
        return services;
    }
}
