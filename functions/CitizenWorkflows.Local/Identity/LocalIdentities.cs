using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CitizenWorkflows.Workflow.Security;

namespace CitizenWorkflows.Local.Identity;

/// <summary>
/// One account of the local OpenID provider: a partner system (OAuth client, client-credentials flow) or a person
/// (officer, supervisor: password flow for tools, authorization code + PKCE for the dashboard), with its one role and,
/// for an officer, an area. What Entra ID holds in Azure as app registrations, users and app-role assignments.
/// </summary>
public sealed record LocalAccount
{
    public const string ClientKind = "client";
    public const string UserKind = "user";

    /// <summary><see cref="ClientKind"/> or <see cref="UserKind"/>.</summary>
    public string Kind { get; init; } = "";

    /// <summary>The client id or the user name; also the token's subject.</summary>
    public string Id { get; init; } = "";

    /// <summary>The client secret or the password (generated, never in the repository).</summary>
    public string Secret { get; init; } = "";

    public string Role { get; init; } = "";

    /// <summary>The display name put in the token's <c>name</c> claim.</summary>
    public string? Name { get; init; }

    public string? Province { get; init; }

    public string? District { get; init; }

    public string? Commune { get; init; }
}

/// <summary>
/// The local provider's accounts, made on first run and kept in <c>.local/identities.json</c> (owner-only, ignored by
/// git) as <c>.local/api-keys.json</c> was: one partner client per partner role, one user per person role (a province
/// officer and a national one, a supervisor). A default added later is appended; existing accounts never change.
/// </summary>
public sealed class LocalIdentities
{
    public static readonly LocalAccount[] Defaults =
    [
        new() { Kind = LocalAccount.ClientKind, Id = "print-centre-1", Role = Roles.PrintCentre, Name = "Print centre 1" },
        new() { Kind = LocalAccount.ClientKind, Id = "courier-1", Role = Roles.Courier, Name = "Courier 1" },
        new() { Kind = LocalAccount.ClientKind, Id = "abis-1", Role = Roles.BiometricMatcher, Name = "Biometric matcher 1" },
        new() { Kind = LocalAccount.UserKind, Id = "officer-hn-001", Role = Roles.Operator, Name = "Officer, Hà Nội police", Province = "001" },
        // A national officer (no area): the demo, the load runs and the station simulator act on every province's applications.
        new() { Kind = LocalAccount.UserKind, Id = "officer-national", Role = Roles.Operator, Name = "Officer, national" },
        new() { Kind = LocalAccount.UserKind, Id = "supervisor-national", Role = Roles.Supervisor, Name = "Supervisor, national" },
    ];

    static readonly JsonSerializerOptions Indented = new(JsonSerializerOptions.Web) { WriteIndented = true };

    LocalIdentities(IReadOnlyList<LocalAccount> accounts, string path)
    {
        Accounts = accounts;
        Path = path;
    }

    public IReadOnlyList<LocalAccount> Accounts { get; }

    /// <summary>The file the accounts were read from.</summary>
    public string Path { get; }

    /// <summary>Reads <paramref name="path"/>, appending any missing default account with a fresh secret; checks every account.</summary>
    public static LocalIdentities LoadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        List<LocalAccount> accounts = File.Exists(path)
            ? JsonSerializer.Deserialize<List<LocalAccount>>(File.ReadAllText(path), JsonSerializerOptions.Web) ?? []
            : [];
        var missing = Defaults.Where(d => !accounts.Any(a => a.Id == d.Id)).ToList();
        if (missing.Count > 0)
        {
            accounts.AddRange(missing.Select(d => d with { Secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)) }));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
            File.WriteAllText(path, JsonSerializer.Serialize(accounts, Indented));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        foreach (LocalAccount account in accounts)
        {
            if (account.Kind is not (LocalAccount.ClientKind or LocalAccount.UserKind) || string.IsNullOrWhiteSpace(account.Id)
                || account.Secret.Length < 16 || !Roles.All.Contains(account.Role) || account.Role == Roles.Kiosk)
            {
                throw new InvalidOperationException(
                    $"{path}: account '{account.Id}' needs kind client or user, a secret of at least 16 characters and a role other than kiosk of {string.Join(", ", Roles.All)}.");
            }
        }

        return new LocalIdentities(accounts, path);
    }

    /// <summary>The account of <paramref name="kind"/> named <paramref name="id"/> whose secret is <paramref name="secret"/>.</summary>
    public LocalAccount? Authenticate(string kind, string? id, string? secret)
    {
        LocalAccount? account = Accounts.FirstOrDefault(a => a.Kind == kind && a.Id == id);
        // Compared in fixed time, so a wrong secret takes as long however much of it matches.
        return account is not null && secret is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(account.Secret), Encoding.UTF8.GetBytes(secret))
            ? account
            : null;
    }

    /// <summary>The account of <paramref name="role"/> reaching the most applications (no area first): simulators and
    /// load runs act everywhere.</summary>
    public LocalAccount? WidestOf(string role) =>
        Accounts.Where(a => a.Role == role)
            .OrderBy(a => a.Province is null && a.District is null && a.Commune is null ? 0 : 1)
            .FirstOrDefault();
}
