using CitizenWorkflows.Workflow.Callbacks;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Security;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Workflow.Delivery;

/// <summary>
/// From the printed card to the citizen's hands. The courier picks the card up in a shipment to its destination: a
/// station shipment ends at the police station, where an officer hands the card over when the citizen comes; a posted
/// card is handed over at the address, re-delivered after a failure and, after the last failed delivery, returned to
/// the station to be collected there.
/// </summary>
public static class CardDelivery
{
    static readonly PartnerProgress[] OnTheWay = [new(ApplicationEvents.CardInTransit, ApplicationStage.InTransit)];

    /// <summary>The printed card joins a shipment; the courier reports picking it up.</summary>
    public static readonly PartnerHandoff Pickup = new(
        WorkOrderKind.Ship, "courier", ApplicationStage.Printed, ApplicationStage.Shipped,
        ApplicationEvents.CardPickedUp, ApplicationEvents.CardShippingFailed);

    /// <summary>A station shipment's card reaches the station (a failed leg is driven again).</summary>
    public static readonly PartnerHandoff ToStation = new(
        WorkOrderKind.Deliver, "courier", ApplicationStage.Shipped, ApplicationStage.AtStation,
        ApplicationEvents.CardAtStation, ApplicationEvents.CardDeliveryFailed, OnTheWay);

    /// <summary>A posted card is handed over at the address, re-delivered after a failure.</summary>
    public static readonly PartnerHandoff ToAddress = new(
        WorkOrderKind.Deliver, "courier", ApplicationStage.Shipped, ApplicationStage.Delivered,
        ApplicationEvents.CardDelivered, ApplicationEvents.CardDeliveryFailed, OnTheWay);

    /// <summary>After the last failed delivery the courier takes the card to the station.</summary>
    public static readonly PartnerHandoff ReturnToStation = new(
        WorkOrderKind.Return, "courier", ApplicationStage.InTransit, ApplicationStage.AtStation,
        ApplicationEvents.CardAtStation, FailureEvent: null);

    /// <summary>The station hands the card over when the citizen comes; an officer confirms it with the recipient
    /// (<c>card-collected</c>).</summary>
    public static readonly PartnerHandoff Collection = new(
        WorkOrderKind.Collect, "police station", ApplicationStage.AtStation, ApplicationStage.Delivered,
        ApplicationEvents.CardCollected, FailureEvent: null);

    /// <summary>
    /// The courier's and the station's answers, as the callback API accepts them. The station officer may confirm a
    /// parcel's arrival as well as the courier; handover at the station is the officer's.
    /// </summary>
    public static IServiceCollection AddCardDeliveryCallbacks(this IServiceCollection services) => services.AddCallbackEvents(
        PartnerCallbacks.Event(ApplicationEvents.CardPickedUp, failure: false, Roles.Courier),
        PartnerCallbacks.Event(ApplicationEvents.CardShippingFailed, failure: true, Roles.Courier),
        PartnerCallbacks.Event(ApplicationEvents.CardInTransit, failure: false, Roles.Courier),
        PartnerCallbacks.Event(ApplicationEvents.CardAtStation, failure: false, Roles.Courier, Roles.Operator),
        PartnerCallbacks.Event(ApplicationEvents.CardDelivered, failure: false, Roles.Courier),
        PartnerCallbacks.Event(ApplicationEvents.CardCollected, failure: false, Roles.Operator),
        PartnerCallbacks.Event(ApplicationEvents.CardDeliveryFailed, failure: true, Roles.Courier));

    /// <summary>
    /// Runs shipping and delivery; the handover callback on success, or why the card never reached the citizen. A
    /// re-driven run (<paramref name="resume"/>) skips the legs an earlier run completed and numbers its orders on.
    /// </summary>
    public static async Task<HandoffOutcome> RunAsync(
        TaskOrchestrationContext context, ApplicationJournal journal, ApplicationHeader header, WorkflowPolicy policy, CardDestination destination,
        ResumePoint? resume = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(destination);
        bool Reached(ApplicationStage stage) => resume?.HasReached(stage) == true;
        int Before(int attempts) => resume?.OrdersBefore(attempts) ?? 0;

        // The shipment carries the card on to its first delivery only when this run sent it.
        bool pickedUpNow = !Reached(ApplicationStage.Shipped);
        if (pickedUpNow)
        {
            HandoffOutcome picked = await Pickup.RunAsync(
                context, journal, header, policy.ShippingDeadline, policy.MaxShippingAttempts, destination.ShipmentGroup, Before(policy.MaxShippingAttempts));
            if (picked.Failure is not null)
            {
                return picked;
            }
        }

        if (!Reached(ApplicationStage.AtStation))
        {
            if (destination.Method == DeliveryMethod.Address)
            {
                HandoffOutcome posted = await ToAddress.RunAsync(
                    context, journal, header, policy.DeliveryDeadline, policy.MaxDeliveryAttempts, destination.ShipmentGroup,
                    Before(policy.MaxDeliveryAttempts), firstOrderCarried: pickedUpNow);
                if (posted.Failure is null)
                {
                    return posted;
                }

                HandoffOutcome returned = await ReturnToStation.RunAsync(
                    context, journal, header, policy.DeliveryDeadline, policy.MaxDeliveryAttempts, destination.StationGroup, Before(policy.MaxDeliveryAttempts));
                if (returned.Failure is not null)
                {
                    return returned with { Failure = $"{posted.Failure}; return to the station: {returned.Failure}" };
                }
            }
            else
            {
                HandoffOutcome arrived = await ToStation.RunAsync(
                    context, journal, header, policy.DeliveryDeadline, policy.MaxDeliveryAttempts, destination.ShipmentGroup,
                    Before(policy.MaxDeliveryAttempts), firstOrderCarried: pickedUpNow);
                if (arrived.Failure is not null)
                {
                    return arrived;
                }
            }
        }

        return await Collection.RunAsync(context, journal, header, policy.CollectionDeadline, 1, destination.StationGroup, Before(1));
    }
}
