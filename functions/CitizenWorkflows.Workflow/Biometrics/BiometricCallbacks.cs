using CitizenWorkflows.Workflow.Biometrics.ExternalMatcher;
using CitizenWorkflows.Workflow.Callbacks;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Security;
using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Workflow.Biometrics;

/// <summary>The events the biometric stage waits for, as the callback API accepts them: an officer's adjudication, the
/// external matcher's result.</summary>
public static class BiometricCallbacks
{
    public static readonly CallbackEvent Adjudication = new(ApplicationEvents.AdjudicationDecision, [Roles.Operator], ToAdjudication);

    public static readonly CallbackEvent MatcherResult = new(ApplicationEvents.BiometricResult, [Roles.BiometricMatcher], ToBiometricResult);

    public static IServiceCollection AddBiometricCallbacks(this IServiceCollection services) => services.AddCallbackEvents(Adjudication, MatcherResult);

    const int MaxCandidates = 50;

    static AdjudicationDecision? ToAdjudication(CallbackBody body, Caller caller, List<FieldError> errors)
    {
        AdjudicationVerdict? verdict = CallbackFields.Verdict(
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

        CallbackFields.CheckLength(body.Reason, "reason", errors);
        return verdict is null ? null : new AdjudicationDecision(verdict.Value, verdict == AdjudicationVerdict.Duplicate ? body.DuplicateOf : null, body.Reason?.Trim(), caller.Principal);
    }

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

        CallbackFields.CheckLength(body.Reference, "reference", errors);
        return errors.Count > 0
            ? null
            : new BiometricResult([.. body.Candidates.Select(c => new MatcherCandidate(c.ApplicationId!, c.Score!.Value))], body.Reference?.Trim(), caller.Principal);
    }
}
