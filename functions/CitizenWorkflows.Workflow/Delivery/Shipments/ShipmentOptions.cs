using CitizenWorkflows.Workflow.Orchestration.Batches;

namespace CitizenWorkflows.Workflow.Delivery.Shipments;

/// <summary>How printed cards are grouped into shipments (configuration section <c>Shipments</c>).</summary>
public sealed class ShipmentOptions : CardBatchOptions
{
    public const string SectionName = "Shipments";
}
