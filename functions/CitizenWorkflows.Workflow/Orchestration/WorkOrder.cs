using System.Text.Json.Serialization;

namespace CitizenWorkflows.Workflow.Orchestration;

/// <summary>A request to a partner (print centre or courier) about one card; it carries no personal data.</summary>
/// <param name="Attempt">1 for the first request, higher for a reprint, re-shipment or re-delivery.</param>
/// <param name="Province">The application's province: it decides which print centre prints the card.</param>
/// <param name="Destination">For shipping and returns: the shipment group or station the card goes to.</param>
/// <param name="TraceParent">
/// The W3C trace context of the dispatch (set by <see cref="DispatchWorkOrder"/> when traces are recorded): the partner
/// sends it back as the <c>traceparent</c> header of its callbacks, so they join the application's trace.
/// </param>
public sealed record WorkOrder(
    string ApplicationId, WorkOrderKind Kind, int Attempt, string? Province = null, string? Destination = null,
    [property: JsonPropertyName("traceparent")] string? TraceParent = null);

[JsonConverter(typeof(JsonStringEnumConverter<WorkOrderKind>))]
public enum WorkOrderKind
{
    /// <summary>Print the card (joins a print batch).</summary>
    Print,

    /// <summary>Pick the printed card up and take it to its destination (joins a shipment).</summary>
    Ship,

    /// <summary>Try again to hand a posted card over at the address.</summary>
    Deliver,

    /// <summary>Take a card that could not be delivered to the station.</summary>
    Return,

    /// <summary>The station hands the card over when the citizen comes for it.</summary>
    Collect,
}

/// <summary>What a partner reports back about a work order (the body of a card-* callback event).</summary>
/// <param name="Reference">The partner's own reference (print job, tracking number).</param>
/// <param name="Reason">Why it failed; required for failure callbacks.</param>
/// <param name="Recipient">Who received the card, for deliveries.</param>
/// <param name="ReportedBy">The authenticated caller, filled in by the API, never by the body.</param>
/// <param name="Attempt">The work order's attempt number, when the partner echoes it: a late answer to an earlier order is ignored.</param>
public sealed record PartnerCallback(string? Reference, string? Reason, string? Recipient, string? ReportedBy, int? Attempt = null);
