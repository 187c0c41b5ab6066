using System.Globalization;
using CitizenWorkflows.Workflow.Http;

namespace CitizenWorkflows.Workflow.Campaign.Sessions;

/// <summary>The body of <c>POST /v1/campaign/sessions</c>.</summary>
public sealed record CreateIntakeSession(
    IntakeSessionKind? Kind, string? Province, string? District, string? Commune, string? Date, string? Venue, IReadOnlyList<SlotRequest>? Slots)
{
    const int MaxSlots = 24;

    /// <summary>Every broken rule, by field; the valid session when there are none.</summary>
    public (IReadOnlyList<FieldError> Errors, CampaignPlace Place, DateOnly Date, IReadOnlyList<SessionSlot> Slots) Validate()
    {
        var errors = new List<FieldError>();
        if (Kind is null)
        {
            errors.Add(new FieldError("kind", "kind.required", "The kind is required: FixedOffice, MobileUnit or HomeVisit."));
        }

        errors.AddRange(CampaignPlace.Validate(Province, District, Commune));
        if (!DateOnly.TryParseExact(Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
        {
            errors.Add(new FieldError("date", "date.format", "The date is required as yyyy-MM-dd."));
        }

        if (Venue is { Length: > 200 })
        {
            errors.Add(new FieldError("venue", "venue.length", "The venue is at most 200 characters."));
        }

        IReadOnlyList<SessionSlot> slots = SlotRequest.ValidateAll(Slots, MaxSlots, errors);
        return (errors, new CampaignPlace(Province ?? "", District, Commune), date, slots);
    }
}

/// <summary>The body of <c>PUT /v1/campaign/sessions/{sessionId}</c>: the slots' capacities (by slot number, from 1).</summary>
public sealed record ChangeIntakeSession(IReadOnlyList<SlotCapacity>? Capacities)
{
    public IReadOnlyList<FieldError> Validate(int slotCount)
    {
        var errors = new List<FieldError>();
        if (Capacities is not { Count: > 0 })
        {
            errors.Add(new FieldError("capacities", "capacities.required", "Name at least one slot and its new capacity."));
            return errors;
        }

        for (int i = 0; i < Capacities.Count; i++)
        {
            SlotCapacity change = Capacities[i];
            if (change.Slot < 1 || change.Slot > slotCount)
            {
                errors.Add(new FieldError($"capacities[{i}].slot", "slot.known", $"The session has slots 1 to {slotCount}."));
            }

            if (change.Capacity is < 1 or > SessionSlot.MaxCapacity)
            {
                errors.Add(new FieldError($"capacities[{i}].capacity", "capacity.range", $"A slot's capacity is 1 to {SessionSlot.MaxCapacity}."));
            }
        }

        return errors;
    }
}

/// <summary>A slot's new capacity.</summary>
public sealed record SlotCapacity(int Slot, int Capacity);

/// <summary>One slot of a new session: hours (HH:mm, Vietnam time) and capacity.</summary>
public sealed record SlotRequest(string? Start, string? End, int Capacity)
{
    internal static IReadOnlyList<SessionSlot> ValidateAll(IReadOnlyList<SlotRequest>? slots, int max, List<FieldError> errors)
    {
        if (slots is not { Count: > 0 } || slots.Count > max)
        {
            errors.Add(new FieldError("slots", "slots.count", $"A session has 1 to {max} slots."));
            return [];
        }

        var valid = new List<SessionSlot>();
        TimeOnly previousEnd = TimeOnly.MinValue;
        for (int i = 0; i < slots.Count; i++)
        {
            SlotRequest slot = slots[i];
            bool start = TimeOnly.TryParseExact(slot.Start, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out TimeOnly from);
            bool end = TimeOnly.TryParseExact(slot.End, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out TimeOnly to);
            if (!start || !end || to <= from)
            {
                errors.Add(new FieldError($"slots[{i}]", "slot.hours", "A slot has a start and a later end, each HH:mm."));
            }
            else if (from < previousEnd)
            {
                errors.Add(new FieldError($"slots[{i}].start", "slot.order", "Slots follow one another without overlapping."));
            }

            if (slot.Capacity is < 1 or > SessionSlot.MaxCapacity)
            {
                errors.Add(new FieldError($"slots[{i}].capacity", "capacity.range", $"A slot's capacity is 1 to {SessionSlot.MaxCapacity}."));
            }

            previousEnd = to;
            valid.Add(new SessionSlot(from, to, slot.Capacity));
        }

        return valid;
    }
}
