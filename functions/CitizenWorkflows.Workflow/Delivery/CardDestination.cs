using System.Text.Json.Serialization;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Orchestration;

namespace CitizenWorkflows.Workflow.Delivery;

/// <summary>How the citizen receives the card (the application's <c>delivery</c> field).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeliveryMethod>))]
public enum DeliveryMethod
{
    /// <summary>Collected at the police station where the application was made (the default).</summary>
    Station,

    /// <summary>Posted to the applicant's current residence; after failed deliveries it is returned to the station.</summary>
    Address,
}

/// <summary>Where a card goes once printed.</summary>
/// <param name="Station">The police station where it is collected or returned to: the intake kiosk's office.</param>
/// <param name="ResidenceProvince">The province of the applicant's current residence, for posted cards.</param>
public sealed record CardDestination(DeliveryMethod Method, string Station, string ResidenceProvince)
{
    /// <summary>
    /// The shipment the card travels in: one per station for collected cards (the station receives one parcel), one
    /// per residence province for posted cards (the courier's regional round).
    /// </summary>
    public string ShipmentGroup => Method == DeliveryMethod.Station ? StationGroup : $"address-{ResidenceProvince}";

    /// <summary>The station as a destination of courier orders (returns) and station work (collection).</summary>
    public string StationGroup => $"station-{Station}";

    /// <summary>True when a courier order's destination is a station (the card is left there) rather than an address.</summary>
    public static bool IsStation(string? destination) => destination?.StartsWith("station-", StringComparison.Ordinal) == true;

    /// <summary>For workflows started before the delivery choice existed: collection at the intake station.</summary>
    public static CardDestination StationOf(ApplicationHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return new(DeliveryMethod.Station, header.KioskId, header.Province);
    }
}
