using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Workflow.Security;

/// <summary>The configured API keys (<see cref="SecurityOptions"/>), checked at start-up and looked up by hash.</summary>
public sealed class ApiKeyCredentials
{
    readonly FrozenDictionary<string, Caller> callersByKeyHash;

    public ApiKeyCredentials(IOptions<SecurityOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var callers = new Dictionary<string, Caller>(StringComparer.Ordinal);
        foreach (ApiCredential credential in options.Value.ApiKeys)
        {
            if (credential.Key.Length < 16)
            {
                throw new InvalidOperationException($"The API key of '{credential.Principal}' is shorter than 16 characters.");
            }

            if (credential.Key.StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase))
            {
                // App Service passes the reference text through when it cannot resolve the secret; never accept it as a key.
                throw new InvalidOperationException($"The API key of '{credential.Principal}' is an unresolved Key Vault reference.");
            }

            if (!Roles.All.Contains(credential.Role))
            {
                throw new InvalidOperationException($"Unknown role '{credential.Role}' for '{credential.Principal}'; roles are {string.Join(", ", Roles.All)}.");
            }

            // A person's key is a shared secret without expiry or sign-in: refused at start-up rather than silently ignored.
            if (credential.Role is Roles.Operator or Roles.Supervisor)
            {
                throw new InvalidOperationException(
                    $"The API key of '{credential.Principal}' is a person's ({credential.Role}): people sign in with OpenID Connect now; remove the key (docs/design.md, Migration from API keys).");
            }

            if (credential.Role != Roles.Kiosk && !options.Value.PartnerApiKeys)
            {
                throw new InvalidOperationException(
                    $"The API key of partner '{credential.Principal}' ({credential.Role}) is refused: partners use client credentials; remove the key, or set {SecurityOptions.SectionName}:PartnerApiKeys=true while they move.");
            }

            callers[Hash(credential.Key)] = new Caller(
                credential.Principal, credential.Role, string.IsNullOrWhiteSpace(credential.Province) ? null : credential.Province,
                string.IsNullOrWhiteSpace(credential.District) ? null : credential.District,
                string.IsNullOrWhiteSpace(credential.Commune) ? null : credential.Commune);
        }

        callersByKeyHash = callers.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The caller holding <paramref name="key"/>, if it is a configured key.</summary>
    public bool TryFind(string? key, [NotNullWhen(true)] out Caller? caller)
    {
        caller = null;
        // Looking up the key's hash keeps the comparison independent of how much of a key matches.
        return !string.IsNullOrEmpty(key) && callersByKeyHash.TryGetValue(Hash(key), out caller);
    }

    static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
