using System.Text.Json.Serialization;

namespace CitizenWorkflows.Workflow.Biometrics;

/// <summary>An officer's ruling on a possible duplicate identity (the body of the adjudication-decision event).</summary>
/// <param name="DuplicateOf">For <see cref="AdjudicationVerdict.Duplicate"/>: the earlier application of the same person.</param>
/// <param name="OfficerId">The authenticated officer, filled in by the API, never by the body.</param>
public sealed record AdjudicationDecision(AdjudicationVerdict Verdict, string? DuplicateOf, string? Reason, string? OfficerId);

[JsonConverter(typeof(JsonStringEnumConverter<AdjudicationVerdict>))]
public enum AdjudicationVerdict
{
    /// <summary>The applicant is already enrolled under another application: reject and link.</summary>
    Duplicate,

    /// <summary>Different people (e.g. namesakes born the same day): continue.</summary>
    NotDuplicate,
}
