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
