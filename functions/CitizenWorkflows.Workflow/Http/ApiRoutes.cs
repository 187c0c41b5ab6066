namespace CitizenWorkflows.Workflow.Http;

/// <summary>The API's routes, written once: the Local host maps them, the Functions app declares them on its triggers.</summary>
public static class ApiRoutes
{
    /// <summary>The Functions host's default route prefix; the Local host adds it itself.</summary>
    public const string Prefix = "api";

    public const string Applications = "v1/applications";
    public const string Application = "v1/applications/{id}";
    public const string ApplicationEvent = "v1/applications/{id}/events/{eventName}";
    public const string OpenApiDocument = "v1/openapi.json";
    public const string CardVerification = "v1/cards/verify";
    public const string ApplicationAction = "v1/applications/{id}/actions/{action}";
    public const string ApplicationAudit = "v1/applications/{id}/audit";
    public const string ApplicationParts = "v1/applications/{id}/parts";
    public const string ReconciliationRuns = "v1/reconciliation/runs";
    public const string ReconciliationRun = "v1/reconciliation/runs/{runId}";
    public const string ApplicationCounts = "v1/application-counts";
    public const string ApplicationDetail = "v1/applications/{id}/detail";
    public const string ApplicationDocument = "v1/applications/{id}/documents/{name}";
    public const string StageTrends = "v1/stage-trends";

    /// <summary>The operators' page and its script and style (under the prefix: the Functions app serves nothing outside it).</summary>
    public const string Dashboard = "dashboard";
    public const string DashboardFile = "dashboard/{asset}";
    public const string Liveness = "v1/health/live";
    public const string CampaignSessions = "v1/campaign/sessions";
    public const string CampaignSession = "v1/campaign/sessions/{sessionId}";
    public const string CampaignAppointments = "v1/campaign/appointments";
    public const string CampaignAppointment = "v1/campaign/appointments/{appointmentId}";
    public const string CampaignAppointmentMove = "v1/campaign/appointments/{appointmentId}/move";
    public const string CampaignAppointmentCancel = "v1/campaign/appointments/{appointmentId}/cancel";
    public const string CampaignTargets = "v1/campaign/targets";
    public const string CampaignProgress = "v1/campaign/progress";
    public const string CampaignReport = "v1/campaign/report";
    public const string Readiness = "v1/health/ready";

    public const string SubmitApplication = nameof(SubmitApplication);
    public const string GetApplication = nameof(GetApplication);
    public const string RaiseApplicationEvent = nameof(RaiseApplicationEvent);
    public const string GetOpenApiDocument = nameof(GetOpenApiDocument);
    public const string VerifyCard = nameof(VerifyCard);
    public const string ApplyOperatorAction = nameof(ApplyOperatorAction);
    public const string GetApplicationAudit = nameof(GetApplicationAudit);
    public const string ResubmitParts = nameof(ResubmitParts);
    public const string StartReconciliation = nameof(StartReconciliation);
    public const string GetReconciliationRun = nameof(GetReconciliationRun);
    public const string ListApplications = nameof(ListApplications);
    public const string CountApplications = nameof(CountApplications);
    public const string GetApplicationDetail = nameof(GetApplicationDetail);
    public const string GetApplicationDocument = nameof(GetApplicationDocument);
    public const string GetDashboard = nameof(GetDashboard);
    public const string GetDashboardFile = nameof(GetDashboardFile);
    public const string GetLiveness = nameof(GetLiveness);
    public const string GetReadiness = nameof(GetReadiness);
    public const string CreateIntakeSession = nameof(CreateIntakeSession);
    public const string ListIntakeSessions = nameof(ListIntakeSessions);
    public const string GetIntakeSession = nameof(GetIntakeSession);
    public const string ChangeIntakeSession = nameof(ChangeIntakeSession);
    public const string BookAppointment = nameof(BookAppointment);
    public const string GetAppointment = nameof(GetAppointment);
    public const string MoveAppointment = nameof(MoveAppointment);
    public const string CancelAppointment = nameof(CancelAppointment);
    public const string SetCampaignTargets = nameof(SetCampaignTargets);
    public const string GetCampaignProgress = nameof(GetCampaignProgress);
    public const string GetCampaignReport = nameof(GetCampaignReport);
    public const string GetStageTrends = nameof(GetStageTrends);

