using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;

namespace CitizenWorkflows.Workflow.Delivery;

/// <summary>Shipping and delivery: the courier takes the printed card to the station or the applicant and reports each leg.</summary>
public static class CardDelivery
{
    public static readonly PartnerHandoff Shipping = new(
        WorkOrderKind.Ship,
        "courier",
        ApplicationStage.Printed,
        ApplicationStage.Shipped,
        ApplicationEvents.CardShipped,
        ApplicationEvents.CardShippingFailed);

    public static readonly PartnerHandoff Handover = new(
        WorkOrderKind.Deliver,
        "courier",
        ApplicationStage.Shipped,
        ApplicationStage.Delivered,
        ApplicationEvents.CardDelivered,
        ApplicationEvents.CardDeliveryFailed);
}
