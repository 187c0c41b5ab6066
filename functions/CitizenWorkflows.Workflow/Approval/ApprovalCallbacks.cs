using CitizenWorkflows.Workflow.Callbacks;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Security;
using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Workflow.Approval;

/// <summary>The event approval waits for, as the callback API accepts it: an officer's approve or reject.</summary>
public static class ApprovalCallbacks
{
    public static readonly CallbackEvent Decision = new(
        ApplicationEvents.ApprovalDecision, [Roles.Operator], (body, caller, errors) => ToDecision(body.Decision, body.Reason, caller, errors));

    public static IServiceCollection AddApprovalCallbacks(this IServiceCollection services) => services.AddCallbackEvents(Decision);

    /// <summary>
    /// The decision the fields name, or null with the errors added; the operator actions approve and reject build theirs
    /// here too.
    /// </summary>
    public static ApprovalDecision? ToDecision(string? decision, string? reason, Caller caller, List<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(errors);
        ApprovalVerdict? verdict = CallbackFields.Verdict(decision, errors, ("approve", ApprovalVerdict.Approve), ("reject", ApprovalVerdict.Reject));
        if (verdict == ApprovalVerdict.Reject && string.IsNullOrWhiteSpace(reason))
        {
            errors.Add(new("reason", "reason.required-to-reject", "is required when rejecting"));
        }

        CallbackFields.CheckLength(reason, "reason", errors);
        return verdict is null ? null : new ApprovalDecision(verdict.Value, reason?.Trim(), caller.Principal);
    }
}
