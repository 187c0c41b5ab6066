using CitizenWorkflows.Workflow.Approval;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Security;

namespace CitizenWorkflows.Workflow.Operations;

/// <summary>The JSON body of an event callback; which fields matter depends on the event.</summary>
public sealed record CallbackBody
{
    /// <summary>approval-decision: "approve" or "reject".</summary>
    public string? Decision { get; init; }

    public string? Reason { get; init; }

    public string? Reference { get; init; }

    public string? Recipient { get; init; }
}

/// <summary>Every event the API accepts: who may send it and how its body becomes the payload the workflow receives.</summary>
public sealed record CallbackEvent(string Name, IReadOnlyCollection<string> Roles, Func<CallbackBody, Caller, List<FieldError>, object?> ToPayload)
{
    public static readonly IReadOnlyDictionary<string, CallbackEvent> All = new[]
    {
        new CallbackEvent(ApplicationEvents.ApprovalDecision, [Security.Roles.Operator], ToDecision),
        Partner(ApplicationEvents.CardPrinted, Security.Roles.PrintCentre, failure: false),
        Partner(ApplicationEvents.CardPrintFailed, Security.Roles.PrintCentre, failure: true),
        Partner(ApplicationEvents.CardShipped, Security.Roles.Courier, failure: false),
        Partner(ApplicationEvents.CardShippingFailed, Security.Roles.Courier, failure: true),
        new CallbackEvent(ApplicationEvents.CardDelivered, [Security.Roles.Courier, Security.Roles.Operator], (b, c, e) => ToCallback(b, c, e, failure: false)),
        Partner(ApplicationEvents.CardDeliveryFailed, Security.Roles.Courier, failure: true),
    }.ToDictionary(e => e.Name, StringComparer.Ordinal);

    static CallbackEvent Partner(string name, string role, bool failure) =>
        new(name, [role], (b, c, e) => ToCallback(b, c, e, failure));

    static ApprovalDecision? ToDecision(CallbackBody body, Caller caller, List<FieldError> errors)
    {
        ApprovalVerdict? verdict = body.Decision?.ToUpperInvariant() switch
        {
            "APPROVE" => ApprovalVerdict.Approve,
            "REJECT" => ApprovalVerdict.Reject,
            _ => null,
        };
        if (verdict is null)
        {
            errors.Add(new("decision", body.Decision is null ? "required" : "decision.allowed", "must be approve or reject"));
        }
        else if (verdict == ApprovalVerdict.Reject && string.IsNullOrWhiteSpace(body.Reason))
        {
            errors.Add(new("reason", "reason.required-to-reject", "is required when rejecting"));
        }

        CheckLength(body.Reason, "reason", errors);
        return verdict is null ? null : new ApprovalDecision(verdict.Value, body.Reason?.Trim(), caller.Principal);
    }

    static PartnerCallback ToCallback(CallbackBody body, Caller caller, List<FieldError> errors, bool failure)
    {
        if (failure && string.IsNullOrWhiteSpace(body.Reason))
        {
            errors.Add(new("reason", "reason.required-for-failure", "is required when reporting a failure"));
        }

        CheckLength(body.Reason, "reason", errors);
        CheckLength(body.Reference, "reference", errors);
        CheckLength(body.Recipient, "recipient", errors);
        return new PartnerCallback(body.Reference?.Trim(), body.Reason?.Trim(), body.Recipient?.Trim(), caller.Principal);
    }

    static void CheckLength(string? value, string field, List<FieldError> errors)
    {
        if (value is { Length: > 500 })
        {
            errors.Add(new(field, $"{field}.length", "may be at most 500 characters"));
        }
    }
}
