using System.Text.Json.Serialization;

namespace CitizenWorkflows.Workflow.Approval;

/// <summary>An officer's decision on an application (the body of the approval-decision event).</summary>
/// <param name="Reason">Why; required when rejecting.</param>
/// <param name="OfficerId">The authenticated officer, filled in by the API, never by the body.</param>
public sealed record ApprovalDecision(ApprovalVerdict Verdict, string? Reason, string? OfficerId);

[JsonConverter(typeof(JsonStringEnumConverter<ApprovalVerdict>))]
public enum ApprovalVerdict
{
    Approve,
    Reject,
}
