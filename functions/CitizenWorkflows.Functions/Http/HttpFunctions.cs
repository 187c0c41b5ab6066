using CitizenWorkflows.Workflow.Callbacks;
using CitizenWorkflows.Workflow.Health;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Operations.Actions;
using CitizenWorkflows.Workflow.Operations.Reconciliation;
using CitizenWorkflows.Workflow.Operations.Dashboard;
using CitizenWorkflows.Workflow.Operations.Query;
using CitizenWorkflows.Workflow.Production;
using CitizenWorkflows.Workflow.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CitizenWorkflows.Functions.Http;

/// <summary>
/// The API's triggers: names, routes and methods from <see cref="ApiRoutes"/>, the work done by the shared endpoint
/// classes. Anonymous at the host: <see cref="ApiGateMiddleware"/> authenticates and authorises each call by its route's
/// rule (Workflow/Security/RouteRules) before the function runs. The ASP.NET Core integration
/// executes a returned <see cref="IResult"/> against the request's <see cref="HttpContext"/>.
/// </summary>
public sealed class HttpFunctions(
    SubmitApplicationEndpoint submitApplication,
    GetApplicationEndpoint getApplication,
    RaiseApplicationEventEndpoint raiseApplicationEvent,
    VerifyCardEndpoint verifyCard,
    OperatorActionsEndpoint operatorActions,
    GetApplicationAuditEndpoint applicationAudit,
    ResubmitPartsEndpoint resubmitParts,
    ReconciliationEndpoint reconciliation,
    ApplicationQueryEndpoints applicationQueries,
    HealthEndpoint health,
    StageTrendsEndpoint stageTrends)
{
    [Function(ApiRoutes.GetStageTrends)]
    public Task<IResult> GetStageTrends(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.StageTrends)] HttpRequest req,
        CancellationToken cancellationToken) =>
        stageTrends.GetAsync(req, cancellationToken);

    [Function(ApiRoutes.SubmitApplication)]
    public Task<IResult> SubmitApplication(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.Applications)] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        submitApplication.HandleAsync(req, client, cancellationToken);

    [Function(ApiRoutes.GetApplication)]
    public Task<IResult> GetApplication(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Application)] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string id,
        CancellationToken cancellationToken) =>
        getApplication.HandleAsync(req, client, id, cancellationToken);

    [Function(ApiRoutes.RaiseApplicationEvent)]
    public Task<IResult> RaiseApplicationEvent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.ApplicationEvent)] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string id,
        string eventName,
        CancellationToken cancellationToken) =>
        raiseApplicationEvent.HandleAsync(req, client, id, eventName, cancellationToken);

    [Function(ApiRoutes.GetOpenApiDocument)]
    public static IResult GetOpenApiDocument(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.OpenApiDocument)] HttpRequest req) =>
        OpenApiEndpoint.Handle(req);

    [Function(ApiRoutes.GetLiveness)]
    public static IResult GetLiveness(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Liveness)] HttpRequest req) =>
        HealthEndpoint.Live();

    [Function(ApiRoutes.GetReadiness)]
    public Task<IResult> GetReadiness(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Readiness)] HttpRequest req,
        CancellationToken cancellationToken) =>
        health.ReadyAsync(cancellationToken);

    [Function(ApiRoutes.VerifyCard)]
    public Task<IResult> VerifyCard(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.CardVerification)] HttpRequest req,
        CancellationToken cancellationToken) =>
        verifyCard.HandleAsync(req, cancellationToken);

    [Function(ApiRoutes.ApplyOperatorAction)]
    public Task<IResult> ApplyOperatorAction(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.ApplicationAction)] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string id,
        string action,
        CancellationToken cancellationToken) =>
        operatorActions.HandleAsync(req, client, id, action, cancellationToken);

    [Function(ApiRoutes.GetApplicationAudit)]
    public Task<IResult> GetApplicationAudit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.ApplicationAudit)] HttpRequest req,
        string id,
        CancellationToken cancellationToken) =>
        applicationAudit.HandleAsync(req, id, cancellationToken);

    [Function(ApiRoutes.ResubmitParts)]
    public Task<IResult> ResubmitParts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.ApplicationParts)] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string id,
        CancellationToken cancellationToken) =>
        resubmitParts.HandleAsync(req, client, id, cancellationToken);

    [Function(ApiRoutes.StartReconciliation)]
    public Task<IResult> StartReconciliation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.ReconciliationRuns)] HttpRequest req,
        CancellationToken cancellationToken) =>
        reconciliation.StartAsync(req, cancellationToken);

    [Function(ApiRoutes.GetReconciliationRun)]
    public Task<IResult> GetReconciliationRun(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.ReconciliationRun)] HttpRequest req,
        string runId,
        CancellationToken cancellationToken) =>
        reconciliation.GetAsync(req, runId, cancellationToken);

    [Function(ApiRoutes.ListApplications)]
    public Task<IResult> ListApplications(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Applications)] HttpRequest req,
        CancellationToken cancellationToken) =>
        applicationQueries.ListAsync(req, cancellationToken);

    [Function(ApiRoutes.CountApplications)]
    public Task<IResult> CountApplications(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.ApplicationCounts)] HttpRequest req,
        CancellationToken cancellationToken) =>
        applicationQueries.CountAsync(req, cancellationToken);

    [Function(ApiRoutes.GetApplicationDetail)]
    public Task<IResult> GetApplicationDetail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.ApplicationDetail)] HttpRequest req,
        [DurableClient] DurableTaskClient client,
        string id,
        CancellationToken cancellationToken) =>
        applicationQueries.DetailAsync(req, client, id, cancellationToken);

    [Function(ApiRoutes.GetApplicationDocument)]
    public Task<IResult> GetApplicationDocument(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.ApplicationDocument)] HttpRequest req,
        string id,
        string name,
        CancellationToken cancellationToken) =>
        applicationQueries.DocumentAsync(req, id, name, cancellationToken);

    /// <summary>The dashboard's page; anonymous on purpose (no data in it: see <see cref="DashboardEndpoint"/>).</summary>
    [Function(ApiRoutes.GetDashboard)]
    public static IResult GetDashboard(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Dashboard)] HttpRequest req) =>
        DashboardEndpoint.Handle(req, asset: null);

    /// <summary>The dashboard's script and style.</summary>
    [Function(ApiRoutes.GetDashboardFile)]
    public static IResult GetDashboardFile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.DashboardFile)] HttpRequest req,
        string asset) =>
        DashboardEndpoint.Handle(req, asset);
}
