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

    /// <summary>The operators' page and its script and style (under the prefix: the Functions app serves nothing outside it).</summary>
    public const string Dashboard = "dashboard";
    public const string DashboardFile = "dashboard/{asset}";

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

    public static readonly IReadOnlyList<ApiRoute> All =
    [
        new(SubmitApplication, "POST", Applications),
        new(GetApplication, "GET", Application),
        new(RaiseApplicationEvent, "POST", ApplicationEvent),
        new(GetOpenApiDocument, "GET", OpenApiDocument),
        new(VerifyCard, "POST", CardVerification),
        new(ApplyOperatorAction, "POST", ApplicationAction),
        new(GetApplicationAudit, "GET", ApplicationAudit),
        new(ResubmitParts, "POST", ApplicationParts),
        new(StartReconciliation, "POST", ReconciliationRuns),
        new(GetReconciliationRun, "GET", ReconciliationRun),
        new(ListApplications, "GET", Applications),
        new(CountApplications, "GET", ApplicationCounts),
        new(GetApplicationDetail, "GET", ApplicationDetail),
        new(GetApplicationDocument, "GET", ApplicationDocument),
        new(GetDashboard, "GET", Dashboard),
        new(GetDashboardFile, "GET", DashboardFile),
    ];

    public static string StatusUrl(string applicationId) => $"/{Prefix}/v1/applications/{applicationId}";
}

/// <summary>One HTTP endpoint: its function name, method and route (without the <c>api/</c> prefix).</summary>
public sealed record ApiRoute(string Name, string Method, string Route);
