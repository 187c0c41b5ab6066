using System.Text.Json.Serialization;

namespace CitizenWorkflows.Workflow.Campaign.Sessions;

/// <summary>Who takes applications at a session: an office, a mobile team (a converted bus), or officers visiting homes.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IntakeSessionKind>))]
public enum IntakeSessionKind
{
    FixedOffice,
    MobileUnit,

    /// <summary>Officers at the homes of the elderly and disabled: every booking is a priority booking.</summary>
    HomeVisit,
}

/// <summary>One period of a session's hours with the number of citizens it takes (at most <see cref="MaxCapacity"/>).</summary>
public sealed record SessionSlot(TimeOnly Start, TimeOnly End, int Capacity)
{
    /// <summary>Queue numbers are <c>slot × 100 + seat</c>, so a slot seats at most 99 and numbers follow the clock.</summary>
    public const int MaxCapacity = 99;
}

/// <summary>A slot as listed: its number in the session (from 1), its hours, capacity and seats taken.</summary>
public sealed record SlotView(int Slot, TimeOnly Start, TimeOnly End, int Capacity, int Booked);

/// <summary>An intake session: a team at a place on a day, its hours split into slots.</summary>
public sealed record IntakeSession(
    string SessionId,
    IntakeSessionKind Kind,
    CampaignPlace Place,
    DateOnly Date,
    string? Venue,
    IReadOnlyList<SlotView> Slots,
    string CreatedBy,
    DateTimeOffset EndsAt);
