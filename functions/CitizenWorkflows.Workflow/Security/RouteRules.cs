using CitizenWorkflows.Workflow.Http;

namespace CitizenWorkflows.Workflow.Security;

/// <summary>How a route's caller proves who they are.</summary>
public enum RouteAccess
{
    /// <summary>No caller: the route serves nothing that needs one (the dashboard's static page).</summary>
    Anonymous,

    /// <summary>An authenticated caller (<see cref="RouteRules.Schemes"/>) whose role is one of the rule's roles: the
    /// route's policy.</summary>
    Policy,

    /// <summary>
    /// A registered kiosk's HMAC signature over the exact body bytes (Kiosks/KioskRequestAuthenticator), verified by the
    /// route's endpoint once it has read the body, the only place the signed bytes exist.
    /// </summary>
    KioskSignature,
}

/// <summary>Which part of the country's applications a caller of the route may reach.</summary>
public enum AreaRule
{
    /// <summary>Not bound to an application (a partner's or the national operators' route).</summary>
    None,

    /// <summary>
    /// The application <c>{id}</c>: an area-bound officer only inside their area, a kiosk only its own applications
    /// (<see cref="ApplicationAreaRequirement"/>); other roles are not area-bound.
    /// </summary>
    Application,

    /// <summary>Decided per event (the roles its stage declares, <c>Callbacks/CallbackEvents</c>): its roles, then the
    /// officer's area as for <see cref="Application"/>.</summary>
    PerEvent,

    /// <summary>A search: an area-bound officer's list and counts are limited to their area (the query adds it).</summary>
    ScopedQuery,

    /// <summary>
    /// The campaign's sessions and appointments: an area-bound officer reaches only those whose place lies in their area,
    /// checked by the endpoint against the session's place (given in the body, or stored), answered 403 <c>area-not-allowed</c>.
    /// </summary>
    CampaignPlace,

    /// <summary>Intake: a fixed kiosk takes residents of its province only (Kiosks/KioskArea); parts only for its own
    /// or its province's applications.</summary>
    KioskArea,
}

/// <summary>One route's authorisation: how the caller authenticates, which roles may call it, which applications they reach.</summary>
/// <param name="AuditsAreaRefusals">An area refusal is appended to the application's operations audit (operator actions).</param>
public sealed record RouteRule(string Route, RouteAccess Access, IReadOnlyList<string> Roles, AreaRule Area, bool AuditsAreaRefusals = false)
{
    /// <summary>The route's policy name (ASP.NET Core authorization): the route name itself.</summary>
    public string Policy => Route;
}

/// <summary>
/// Every route's authorisation, declared once, keyed by the route names of <see cref="ApiRoutes"/>. Both hosts read
/// it: the Local host puts each rule's policy on its endpoint, the Functions app evaluates the same policy in a worker
/// middleware by function name. A route missing here is refused by both (and fails the route-rule test).
/// </summary>
public static class RouteRules
{
    /// <summary>The authentication schemes the policies accept: OpenID Connect bearer tokens, and API keys.</summary>
    public static readonly IReadOnlyList<string> Schemes = [OpenIdConnectBearer.SchemeName, ApiKeyAuthenticationHandler.SchemeName];

    static readonly string[] Readers = [Security.Roles.Operator, Security.Roles.Supervisor];

