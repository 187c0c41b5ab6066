using System.Diagnostics;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Operations.Actions;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;
using CitizenWorkflows.Workflow.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Workflow.Callbacks;

/// <summary>
/// <c>POST /api/v1/applications/{id}/events/{eventName}</c>: an officer, the print centre or the courier reports an
/// event. It is delivered only when the workflow is waiting for exactly that event; otherwise 409. Who may send
/// which event, on which application, is the route's rule (<see cref="RouteRules"/>, per <see cref="CallbackEvent"/>); each
/// stage declares the events it waits for and how their bodies read (<see cref="CallbackEventServices.AddCallbackEvents"/>).
/// </summary>
public sealed partial class RaiseApplicationEventEndpoint(
    CallbackEvents events, ApplicationProjection projection, WorkflowMetrics metrics, ILogger<RaiseApplicationEventEndpoint> log)
{
    const long MaxBodyBytes = 16 * 1024;

    public async Task<IResult> HandleAsync(
        HttpRequest request, DurableTaskClient client, string id, string eventName, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        // Under the request's span, which continues the partner's traceparent (the work order's): one trace per application.
        using Activity? span = WorkflowTelemetry.Source.StartActivity("callback " + (events.All.ContainsKey(eventName) ? eventName : "unknown"));
        span?.SetTag("application.id", id);
        using IDisposable? scope = LogScopes.Application(log, id);
        IResult answer = await AnswerAsync(request, client, id, eventName, cancellationToken);
        string outcome = answer is IStatusCodeHttpResult { StatusCode: StatusCodes.Status202Accepted } ? "raised" : "refused";
        span?.SetTag("callback.outcome", outcome);
        metrics.Callback(events.All.ContainsKey(eventName) ? eventName : "unknown", outcome,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return answer;
    }

    async Task<IResult> AnswerAsync(
        HttpRequest request, DurableTaskClient client, string id, string eventName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!events.All.TryGetValue(eventName, out CallbackEvent? definition))
        {
            // Only an authenticated caller gets here (the route's rule), so an anonymous one learns nothing about the API.
            return Problems.Status(StatusCodes.Status409Conflict, "unknown-event", "Unknown event",
                    $"'{eventName}' is not an event of this workflow; known events: {string.Join(", ", events.All.Keys)}.");
        }

        Caller caller = CallerClaims.Of(request);

        (CallbackBody? body, IResult? problem) = await RequestBody.ReadJsonAsync<CallbackBody>(request, MaxBodyBytes, allowEmpty: true, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new List<FieldError>();
        object? payload = definition.ToPayload(body!, caller, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (await ActionTarget.LoadAsync(client, id, cancellationToken) is not { } target)
        {
            // A workflow purged after it completed (housekeeping) leaves its projection: answered like any ended one.
            return await projection.GetAsync(id, cancellationToken) is { } ended && ended.Stage.IsFinal()
                ? WrongStage(id, ended.Stage, GetApplicationEndpoint.PurgedStatus, [], eventName)
                : GetApplicationEndpoint.NotFound(id);
        }

        ApplicationStatus? status = target.Status;
        if (!target.IsWaitingFor(eventName) || status is null)
        {
            return WrongStage(id, status?.Stage, target.RuntimeStatus.ToString(), status?.WaitingFor ?? [], eventName);
        }

        await client.RaiseEventAsync(id, eventName, payload, cancellationToken);
        LogRaised(log, eventName, id, caller.Role);
        return Results.Accepted(ApiRoutes.StatusUrl(id), new EventAccepted(id, eventName, status.Stage.ToString()));
    }

    static IResult WrongStage(string id, ApplicationStage? stage, string runtimeStatus, IReadOnlyList<string> waitingFor, string eventName)
    {
        string waiting = waitingFor.Count == 0 ? "nothing" : string.Join(", ", waitingFor);
        // Stage and waited-for events also as members, so a partner can tell "too early" from "already answered".
        return Problems.Status(StatusCodes.Status409Conflict, "wrong-stage", "The application is not waiting for this event",
            $"Application '{id}' is {stage?.ToString() ?? "starting"} ({runtimeStatus}) and waits for {waiting}, not '{eventName}'.",
            new Dictionary<string, object?>
            {
                ["stage"] = stage?.ToString(),
                ["runtimeStatus"] = runtimeStatus,
                ["waitingFor"] = waitingFor,
            });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventName} raised on application {ApplicationId} by a {Role}")]
    static partial void LogRaised(ILogger logger, string eventName, string applicationId, string role);
}

/// <summary>The 202 answer to an event.</summary>
public sealed record EventAccepted(string ApplicationId, string Event, string Stage);
