using System.Text.Json;
using CitizenWorkflows.Workflow.Approval;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Operations.Audit;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Workflow.Operations.Actions;

/// <summary>
/// <c>POST /api/v1/applications/{id}/actions/{action}</c>: an officer steers one application (approve, reject, suspend,
/// resume, terminate, redrive). Authorised before it runs by the route's rule (<see cref="RouteRules"/>: role operator,
/// the officer's area, area refusals audited); checked against the workflow's real state (409 naming the stage and what
/// the action needs); every accepted action, and every refusal for area or stage, is appended to the audit table.
/// </summary>
public sealed partial class OperatorActionsEndpoint(
    OperationsAudit audit,
    CitizenClaims claims,
    ApplicationProjection projection,
    ApplicationRedrive redrive,
    TimeProvider clock,
    ILogger<OperatorActionsEndpoint> log)
{
    const long MaxBodyBytes = 16 * 1024;
    const int MaxReasonLength = 500;

    /// <summary>The actions, and whether each needs a reason.</summary>
    public static readonly IReadOnlyDictionary<string, bool> Actions = new Dictionary<string, bool>(StringComparer.Ordinal)
    {
        ["approve"] = false,
        ["reject"] = true,
        ["suspend"] = true,
        ["resume"] = false,
        ["terminate"] = true,
        [ApplicationRedrive.Action] = true,
        [RequestInfo] = true,
        [ReleaseClaim] = true,
    };

    public const string RequestInfo = "request-info";

    /// <summary>A lost or damaged card while this application's card is in production: the citizen may apply again.</summary>
    public const string ReleaseClaim = "release-claim";

    public async Task<IResult> HandleAsync(
        HttpRequest request, DurableTaskClient client, string id, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        Caller caller = CallerClaims.Of(request);

        if (!Actions.TryGetValue(action, out bool needsReason))
        {
            return Problems.Status(StatusCodes.Status404NotFound, "unknown-action", "Unknown action",
                $"'{action}' is not an operator action; actions: {string.Join(", ", Actions.Keys)}.");
        }

        (ActionBody? body, IResult? problem) = await RequestBody.ReadJsonAsync<ActionBody>(request, MaxBodyBytes, allowEmpty: true, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        string? reason = string.IsNullOrWhiteSpace(body!.Reason) ? null : body.Reason.Trim();
        if (reason is null && needsReason)
        {
            return Problems.Validation([new FieldError("reason", "reason.required", $"is required: say why you {action} this application")]);
        }

        if (reason is { Length: > MaxReasonLength })
        {
            return Problems.Validation([new FieldError("reason", "reason.length", $"may be at most {MaxReasonLength} characters")]);
        }

        List<string> parts = [.. body.Parts?.Select(p => p?.Trim() ?? "") ?? []];
        if (action == RequestInfo && RequestedPartErrors(parts) is { Count: > 0 } partErrors)
        {
            return Problems.Validation(partErrors);
        }

        ActionTarget? target = await ActionTarget.LoadAsync(client, id, cancellationToken);
        if (target is null)
        {
            return (await ActionRefusal.AbsentAsync(projection, id, action, cancellationToken)).ToResult();
        }

        ActionOutcome outcome = action switch
        {
            "approve" or "reject" => await DecideAsync(client, target, caller, action, reason, cancellationToken),
            "suspend" => await SuspendAsync(client, target, caller, reason!, cancellationToken),
            "resume" => await ResumeAsync(client, target, caller, reason, cancellationToken),
            "terminate" => await TerminateAsync(client, target, caller, reason!, cancellationToken),
            RequestInfo => await RequestInformationAsync(client, target, caller, reason!, parts, cancellationToken),
            ReleaseClaim => await ReleaseClaimAsync(target, caller, reason!, cancellationToken),
            _ => await redrive.RedriveAsync(client, id, caller.Principal, caller.Role, reason!, caller.Name, cancellationToken),
        };
        if (outcome.Refusal is { } refusal)
        {
            return await RefusedAsync(target, caller, action, reason, refusal, cancellationToken);
        }

        LogAction(log, action, id, caller.Principal);
        return Results.Json(
            new ActionAccepted(id, action, outcome.StageBefore ?? target.Stage.ToString(), outcome.StageAfter, outcome.AuditId!),
            JsonSerializerOptions.Web, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>Approve or reject: the same approval-decision event, built and checked by the events endpoint's rules.</summary>
    async Task<ActionOutcome> DecideAsync(
        DurableTaskClient client, ActionTarget target, Caller caller, string action, string? reason, CancellationToken cancellationToken)
    {
        if (!target.IsWaitingFor(ApplicationEvents.ApprovalDecision))
        {
            return ActionOutcome.Refuse(ActionRefusal.WrongStage(target, action, $"an application waiting for an officer's decision ({ApplicationEvents.ApprovalDecision})"));
        }

        var errors = new List<FieldError>();
        object? payload = ApprovalCallbacks.ToDecision(action, reason, caller, errors);
        if (errors.Count > 0)
        {
            return ActionOutcome.Refuse(new ActionRefusal(StatusCodes.Status422UnprocessableEntity, "validation", "The request breaks validation rules",
                string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}"))));
        }

        string after = action == "approve" ? nameof(ApplicationStage.Approved) : nameof(ApplicationStage.Rejected);
        string auditId = await AuditAsync(target, caller, action, reason, after, cancellationToken);
        await client.RaiseEventAsync(target.ApplicationId, ApplicationEvents.ApprovalDecision, payload, cancellationToken);
        return new ActionOutcome(auditId, target.Stage.ToString(), after, null);
    }

    /// <summary>
    /// The officer asks the kiosk for parts again: delivered as an approval-decision ("not yet"), so the workflow records
    /// AwaitingInformation and waits for the kiosk's <c>POST …/parts</c> before the officer decides.
    /// </summary>
    async Task<ActionOutcome> RequestInformationAsync(
        DurableTaskClient client, ActionTarget target, Caller caller, string reason, IReadOnlyList<string> parts, CancellationToken cancellationToken)
    {
        if (!target.IsWaitingFor(ApplicationEvents.ApprovalDecision))
        {
            return ActionOutcome.Refuse(ActionRefusal.WrongStage(target, RequestInfo, $"an application waiting for an officer's decision ({ApplicationEvents.ApprovalDecision})"));
        }

        string after = nameof(ApplicationStage.AwaitingInformation);
        string auditId = (await audit.AppendAsync(
            target.ApplicationId,
            new AuditRecord(caller.Principal, caller.Role, RequestInfo, reason, target.Stage.ToString(), after, "parts: " + string.Join(", ", parts), ActorName: caller.Name),
            cancellationToken)).AuditId;
        await client.RaiseEventAsync(
            target.ApplicationId, ApplicationEvents.ApprovalDecision,
            new Approval.ApprovalDecision(Approval.ApprovalVerdict.RequestInformation, reason, caller.Principal, parts), cancellationToken);
        return new ActionOutcome(auditId, target.Stage.ToString(), after, null);
    }

    /// <summary>request-info names at least one part, each a file part of the intake contract, once.</summary>
    static List<FieldError> RequestedPartErrors(List<string> parts)
    {
        var errors = new List<FieldError>();
        if (parts.Count == 0)
        {
            errors.Add(new("parts", "parts.required", "must name the parts the kiosk has to send again, e.g. [\"portrait\", \"document-1\"]"));
        }

        for (int i = 0; i < parts.Count; i++)
        {
            if (parts[i] == Intake.SubmissionParts.Application || Intake.SubmissionParts.LimitFor(parts[i]) is null)
            {
                errors.Add(new($"parts[{i}]", "parts.known", "must be portrait, fingerprint-01..10 or document-1..4"));
            }
            else if (parts.IndexOf(parts[i]) != i)
            {
                errors.Add(new($"parts[{i}]", "parts.distinct", "names a part twice"));
            }
        }

        return errors;
    }

    async Task<ActionOutcome> SuspendAsync(DurableTaskClient client, ActionTarget target, Caller caller, string reason, CancellationToken cancellationToken)
    {
        if (!target.IsRunning)
        {
            return ActionOutcome.Refuse(ActionRefusal.WrongStage(target, "suspend", "a running application (not suspended, not ended)"));
        }

        string auditId = await AuditAsync(target, caller, "suspend", reason, nameof(ApplicationStage.Suspended), cancellationToken);
        await client.SuspendInstanceAsync(target.ApplicationId, reason, cancellationToken);
        await projection.MarkSuspendedAsync(target.ApplicationId, suspended: true, cancellationToken);
        return new ActionOutcome(auditId, target.Stage.ToString(), nameof(ApplicationStage.Suspended), null);
    }

    async Task<ActionOutcome> ResumeAsync(DurableTaskClient client, ActionTarget target, Caller caller, string? reason, CancellationToken cancellationToken)
    {
        if (target.RuntimeStatus != OrchestrationRuntimeStatus.Suspended)
        {
            return ActionOutcome.Refuse(ActionRefusal.WrongStage(target, "resume", "a suspended application"));
        }

        string resumed = target.Status?.Stage.ToString() ?? nameof(ApplicationStage.Received);
        string auditId = await AuditAsync(target, caller, "resume", reason, resumed, cancellationToken);
        await client.ResumeInstanceAsync(target.ApplicationId, reason, cancellationToken);
        await projection.MarkSuspendedAsync(target.ApplicationId, suspended: false, cancellationToken);
        return new ActionOutcome(auditId, target.Stage.ToString(), resumed, null);
    }

    /// <summary>
    /// Stops the workflow for good. A terminated workflow records nothing more, so the action itself writes the final
    /// Cancelled transition into the projection, after the workflow's last sequence.
    /// </summary>
    async Task<ActionOutcome> TerminateAsync(DurableTaskClient client, ActionTarget target, Caller caller, string reason, CancellationToken cancellationToken)
    {
        if (target.RuntimeStatus is not (OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended))
        {
            return ActionOutcome.Refuse(ActionRefusal.WrongStage(target, "terminate", "an application whose workflow is still running or suspended"));
        }

        string auditId = await AuditAsync(target, caller, "terminate", reason, nameof(ApplicationStage.Cancelled), cancellationToken);
        await client.TerminateInstanceAsync(target.ApplicationId, new CardApplicationResult(ApplicationStage.Cancelled, reason, null), cancellationToken);
        ApplicationView? view = await projection.GetAsync(target.ApplicationId, cancellationToken);
        int last = Math.Max(target.Status?.Sequence ?? 0, view is { Timeline.Count: > 0 } ? view.Timeline.Max(t => t.Sequence) : 0);
        await projection.ApplyAsync(
            new ApplicationTransition(target.Input.Header, last + 1, ApplicationStage.Cancelled, clock.GetUtcNow(), $"officer {caller.Principal}", reason, [], null),
            cancellationToken);
        return new ActionOutcome(auditId, target.Stage.ToString(), nameof(ApplicationStage.Cancelled), null);
    }

    /// <summary>
    /// The officer's explicit, audited decision that a replacement (lost or damaged card) may be applied for while this
    /// application is under way: its citizen's claim and its number's production mark are released; it goes on.
    /// </summary>
    async Task<ActionOutcome> ReleaseClaimAsync(ActionTarget target, Caller caller, string reason, CancellationToken cancellationToken)
    {
        var release = new ClaimRelease(target.ApplicationId, target.Input.Applicant, null);
        if (await claims.HolderAsync(CitizenKey.Of(release.Applicant), cancellationToken) != target.ApplicationId)
        {
            return ActionOutcome.Refuse(new ActionRefusal(StatusCodes.Status409Conflict, "no-claim", "The application holds no citizen's claim",
                $"Application '{target.ApplicationId}' does not hold its citizen's claim (it ended, or the claim was released already)."));
        }

        string auditId = await AuditAsync(target, caller, ReleaseClaim, reason, target.Stage.ToString(), cancellationToken);
        await claims.ReleaseApplicationAsync(release, cancellationToken);
        return new ActionOutcome(auditId, target.Stage.ToString(), target.Stage.ToString(), null);
    }

    async Task<string> AuditAsync(ActionTarget target, Caller caller, string action, string? reason, string? after, CancellationToken cancellationToken) =>
        (await audit.AppendAsync(
            target.ApplicationId, new AuditRecord(caller.Principal, caller.Role, action, reason, target.Stage.ToString(), after, ActorName: caller.Name), cancellationToken)).AuditId;

    async Task<IResult> RefusedAsync(ActionTarget target, Caller caller, string action, string? reason, ActionRefusal refusal, CancellationToken cancellationToken)
    {
        await audit.AppendAsync(
            target.ApplicationId,
            new AuditRecord(caller.Principal, caller.Role, action, reason, target.Stage.ToString(), null, $"{refusal.Status} {refusal.Slug}", OperationsAudit.Refused, caller.Name),
            cancellationToken);
        return refusal.ToResult();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Operator action {Action} on application {ApplicationId} by {Officer}")]
    static partial void LogAction(ILogger logger, string action, string applicationId, string officer);
}

/// <summary>The JSON body of an action.</summary>
public sealed record ActionBody
{
    /// <summary>Why; required for every action except approve and resume.</summary>
    public string? Reason { get; init; }

    /// <summary>request-info: the submission parts the kiosk must send again.</summary>
    public IReadOnlyList<string?>? Parts { get; init; }
}

/// <summary>The 202 answer to an action.</summary>
/// <param name="StageAfter">The stage the action leads to, as far as it is known when it is accepted.</param>
public sealed record ActionAccepted(string ApplicationId, string Action, string StageBefore, string? StageAfter, string AuditId);
