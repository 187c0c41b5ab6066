using CitizenWorkflows.Workflow.Approval;
using CitizenWorkflows.Workflow.Biometrics;
using CitizenWorkflows.Workflow.Biometrics.ExternalMatcher;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Orchestration;
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

    /// <summary>Partner callbacks: the attempt number of the work order answered (optional; echoes the order's).</summary>
    public int? Attempt { get; init; }

    /// <summary>adjudication-decision with "duplicate": the earlier application of the same person.</summary>
    public string? DuplicateOf { get; init; }

    /// <summary>biometric-result: the earlier applicants the external matcher found (empty when none).</summary>
    public IReadOnlyList<CandidateBody>? Candidates { get; init; }
}

/// <summary>One candidate in a biometric-result body.</summary>
public sealed record CandidateBody(string? ApplicationId, double? Score);

/// <summary>Every event the API accepts: who may send it and how its body becomes the payload the workflow receives.</summary>
public sealed record CallbackEvent(string Name, IReadOnlyCollection<string> Roles, Func<CallbackBody, Caller, List<FieldError>, object?> ToPayload)
{
    public static readonly IReadOnlyDictionary<string, CallbackEvent> All = new[]
    {
        new CallbackEvent(ApplicationEvents.ApprovalDecision, [Security.Roles.Operator], ToDecision),
        new CallbackEvent(ApplicationEvents.AdjudicationDecision, [Security.Roles.Operator], ToAdjudication),
        new CallbackEvent(ApplicationEvents.BiometricResult, [Security.Roles.BiometricMatcher], ToBiometricResult),
        Partner(ApplicationEvents.CardPrinted, Security.Roles.PrintCentre, failure: false),
        Partner(ApplicationEvents.CardPrintFailed, Security.Roles.PrintCentre, failure: true),
        Partner(ApplicationEvents.CardPickedUp, Security.Roles.Courier, failure: false),
        Partner(ApplicationEvents.CardShippingFailed, Security.Roles.Courier, failure: true),
        Partner(ApplicationEvents.CardInTransit, Security.Roles.Courier, failure: false),
        // The station officer may confirm a parcel's arrival as well as the courier; handover at the station is the officer's.
        new CallbackEvent(ApplicationEvents.CardAtStation, [Security.Roles.Courier, Security.Roles.Operator], (b, c, e) => ToCallback(b, c, e, failure: false)),
        Partner(ApplicationEvents.CardDelivered, Security.Roles.Courier, failure: false),
        Partner(ApplicationEvents.CardCollected, Security.Roles.Operator, failure: false),
        Partner(ApplicationEvents.CardDeliveryFailed, Security.Roles.Courier, failure: true),
    }.ToDictionary(e => e.Name, StringComparer.Ordinal);

    static CallbackEvent Partner(string name, string role, bool failure) =>
        new(name, [role], (b, c, e) => ToCallback(b, c, e, failure));

    static ApprovalDecision? ToDecision(CallbackBody body, Caller caller, List<FieldError> errors)
    {
        ApprovalVerdict? verdict = Verdict(body.Decision, errors, ("approve", ApprovalVerdict.Approve), ("reject", ApprovalVerdict.Reject));
        if (verdict == ApprovalVerdict.Reject && string.IsNullOrWhiteSpace(body.Reason))
        {
            errors.Add(new("reason", "reason.required-to-reject", "is required when rejecting"));
        }

        CheckLength(body.Reason, "reason", errors);
        return verdict is null ? null : new ApprovalDecision(verdict.Value, body.Reason?.Trim(), caller.Principal);
    }

    static AdjudicationDecision? ToAdjudication(CallbackBody body, Caller caller, List<FieldError> errors)
    {
        AdjudicationVerdict? verdict = Verdict(
            body.Decision, errors, ("duplicate", AdjudicationVerdict.Duplicate), ("not-duplicate", AdjudicationVerdict.NotDuplicate));
        if (verdict == AdjudicationVerdict.Duplicate && !ApplicationIds.IsWellFormed(body.DuplicateOf))
        {
            errors.Add(new("duplicateOf", body.DuplicateOf is null ? "duplicate-of.required" : "duplicate-of.format",
                "must name the earlier application (its 32-character id) when the decision is duplicate"));
        }

        if (string.IsNullOrWhiteSpace(body.Reason))
        {
            errors.Add(new("reason", "reason.required-to-adjudicate", "is required: say what the decision rests on"));
        }

        CheckLength(body.Reason, "reason", errors);
        return verdict is null ? null : new AdjudicationDecision(verdict.Value, verdict == AdjudicationVerdict.Duplicate ? body.DuplicateOf : null, body.Reason?.Trim(), caller.Principal);
    }

    /// <summary>The verdict the <c>decision</c> field names (case-insensitive), or null with the error added.</summary>
    static T? Verdict<T>(string? decision, List<FieldError> errors, params (string Text, T Value)[] allowed)
        where T : struct
    {
        foreach ((string text, T value) in allowed)
        {
            if (string.Equals(decision, text, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        errors.Add(new("decision", decision is null ? "required" : "decision.allowed", $"must be {string.Join(" or ", allowed.Select(a => a.Text))}"));
        return null;
    }

    const int MaxCandidates = 50;

    static BiometricResult? ToBiometricResult(CallbackBody body, Caller caller, List<FieldError> errors)
    {
        if (body.Candidates is null)
        {
            errors.Add(new("candidates", "required", "is required: a list of {applicationId, score}, empty when nothing matched"));
            return null;
        }

        if (body.Candidates.Count > MaxCandidates)
        {
            errors.Add(new("candidates", "candidates.count", $"may hold at most {MaxCandidates} candidates"));
        }

        for (int i = 0; i < body.Candidates.Count; i++)
        {
            CandidateBody? candidate = body.Candidates[i];
            if (!ApplicationIds.IsWellFormed(candidate?.ApplicationId))
            {
                errors.Add(new($"candidates[{i}].applicationId", "application-id.format", "must be a 32-character application id"));
            }

            if (candidate?.Score is not double score || !double.IsFinite(score) || score < 0)
            {
                errors.Add(new($"candidates[{i}].score", "score.range", "must be a finite number >= 0"));
            }
        }

        CheckLength(body.Reference, "reference", errors);
        return errors.Count > 0
            ? null
            : new BiometricResult([.. body.Candidates.Select(c => new MatcherCandidate(c.ApplicationId!, c.Score!.Value))], body.Reference?.Trim(), caller.Principal);
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
        if (body.Attempt is < 1 or > 100)
        {
            errors.Add(new("attempt", "attempt.range", "must be the work order's attempt number, 1 to 100"));
        }

        return new PartnerCallback(body.Reference?.Trim(), body.Reason?.Trim(), body.Recipient?.Trim(), caller.Principal, body.Attempt);
    }

    static void CheckLength(string? value, string field, List<FieldError> errors)
    {
        if (value is { Length: > 500 })
        {
            errors.Add(new(field, $"{field}.length", "may be at most 500 characters"));
        }
    }
}
