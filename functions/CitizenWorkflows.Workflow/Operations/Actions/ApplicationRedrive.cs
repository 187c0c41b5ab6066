using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Operations.Audit;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Workflow.Operations.Actions;

/// <summary>
/// Re-drives a failed application: a new run of its workflow under the same id, resuming after the stages the earlier
/// runs passed (<see cref="ResumePoint"/>). At most <see cref="MaxRedrives"/> per application; each one is written to the
/// audit table under a fixed id first, so two concurrent re-drives (an operator and reconciliation) cannot both start.
/// Operators call it through the actions endpoint, reconciliation directly.
/// </summary>
public sealed partial class ApplicationRedrive(
    ApplicationProjection projection, OperationsAudit audit, IOptionsMonitor<WorkflowVersioning> versioning, ILogger<ApplicationRedrive> log)
{
    public const int MaxRedrives = 3;

    public const string Action = "redrive";

    /// <summary>Re-drives <paramref name="applicationId"/> when it failed; otherwise says why not.</summary>
    /// <param name="actor">Who asks (an officer id, "reconciliation").</param>
    public Task<ActionOutcome> RedriveAsync(
        DurableTaskClient client, string applicationId, string actor, string? role, string reason, CancellationToken cancellationToken) =>
        RedriveAsync(client, applicationId, actor, role, reason, actorName: null, cancellationToken);

    /// <summary>As above, naming the person (a token's <c>name</c>) in the audit beside <paramref name="actor"/>.</summary>
    public async Task<ActionOutcome> RedriveAsync(
        DurableTaskClient client, string applicationId, string actor, string? role, string reason, string? actorName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ActionTarget? target = await ActionTarget.LoadAsync(client, applicationId, cancellationToken);
        if (target is null)
        {
            return ActionOutcome.Refuse(ActionRefusal.NotFound(applicationId));
        }

        if (!target.HasFailed)
        {
            return ActionOutcome.Refuse(ActionRefusal.WrongStage(target, Action, "a Failed application (its workflow ended in Failed or broke)"));
        }

        CardApplicationInput input = target.Input;
        int redrive = (input.Resume?.Redrive ?? 0) + 1;
        if (redrive > MaxRedrives)
        {
            return ActionOutcome.Refuse(new ActionRefusal(StatusCodes.Status409Conflict, "redrive-limit", "Re-drive limit reached",
                $"Application '{applicationId}' was re-driven {MaxRedrives} times already; escalate it instead."));
        }

        ResumePoint resume = await ResumePointAsync(target, redrive, cancellationToken);
        string resumeFrom = resume.HasReached(ApplicationStage.Approved) ? "Personalised" : nameof(ApplicationStage.Received);
        AuditEntry? entry = await audit.AppendOnceAsync(
            applicationId,
            $"{Action}-{redrive}",
            new AuditRecord(actor, role ?? "", Action, reason, target.Stage.ToString(), resumeFrom, $"re-drive {redrive} of {MaxRedrives}; resumes at {resumeFrom}", ActorName: actorName),
            cancellationToken);
        if (entry is null)
        {
            return ActionOutcome.Refuse(new ActionRefusal(StatusCodes.Status409Conflict, "redrive-in-progress", "Already being re-driven",
                $"Re-drive {redrive} of application '{applicationId}' was started by someone else a moment ago."));
        }

        // The earlier run is over (completed or failed), so the id is free for the new run. A new run has no history to
        // replay: it starts on the version new instances get, not the one the application started with.
        await client.ScheduleNewOrchestrationInstanceAsync(
            CardApplicationOrchestration.Name,
            input with { Resume = resume, WorkflowVersion = versioning.CurrentValue.OrchestrationVersion },
            new StartOrchestrationOptions(applicationId),
            cancellationToken);
        LogRedriven(log, applicationId, redrive, resumeFrom);
        return new ActionOutcome(entry.AuditId, target.Stage.ToString(), resumeFrom, null);
    }

    /// <summary>What the earlier runs reached, from the timeline (the projection) and the previous resume point.</summary>
    async Task<ResumePoint> ResumePointAsync(ActionTarget target, int redrive, CancellationToken cancellationToken)
    {
        ApplicationView? view = await projection.GetAsync(target.ApplicationId, cancellationToken);
        IReadOnlyList<TimelineEntry> timeline = view?.Timeline ?? [];
        ResumePoint? previous = target.Input.Resume;
        var reached = new HashSet<ApplicationStage>(previous?.Reached ?? []);
        reached.UnionWith(timeline.Select(t => t.Stage));
        reached.Remove(ApplicationStage.Failed);
        string? approvedBy = timeline.LastOrDefault(t => t.Stage == ApplicationStage.Approved && t.Cause != "re-drive")?.Cause ?? previous?.ApprovedBy;
        int sequence = Math.Max(target.Status?.Sequence ?? 0, timeline.Count == 0 ? 0 : timeline.Max(t => t.Sequence));
        return new ResumePoint(redrive, sequence, [.. reached.Order()], approvedBy);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Application {ApplicationId} re-driven ({Redrive}), resuming at {ResumeFrom}")]
    static partial void LogRedriven(ILogger logger, string applicationId, int redrive, string resumeFrom);
}
