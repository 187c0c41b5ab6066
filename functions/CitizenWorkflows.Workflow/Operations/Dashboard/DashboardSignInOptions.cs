namespace CitizenWorkflows.Workflow.Operations.Dashboard;

/// <summary>
/// Configuration section <c>Dashboard:SignIn</c>: how the dashboard signs an operator in (authorization code + PKCE,
/// a public client). Served to the page as <c>/api/dashboard/sign-in.json</c>; nothing in it is secret.
/// </summary>
public sealed class DashboardSignInOptions
{
    public const string SectionName = "Dashboard:SignIn";

    /// <summary>The provider's issuer; empty: the API's own (<c>Security:OpenIdConnect:Authority</c>).</summary>
    public string? Authority { get; set; }

    /// <summary>The dashboard's client id (Entra ID: the single-page-application registration's).</summary>
    public string? ClientId { get; set; }

    /// <summary>The scopes asked for; with Entra ID, the API's scope (e.g. <c>openid
    /// api://citizenworkflows/Operations</c>), so the token's audience is the API.</summary>
    public string Scope { get; set; } = "openid";
}
