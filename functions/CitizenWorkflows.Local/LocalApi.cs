using CitizenWorkflows.Workflow.Callbacks;
using CitizenWorkflows.Workflow.Campaign.Appointments;
using CitizenWorkflows.Workflow.Campaign.Sessions;
using CitizenWorkflows.Workflow.Campaign.Targets;
using CitizenWorkflows.Workflow.Health;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Operations.Actions;
using CitizenWorkflows.Workflow.Operations.Reconciliation;
using CitizenWorkflows.Workflow.Operations.Dashboard;
using CitizenWorkflows.Workflow.Operations.Query;
using CitizenWorkflows.Workflow.Production;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Telemetry;
using Microsoft.DurableTask.Client;

namespace CitizenWorkflows.Local;

/// <summary>
/// Maps the shared endpoint code onto the Local host's routes (the Functions app declares the same on its triggers), each
/// with its authorisation rule from <see cref="RouteRules"/>.
/// </summary>
public static class LocalApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        RouteGroupBuilder api = app.MapGroup("/" + ApiRoutes.Prefix);
        api.MapPost(ApiRoutes.Applications,
                (HttpRequest request, DurableTaskClient client, SubmitApplicationEndpoint endpoint, CancellationToken ct) =>
                    endpoint.HandleAsync(request, client, ct))
            .WithName(ApiRoutes.SubmitApplication).WithRouteRule(ApiRoutes.SubmitApplication);
        api.MapGet(ApiRoutes.Application,
                (HttpRequest request, string id, DurableTaskClient client, GetApplicationEndpoint endpoint, CancellationToken ct) =>
                    endpoint.HandleAsync(request, client, id, ct))
            .WithName(ApiRoutes.GetApplication).WithRouteRule(ApiRoutes.GetApplication);
        api.MapPost(ApiRoutes.ApplicationEvent,
                (HttpRequest request, string id, string eventName, DurableTaskClient client, RaiseApplicationEventEndpoint endpoint, CancellationToken ct) =>
                    endpoint.HandleAsync(request, client, id, eventName, ct))
            .WithName(ApiRoutes.RaiseApplicationEvent).WithRouteRule(ApiRoutes.RaiseApplicationEvent);
        api.MapGet(ApiRoutes.OpenApiDocument, (HttpRequest request) => OpenApiEndpoint.Handle(request))
            .WithName(ApiRoutes.GetOpenApiDocument).WithRouteRule(ApiRoutes.GetOpenApiDocument);
        api.MapPost(ApiRoutes.CardVerification, (HttpRequest request, VerifyCardEndpoint endpoint, CancellationToken ct) => endpoint.HandleAsync(request, ct))
            .WithName(ApiRoutes.VerifyCard).WithRouteRule(ApiRoutes.VerifyCard);
        api.MapPost(ApiRoutes.ApplicationAction,
                (HttpRequest request, string id, string action, DurableTaskClient client, OperatorActionsEndpoint endpoint, CancellationToken ct) =>
                    endpoint.HandleAsync(request, client, id, action, ct))
            .WithName(ApiRoutes.ApplyOperatorAction).WithRouteRule(ApiRoutes.ApplyOperatorAction);
        api.MapGet(ApiRoutes.ApplicationAudit,
                (HttpRequest request, string id, GetApplicationAuditEndpoint endpoint, CancellationToken ct) => endpoint.HandleAsync(request, id, ct))
            .WithName(ApiRoutes.GetApplicationAudit).WithRouteRule(ApiRoutes.GetApplicationAudit);
        api.MapPost(ApiRoutes.ApplicationParts,
                (HttpRequest request, string id, DurableTaskClient client, ResubmitPartsEndpoint endpoint, CancellationToken ct) =>
                    endpoint.HandleAsync(request, client, id, ct))
            .WithName(ApiRoutes.ResubmitParts).WithRouteRule(ApiRoutes.ResubmitParts);
        api.MapPost(ApiRoutes.ReconciliationRuns,
                (HttpRequest request, ReconciliationEndpoint endpoint, CancellationToken ct) => endpoint.StartAsync(request, ct))
            .WithName(ApiRoutes.StartReconciliation).WithRouteRule(ApiRoutes.StartReconciliation);
        api.MapGet(ApiRoutes.ReconciliationRun,
                (HttpRequest request, string runId, ReconciliationEndpoint endpoint, CancellationToken ct) => endpoint.GetAsync(request, runId, ct))
            .WithName(ApiRoutes.GetReconciliationRun).WithRouteRule(ApiRoutes.GetReconciliationRun);
        api.MapGet(ApiRoutes.Applications, (HttpRequest request, ApplicationQueryEndpoints endpoints, CancellationToken ct) => endpoints.ListAsync(request, ct))
            .WithName(ApiRoutes.ListApplications).WithRouteRule(ApiRoutes.ListApplications);
        api.MapGet(ApiRoutes.ApplicationCounts, (HttpRequest request, ApplicationQueryEndpoints endpoints, CancellationToken ct) => endpoints.CountAsync(request, ct))
            .WithName(ApiRoutes.CountApplications).WithRouteRule(ApiRoutes.CountApplications);
        api.MapGet(ApiRoutes.ApplicationDetail,
                (HttpRequest request, string id, DurableTaskClient client, ApplicationQueryEndpoints endpoints, CancellationToken ct) =>
                    endpoints.DetailAsync(request, client, id, ct))
            .WithName(ApiRoutes.GetApplicationDetail).WithRouteRule(ApiRoutes.GetApplicationDetail);
        api.MapGet(ApiRoutes.ApplicationDocument,
                (HttpRequest request, string id, string name, ApplicationQueryEndpoints endpoints, CancellationToken ct) =>
                    endpoints.DocumentAsync(request, id, name, ct))
            .WithName(ApiRoutes.GetApplicationDocument).WithRouteRule(ApiRoutes.GetApplicationDocument);
        api.MapGet(ApiRoutes.Dashboard, (HttpRequest request) => DashboardEndpoint.Handle(request, asset: null))
            .WithName(ApiRoutes.GetDashboard).WithRouteRule(ApiRoutes.GetDashboard);
        api.MapGet(ApiRoutes.DashboardFile, (HttpRequest request, string asset) => DashboardEndpoint.Handle(request, asset))
            .WithName(ApiRoutes.GetDashboardFile).WithRouteRule(ApiRoutes.GetDashboardFile);
        api.MapGet(ApiRoutes.Liveness, HealthEndpoint.Live)
            .WithName(ApiRoutes.GetLiveness).WithRouteRule(ApiRoutes.GetLiveness);
        api.MapGet(ApiRoutes.Readiness, (HealthEndpoint health, CancellationToken ct) => health.ReadyAsync(ct))
            .WithName(ApiRoutes.GetReadiness).WithRouteRule(ApiRoutes.GetReadiness);
        api.MapGet(ApiRoutes.StageTrends, (HttpRequest request, StageTrendsEndpoint endpoint, CancellationToken ct) => endpoint.GetAsync(request, ct))
            .WithName(ApiRoutes.GetStageTrends).WithRouteRule(ApiRoutes.GetStageTrends);
        MapCampaign(api);
    }

    static void MapCampaign(RouteGroupBuilder api)
    {
        api.MapPost(ApiRoutes.CampaignSessions, (HttpRequest request, IntakeSessionEndpoints endpoints, CancellationToken ct) => endpoints.CreateAsync(request, ct))
            .WithName(ApiRoutes.CreateIntakeSession).WithRouteRule(ApiRoutes.CreateIntakeSession);
        api.MapGet(ApiRoutes.CampaignSessions, (HttpRequest request, IntakeSessionEndpoints endpoints, CancellationToken ct) => endpoints.ListAsync(request, ct))
            .WithName(ApiRoutes.ListIntakeSessions).WithRouteRule(ApiRoutes.ListIntakeSessions);
        api.MapGet(ApiRoutes.CampaignSession,
                (HttpRequest request, string sessionId, IntakeSessionEndpoints endpoints, CancellationToken ct) => endpoints.GetAsync(request, sessionId, ct))
            .WithName(ApiRoutes.GetIntakeSession).WithRouteRule(ApiRoutes.GetIntakeSession);
        api.MapPut(ApiRoutes.CampaignSession,
                (HttpRequest request, string sessionId, IntakeSessionEndpoints endpoints, CancellationToken ct) => endpoints.ChangeAsync(request, sessionId, ct))
            .WithName(ApiRoutes.ChangeIntakeSession).WithRouteRule(ApiRoutes.ChangeIntakeSession);
        api.MapPost(ApiRoutes.CampaignAppointments, (HttpRequest request, AppointmentEndpoints endpoints, CancellationToken ct) => endpoints.BookAsync(request, ct))
            .WithName(ApiRoutes.BookAppointment).WithRouteRule(ApiRoutes.BookAppointment);
        api.MapGet(ApiRoutes.CampaignAppointment,
                (HttpRequest request, string appointmentId, AppointmentEndpoints endpoints, CancellationToken ct) => endpoints.GetAsync(request, appointmentId, ct))
            .WithName(ApiRoutes.GetAppointment).WithRouteRule(ApiRoutes.GetAppointment);
        api.MapPost(ApiRoutes.CampaignAppointmentMove,
                (HttpRequest request, string appointmentId, AppointmentEndpoints endpoints, CancellationToken ct) => endpoints.MoveAsync(request, appointmentId, ct))
            .WithName(ApiRoutes.MoveAppointment).WithRouteRule(ApiRoutes.MoveAppointment);
        api.MapPost(ApiRoutes.CampaignAppointmentCancel,
                (HttpRequest request, string appointmentId, AppointmentEndpoints endpoints, CancellationToken ct) => endpoints.CancelAsync(request, appointmentId, ct))
            .WithName(ApiRoutes.CancelAppointment).WithRouteRule(ApiRoutes.CancelAppointment);
        api.MapPut(ApiRoutes.CampaignTargets, (HttpRequest request, CampaignTargetEndpoints endpoints, CancellationToken ct) => endpoints.SetAsync(request, ct))
            .WithName(ApiRoutes.SetCampaignTargets).WithRouteRule(ApiRoutes.SetCampaignTargets);
        api.MapGet(ApiRoutes.CampaignProgress, (HttpRequest request, CampaignTargetEndpoints endpoints, CancellationToken ct) => endpoints.ProgressAsync(request, ct))
            .WithName(ApiRoutes.GetCampaignProgress).WithRouteRule(ApiRoutes.GetCampaignProgress);
        api.MapGet(ApiRoutes.CampaignReport, (HttpRequest request, CampaignTargetEndpoints endpoints, CancellationToken ct) => endpoints.ReportAsync(request, ct))
            .WithName(ApiRoutes.GetCampaignReport).WithRouteRule(ApiRoutes.GetCampaignReport);
    }

    /// <summary>Everything the Local host serves: the API and, outside it, the dashboard's short address.</summary>
    public static void MapAll(IEndpointRouteBuilder app)
    {
        Map(app);
        // The Functions app can only serve the dashboard under its route prefix; here the short address leads there too.
        app.MapGet("/" + ApiRoutes.Dashboard, () => Results.Redirect("/" + ApiRoutes.Prefix + "/" + ApiRoutes.Dashboard)).WithRouteRule(ApiRoutes.GetDashboard);
    }
}
