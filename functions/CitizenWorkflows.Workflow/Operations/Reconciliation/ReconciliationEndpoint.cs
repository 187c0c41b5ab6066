using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Security;
using Microsoft.AspNetCore.Http;

namespace CitizenWorkflows.Workflow.Operations.Reconciliation;

/// <summary>
/// <c>POST /api/v1/reconciliation/runs</c> asks for a run and answers <c>202</c> at once with the run's URL (409
/// <c>reconciliation-running</c> while another run holds the lock); the run goes on in the background.
/// <c>GET /api/v1/reconciliation/runs/{runId}</c> answers its status while it is queued or running, then its report.
/// Operators only.
/// </summary>
public sealed class ReconciliationEndpoint(ReconciliationLock runLock, ReconciliationRuns runs, ReconciliationReports reports, IReconciliationRunSignal signal)
{
    public async Task<IResult> StartAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        Caller caller = CallerClaims.Of(request);
        if (await runLock.IsHeldAsync(cancellationToken))
        {
            return Problems.Status(StatusCodes.Status409Conflict, "reconciliation-running", "Reconciliation is already running",
                "Another reconciliation run holds the lock; it does the same work. Ask again once it has finished.");
        }

        ReconciliationRunStatus status = await runs.QueueAsync($"operator {caller.Principal}", cancellationToken);
        signal.Requested();
        // The async request pattern, as for applications: poll Location for the status, then the report.
        return Results.Accepted($"/{ApiRoutes.Prefix}/{ApiRoutes.ReconciliationRuns}/{status.RunId}", status);
    }

    public async Task<IResult> GetAsync(HttpRequest request, string runId, CancellationToken cancellationToken)
    {
        if (!ReconciliationReports.IsWellFormedRunId(runId))
        {
            return NotFound(runId);
        }

        // The status first: a run's report is stored just before its lock is let go, and "finished" comes after both.
        ReconciliationRunStatus? status = await runs.ReadAsync(runId, cancellationToken);
        if (status is not null && status.Status != RunStates.Finished)
        {
            return Results.Json(status, System.Text.Json.JsonSerializerOptions.Web);
        }

        return await reports.ReadJsonAsync(runId, cancellationToken) is { } json
            ? Results.Bytes(json.ToArray(), "application/json")
            : NotFound(runId);
    }

    static IResult NotFound(string runId) =>
        Problems.Status(StatusCodes.Status404NotFound, "not-found", "No such reconciliation run", $"There is no reconciliation run '{runId}'.");

}
