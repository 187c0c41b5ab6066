using System.Text.Json;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace CitizenWorkflows.Workflow.Operations.Actions;

/// <summary>The application an action is about, as its workflow knows it (the truth, not the projection).</summary>
public sealed record ActionTarget(string ApplicationId, OrchestrationMetadata Instance, CardApplicationInput Input, ApplicationStatus? Status)
{
    public OrchestrationRuntimeStatus RuntimeStatus => Instance.RuntimeStatus;

    /// <summary>The stage an operator sees: the workflow's, or the side state its runtime is in.</summary>
    public ApplicationStage Stage => RuntimeStatus switch
    {
        OrchestrationRuntimeStatus.Terminated => ApplicationStage.Cancelled,
        OrchestrationRuntimeStatus.Suspended => ApplicationStage.Suspended,
        OrchestrationRuntimeStatus.Failed => ApplicationStage.Failed,
        _ => Status?.Stage ?? ApplicationStage.Received,
    };

    /// <summary>Ended in Failed, or the workflow itself broke.</summary>
    public bool HasFailed =>
        RuntimeStatus == OrchestrationRuntimeStatus.Failed
        || (RuntimeStatus == OrchestrationRuntimeStatus.Completed && Status?.Stage == ApplicationStage.Failed);

    /// <summary>
    /// Live: <c>Pending</c> counts, because the provider records <c>Running</c> only with the first checkpoint, and a
    /// workflow whose first checkpoint broke in a storage outage says <c>Pending</c> for the rest of its run.
    /// </summary>
    public bool IsRunning => RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending;

    /// <summary>
    /// The workflow waits for <paramref name="eventName"/>: its custom status says so and its runtime is live. Pending
    /// counts: a started workflow's instance row can be left Pending by a late write (seen after kill -9 runs on
    /// Azurite), and an event raised then is queued all the same; a never-started instance has no custom status.
    /// </summary>
    public bool IsWaitingFor(string eventName) => IsRunning && Status is { } s && s.WaitingFor.Contains(eventName);

    /// <summary>The application, or null when there is none.</summary>
    public static async Task<ActionTarget?> LoadAsync(DurableTaskClient client, string applicationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        OrchestrationMetadata? instance = ApplicationIds.IsWellFormed(applicationId)
            ? await client.GetInstanceAsync(applicationId, getInputsAndOutputs: true, cancellationToken)
            : null;
        if (instance?.ReadInputAs<CardApplicationInput>() is not { } input)
        {
            return null;
        }

        ApplicationStatus? status = instance.SerializedCustomStatus is { } json
            ? JsonSerializer.Deserialize<ApplicationStatus>(json, JsonSerializerOptions.Web)
            : null;
        return new ActionTarget(applicationId, instance, input, status);
    }
}

/// <summary>Why an action was refused, as the problem the API answers with.</summary>
public sealed record ActionRefusal(int Status, string Slug, string Title, string Detail)
{
    public IResult ToResult() => Problems.Status(Status, Slug, Title, Detail);

    public static ActionRefusal NotFound(string applicationId) =>
        new(StatusCodes.Status404NotFound, "not-found", "No such application", $"There is no application '{applicationId}'.");

    /// <summary>
    /// No workflow to act on: 409 when the projection shows the application ended (its workflow completed and was
    /// purged by housekeeping), 404 when there is no such application at all.
    /// </summary>
    public static async Task<ActionRefusal> AbsentAsync(ApplicationProjection projection, string applicationId, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(projection);
        return ApplicationIds.IsWellFormed(applicationId) && await projection.GetAsync(applicationId, cancellationToken) is { } view && view.Stage.IsFinal()
            ? new(StatusCodes.Status409Conflict, "wrong-stage", "Not possible in the application's current stage",
                $"Application '{applicationId}' ended as {view.Stage} and its workflow's runtime state was purged; '{action}' needs a workflow that has not ended.")
            : NotFound(applicationId);
    }

    /// <summary>409 naming the current stage and what the action needs.</summary>
    public static ActionRefusal WrongStage(ActionTarget target, string action, string needs)
    {
        ArgumentNullException.ThrowIfNull(target);
        string waiting = target.Status is { WaitingFor.Count: > 0 } s ? $", waiting for {string.Join(", ", s.WaitingFor)}" : "";
        return new(StatusCodes.Status409Conflict, "wrong-stage", "Not possible in the application's current stage",
            $"Application '{target.ApplicationId}' is {target.Stage} ({target.RuntimeStatus}{waiting}); '{action}' needs {needs}.");
    }
}

/// <summary>What an action did: its audit entry and the stages before and (when known) after; or why it was refused.</summary>
public sealed record ActionOutcome(string? AuditId, string? StageBefore, string? StageAfter, ActionRefusal? Refusal)
{
    public static ActionOutcome Refuse(ActionRefusal refusal) => new(null, null, null, refusal);
}
