using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Operations.Query;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace CitizenWorkflows.Workflow.Operations;

/// <summary>
/// <c>GET /api/v1/applications/{id}</c>: stage, timeline, what the workflow waits for and the due date, read from
/// the Table projection. Who may read which application is the route's rule (<see cref="RouteRules"/>: kiosks their own,
/// area-bound officers their area).
/// </summary>
public sealed class GetApplicationEndpoint(ApplicationProjection projection, TimeProvider clock)
{
    public async Task<IResult> HandleAsync(HttpRequest request, DurableTaskClient client, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!ApplicationIds.IsWellFormed(id))
        {
            return NotFound(id);
        }

        // The projection answers the question; the workflow's own status says whether it is still running or broke.
        Task<OrchestrationMetadata?> instanceTask = client.GetInstanceAsync(id, getInputsAndOutputs: false, cancellationToken);
        ApplicationView? view = await projection.GetAsync(id, cancellationToken);
        OrchestrationMetadata? instance = await instanceTask;
        if (instance?.RuntimeStatus == OrchestrationRuntimeStatus.Failed)
        {
            // Failure details travel with the outputs only.
            instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
        }

        if (view is null)
        {
            // The projection lags the workflow by one activity; the workflow itself is the truth.
            if (instance is null)
            {
                return NotFound(id);
            }

            instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
            if (instance?.ReadInputAs<CardApplicationInput>() is not { } input)
            {
                return NotFound(id);
            }

            view = new ApplicationView(ApplicationSummary.Received(input.Header, clock.GetUtcNow()), []);
        }

        return Results.Json(
            new ApplicationStatusResponse(
                view,
                instance?.RuntimeStatus.ToString() ?? (view.Stage.IsFinal() ? PurgedStatus : "Unknown"),
                instance?.FailureDetails?.ErrorMessage ?? instance?.SerializedOutput,
                view.Timeline),
            JsonSerializerOptions.Web);
    }

    /// <summary>The runtime status shown for an ended application whose workflow housekeeping purged after its retention.</summary>
    public const string PurgedStatus = "Purged";

    internal static IResult NotFound(string id) =>
        Problems.Status(StatusCodes.Status404NotFound, "not-found", "No such application", $"There is no application '{id}'.");
}

/// <summary>
/// The body of the status answer: the application's row (<see cref="ApplicationSummary"/>, flat and first) and
/// then the workflow's runtime status, its failure and the timeline.
/// </summary>
public sealed record ApplicationStatusResponse : ApplicationSummary
{
    /// <summary>For the deserializer.</summary>
    public ApplicationStatusResponse()
    {
    }

    [SetsRequiredMembers]
    public ApplicationStatusResponse(ApplicationSummary row, string runtimeStatus, string? failure, IReadOnlyList<TimelineEntry> timeline)
        : base(row)
    {
        RuntimeStatus = runtimeStatus;
        Failure = failure;
        Timeline = timeline;
    }

    // The serializer writes a derived record's own members before the base's; these go after the row, as they always have.
    [JsonPropertyOrder(1)]
    public required string RuntimeStatus { get; init; }

    [JsonPropertyOrder(2)]
    public string? Failure { get; init; }

    [JsonPropertyOrder(3)]
    public required IReadOnlyList<TimelineEntry> Timeline { get; init; }
}
