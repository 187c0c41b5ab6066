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
}

/// <summary>The authenticated caller of one request.</summary>
public sealed record Caller(string Principal, string Role, string? Province);
