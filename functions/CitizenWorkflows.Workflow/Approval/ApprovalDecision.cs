using System.Text.Json.Serialization;

namespace CitizenWorkflows.Workflow.Approval;

/// <summary>An officer's decision on an application (the body of the approval-decision event).</summary>
/// <param name="Reason">Why; required when rejecting.</param>
/// <param name="OfficerId">The authenticated officer, filled in by the API, never by the body.</param>
/// <param name="Parts">With <see cref="ApprovalVerdict.RequestInformation"/>: the submission parts the kiosk must send again.</param>
public sealed record ApprovalDecision(ApprovalVerdict Verdict, string? Reason, string? OfficerId, IReadOnlyList<string>? Parts = null);

/// <summary>What a kiosk sent again after an officer asked for it (the body of the information-provided event).</summary>
public sealed record ProvidedInformation(IReadOnlyList<string> Parts, IReadOnlyList<Storage.DocumentReference> Documents, string KioskId);

[JsonConverter(typeof(JsonStringEnumConverter<ApprovalVerdict>))]
public enum ApprovalVerdict
{
    Approve,
    Reject,

    /// <summary>Not yet: the kiosk must send the named parts again first (the operator action request-info).</summary>
    RequestInformation,
}
