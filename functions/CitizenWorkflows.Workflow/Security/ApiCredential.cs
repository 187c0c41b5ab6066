namespace CitizenWorkflows.Workflow.Security;

/// <summary>
/// Configuration section <c>Security</c>: the API keys and the role each one carries. Keys come from the
/// environment, user secrets or Key Vault, never from files in the repository. People (officers, supervisors) have no
/// keys: they sign in with OpenID Connect (<see cref="OpenIdConnectOptions"/>); so do partners, unless
/// <see cref="PartnerApiKeys"/> keeps their keys during a migration. Kiosks, unattended devices, keep theirs.
/// </summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Security";

    public const string ApiKeyHeader = "X-Api-Key";

    public IList<ApiCredential> ApiKeys { get; } = [];

    /// <summary>Accept API keys of partner systems (print centre, courier, matcher) besides their tokens; off by default.</summary>
    public bool PartnerApiKeys { get; set; }
}

/// <summary>One API key: who holds it (a kiosk id, or a partner name while <see cref="SecurityOptions.PartnerApiKeys"/>
/// is on) and in which role.</summary>
public sealed record ApiCredential
{
    public string Key { get; init; } = "";

    public string Role { get; init; } = "";

    public string Principal { get; init; } = "";

    public string? Province { get; init; }

    /// <summary>For officers of a district: its code (they act only on applications of that district).</summary>
    public string? District { get; init; }

    /// <summary>For officers of a commune: its code (they act only on applications taken in that commune).</summary>
    public string? Commune { get; init; }
}

/// <summary>The authenticated caller of one request; an officer's area is its province, district and commune (null: any).</summary>
/// <param name="Principal">Who, stably: a kiosk id, a key's principal, a token's subject.</param>
/// <param name="Name">How a person or system is called (a token's <c>name</c> or client id), for the audit; null for keys.</param>
public sealed record Caller(string Principal, string Role, string? Province, string? District = null, string? Commune = null, string? Name = null);
