namespace CitizenWorkflows.Workflow.Security;

/// <summary>
/// Configuration section <c>Security</c>: the API keys and the role each one carries. Keys come from the
/// environment, user secrets or Key Vault, never from files in the repository.
/// </summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Security";

    public const string ApiKeyHeader = "X-Api-Key";

    public IList<ApiCredential> ApiKeys { get; } = [];
}

/// <summary>One API key: who holds it (a kiosk id, an officer id, a partner name) and in which role.</summary>
/// <param name="Province">For kiosks and officers, the province they work in.</param>
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