    public static readonly IReadOnlyList<ApiRoute> All =
    [
        new(SubmitApplication, "POST", Applications, ApiTags.Intake),
        new(GetApplication, "GET", Application, ApiTags.Intake),
        new(RaiseApplicationEvent, "POST", ApplicationEvent, ApiTags.Partners),
        new(GetOpenApiDocument, "GET", OpenApiDocument, ApiTags.Contract),
        new(VerifyCard, "POST", CardVerification, ApiTags.Cards),
        new(ApplyOperatorAction, "POST", ApplicationAction, ApiTags.Operations),
        new(GetApplicationAudit, "GET", ApplicationAudit, ApiTags.Operations),
        new(ResubmitParts, "POST", ApplicationParts, ApiTags.Intake),
        new(StartReconciliation, "POST", ReconciliationRuns, ApiTags.Operations),
        new(GetReconciliationRun, "GET", ReconciliationRun, ApiTags.Operations),
        new(ListApplications, "GET", Applications, ApiTags.Operations),
        new(CountApplications, "GET", ApplicationCounts, ApiTags.Operations),
        new(GetApplicationDetail, "GET", ApplicationDetail, ApiTags.Operations),
        new(GetApplicationDocument, "GET", ApplicationDocument, ApiTags.Operations),
        new(GetDashboard, "GET", Dashboard, ApiTags.Operations),
        new(GetDashboardFile, "GET", DashboardFile, ApiTags.Operations),
        new(GetLiveness, "GET", Liveness, ApiTags.Health),
        new(GetReadiness, "GET", Readiness, ApiTags.Health),
        new(CreateIntakeSession, "POST", CampaignSessions, ApiTags.Campaign),
        new(ListIntakeSessions, "GET", CampaignSessions, ApiTags.Campaign),
        new(GetIntakeSession, "GET", CampaignSession, ApiTags.Campaign),
        new(ChangeIntakeSession, "PUT", CampaignSession, ApiTags.Campaign),
        new(BookAppointment, "POST", CampaignAppointments, ApiTags.Campaign),
        new(GetAppointment, "GET", CampaignAppointment, ApiTags.Campaign),
        new(MoveAppointment, "POST", CampaignAppointmentMove, ApiTags.Campaign),
        new(CancelAppointment, "POST", CampaignAppointmentCancel, ApiTags.Campaign),
        new(SetCampaignTargets, "PUT", CampaignTargets, ApiTags.Campaign),
        new(GetCampaignProgress, "GET", CampaignProgress, ApiTags.Campaign),
        new(GetCampaignReport, "GET", CampaignReport, ApiTags.Campaign),
        new(GetStageTrends, "GET", StageTrends, ApiTags.Operations),
    ];

    static readonly Dictionary<string, string> tags = All.ToDictionary(r => r.Name, r => r.Tag, StringComparer.Ordinal);

    /// <summary>The API area (tag) of the route named <paramref name="name"/>.</summary>
    public static string TagOf(string name) =>
        tags.TryGetValue(name, out string? tag) ? tag : throw new ArgumentException($"No route is named '{name}'.", nameof(name));

    public static string StatusUrl(string applicationId) => $"/{Prefix}/v1/applications/{applicationId}";
}

/// <summary>One HTTP endpoint: its function name, method, route (without the <c>api/</c> prefix) and the API area it belongs to.</summary>
public sealed record ApiRoute(string Name, string Method, string Route, string Tag);

/// <summary>The API's areas, the OpenAPI document's tags.</summary>
public static class ApiTags
{
    /// <summary>Kiosks' signed submissions and the status their submitter polls.</summary>
    public const string Intake = "intake";

    /// <summary>Officers and supervisors: lists, counts, detail, documents, audit, actions, reconciliation, the dashboard.</summary>
    public const string Operations = "operations";

    /// <summary>Events into a waiting workflow: partners' callbacks and officers' decisions.</summary>
    public const string Partners = "partners";

    /// <summary>Verification of a card's signed chip data.</summary>
    public const string Cards = "cards";

    /// <summary>Liveness and readiness for platform probes.</summary>
    public const string Health = "health";

    /// <summary>The campaign: intake sessions, appointments, targets and progress.</summary>
    public const string Campaign = "campaign";

    /// <summary>The OpenAPI document itself.</summary>
    public const string Contract = "contract";
}
