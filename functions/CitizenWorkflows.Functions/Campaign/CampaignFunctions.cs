using CitizenWorkflows.Workflow.Campaign.Appointments;
using CitizenWorkflows.Workflow.Campaign.Sessions;
using CitizenWorkflows.Workflow.Campaign.Targets;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Lifecycle;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace CitizenWorkflows.Functions.Campaign;

/// <summary>
/// The campaign's triggers: its HTTP routes (authorised by <c>ApiGateMiddleware</c> from the routes' rules, like every
/// other) and the sweep's timer. The work is done by the shared endpoint classes.
/// </summary>
public sealed class CampaignFunctions(IntakeSessionEndpoints sessions, AppointmentEndpoints appointments, CampaignTargetEndpoints targets, CampaignSweep sweep)
{
    [Function(ApiRoutes.CreateIntakeSession)]
    public Task<IResult> CreateIntakeSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.CampaignSessions)] HttpRequest req, CancellationToken cancellationToken) =>
        sessions.CreateAsync(req, cancellationToken);

    [Function(ApiRoutes.ListIntakeSessions)]
    public Task<IResult> ListIntakeSessions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.CampaignSessions)] HttpRequest req, CancellationToken cancellationToken) =>
        sessions.ListAsync(req, cancellationToken);

    [Function(ApiRoutes.GetIntakeSession)]
    public Task<IResult> GetIntakeSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.CampaignSession)] HttpRequest req, string sessionId, CancellationToken cancellationToken) =>
        sessions.GetAsync(req, sessionId, cancellationToken);

    [Function(ApiRoutes.ChangeIntakeSession)]
    public Task<IResult> ChangeIntakeSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = ApiRoutes.CampaignSession)] HttpRequest req, string sessionId, CancellationToken cancellationToken) =>
        sessions.ChangeAsync(req, sessionId, cancellationToken);

    [Function(ApiRoutes.BookAppointment)]
    public Task<IResult> BookAppointment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.CampaignAppointments)] HttpRequest req, CancellationToken cancellationToken) =>
        appointments.BookAsync(req, cancellationToken);

    [Function(ApiRoutes.GetAppointment)]
    public Task<IResult> GetAppointment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.CampaignAppointment)] HttpRequest req, string appointmentId, CancellationToken cancellationToken) =>
        appointments.GetAsync(req, appointmentId, cancellationToken);

    [Function(ApiRoutes.MoveAppointment)]
    public Task<IResult> MoveAppointment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.CampaignAppointmentMove)] HttpRequest req, string appointmentId, CancellationToken cancellationToken) =>
        appointments.MoveAsync(req, appointmentId, cancellationToken);

    [Function(ApiRoutes.CancelAppointment)]
    public Task<IResult> CancelAppointment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.CampaignAppointmentCancel)] HttpRequest req, string appointmentId, CancellationToken cancellationToken) =>
        appointments.CancelAsync(req, appointmentId, cancellationToken);

    [Function(ApiRoutes.SetCampaignTargets)]
    public Task<IResult> SetCampaignTargets(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = ApiRoutes.CampaignTargets)] HttpRequest req, CancellationToken cancellationToken) =>
        targets.SetAsync(req, cancellationToken);

    [Function(ApiRoutes.GetCampaignProgress)]
    public Task<IResult> GetCampaignProgress(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.CampaignProgress)] HttpRequest req, CancellationToken cancellationToken) =>
        targets.ProgressAsync(req, cancellationToken);

    [Function(ApiRoutes.GetCampaignReport)]
    public Task<IResult> GetCampaignReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.CampaignReport)] HttpRequest req, CancellationToken cancellationToken) =>
        targets.ReportAsync(req, cancellationToken);

    [Function(PolledTriggers.SweepCampaign)]
    public Task SweepCampaign([TimerTrigger(PolledTriggers.SweepCampaignSchedule)] TimerInfo timer, CancellationToken cancellationToken) =>
        sweep.RunAsync(cancellationToken);
}
