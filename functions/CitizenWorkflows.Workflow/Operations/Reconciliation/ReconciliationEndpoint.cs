using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace CitizenWorkflows.Workflow.Operations.Reconciliation;

/// <summary>
/// <c>POST /api/v1/reconciliation/runs</c> runs reconciliation now and answers its summary (409 <c>reconciliation-running</c>
/// while another run holds the lock); <c>GET /api/v1/reconciliation/runs/{runId}</c> answers a stored report. Operators only.
/// </summary>
public sealed class ReconciliationEndpoint(Reconciler reconciler, ReconciliationReports reports)
{
    public async Task<IResult> StartAsync(HttpRequest request, DurableTaskClient client, CancellationToken cancellationToken)
    {
        Caller caller = CallerClaims.Of(request);

        ReconciliationReport? report = await reconciler.TryRunAsync(client, $"operator {caller.Principal}", cancellationToken);
        return report is null
            ? Problems.Status(StatusCodes.Status409Conflict, "reconciliation-running", "Reconciliation is already running",
                "Another reconciliation run holds the lock; it does the same work. Ask again once it has finished.")
            : Results.Json(ReconciliationSummary.Of(report), System.Text.Json.JsonSerializerOptions.Web, statusCode: StatusCodes.Status200OK);
    }

    public async Task<IResult> GetAsync(HttpRequest request, string runId, CancellationToken cancellationToken)
    {
        BinaryData? json = ReconciliationReports.IsWellFormedRunId(runId) ? await reports.ReadJsonAsync(runId, cancellationToken) : null;
        return json is null
            ? Problems.Status(StatusCodes.Status404NotFound, "not-found", "No such reconciliation run", $"There is no reconciliation report '{runId}'.")
            : Results.Bytes(json.ToArray(), "application/json");
    }
}