    public static readonly IReadOnlyDictionary<string, RouteRule> All = new RouteRule[]
    {
        new(ApiRoutes.SubmitApplication, RouteAccess.KioskSignature, [Security.Roles.Kiosk], AreaRule.KioskArea),
        new(ApiRoutes.ResubmitParts, RouteAccess.KioskSignature, [Security.Roles.Kiosk], AreaRule.KioskArea),
        new(ApiRoutes.GetApplication, RouteAccess.Policy, [.. Readers, Security.Roles.Kiosk], AreaRule.Application),
        // Every role may name an event: an unknown one is answered 409 unknown-event; a known one checks its own roles.
        new(ApiRoutes.RaiseApplicationEvent, RouteAccess.Policy, [.. Security.Roles.All], AreaRule.PerEvent),
        new(ApiRoutes.GetOpenApiDocument, RouteAccess.Policy, [.. Security.Roles.All], AreaRule.None),
        new(ApiRoutes.VerifyCard, RouteAccess.Policy, [Security.Roles.Operator, Security.Roles.PrintCentre], AreaRule.None),
        new(ApiRoutes.ApplyOperatorAction, RouteAccess.Policy, [Security.Roles.Operator], AreaRule.Application, AuditsAreaRefusals: true),
        new(ApiRoutes.GetApplicationAudit, RouteAccess.Policy, Readers, AreaRule.Application),
        // Reconciliation compares and repairs the whole country: operators, as before; an area-bound officer may start it too.
        new(ApiRoutes.StartReconciliation, RouteAccess.Policy, [Security.Roles.Operator], AreaRule.None),
        new(ApiRoutes.GetReconciliationRun, RouteAccess.Policy, Readers, AreaRule.None),
        new(ApiRoutes.ListApplications, RouteAccess.Policy, Readers, AreaRule.ScopedQuery),
        new(ApiRoutes.CountApplications, RouteAccess.Policy, Readers, AreaRule.ScopedQuery),
        new(ApiRoutes.GetApplicationDetail, RouteAccess.Policy, Readers, AreaRule.Application),
        new(ApiRoutes.GetApplicationDocument, RouteAccess.Policy, Readers, AreaRule.Application),
        // The page and its assets carry no data; every figure on it comes from the API with the operator's key.
        new(ApiRoutes.GetDashboard, RouteAccess.Anonymous, [], AreaRule.None),
        new(ApiRoutes.GetDashboardFile, RouteAccess.Anonymous, [], AreaRule.None),
        // Platform probes (App Service health check, container orchestrators) call without credentials.
        new(ApiRoutes.GetLiveness, RouteAccess.Anonymous, [], AreaRule.None),
        new(ApiRoutes.GetReadiness, RouteAccess.Anonymous, [], AreaRule.None),
        // The campaign: officers plan and book in their area; supervisors read.
        new(ApiRoutes.CreateIntakeSession, RouteAccess.Policy, [Security.Roles.Operator], AreaRule.CampaignPlace),
        new(ApiRoutes.ChangeIntakeSession, RouteAccess.Policy, [Security.Roles.Operator], AreaRule.CampaignPlace),
        new(ApiRoutes.ListIntakeSessions, RouteAccess.Policy, Readers, AreaRule.CampaignPlace),
        new(ApiRoutes.GetIntakeSession, RouteAccess.Policy, Readers, AreaRule.CampaignPlace),
        new(ApiRoutes.BookAppointment, RouteAccess.Policy, [Security.Roles.Operator], AreaRule.CampaignPlace),
        new(ApiRoutes.GetAppointment, RouteAccess.Policy, Readers, AreaRule.CampaignPlace),
        new(ApiRoutes.MoveAppointment, RouteAccess.Policy, [Security.Roles.Operator], AreaRule.CampaignPlace),
        new(ApiRoutes.CancelAppointment, RouteAccess.Policy, [Security.Roles.Operator], AreaRule.CampaignPlace),
        new(ApiRoutes.SetCampaignTargets, RouteAccess.Policy, [Security.Roles.Operator], AreaRule.CampaignPlace),
        new(ApiRoutes.GetCampaignProgress, RouteAccess.Policy, Readers, AreaRule.CampaignPlace),
        new(ApiRoutes.GetCampaignReport, RouteAccess.Policy, Readers, AreaRule.CampaignPlace),
        // The dashboard's trends: counts per day and stage durations, of the caller's province when bound to one.
        new(ApiRoutes.GetStageTrends, RouteAccess.Policy, Readers, AreaRule.ScopedQuery),
    }.ToDictionary(r => r.Route, StringComparer.Ordinal);

    /// <summary>The rule of <paramref name="route"/>; a route without one is a programming error, refused rather than served.</summary>
    public static RouteRule For(string route) =>
        All.TryGetValue(route, out RouteRule? rule)
            ? rule
            : throw new InvalidOperationException($"Route '{route}' has no authorization rule in {nameof(RouteRules)}.");
}
