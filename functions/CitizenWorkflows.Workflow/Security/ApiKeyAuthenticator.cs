using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using CitizenWorkflows.Workflow.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Workflow.Security;

/// <summary>Authenticates a request by its API key and authorises it by role; answers 401/403 problem details otherwise.</summary>
public sealed class ApiKeyAuthenticator
{
    readonly FrozenDictionary<string, Caller> callersByKeyHash;

    public ApiKeyAuthenticator(IOptions<SecurityOptions> options)
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

            callers[Hash(credential.Key)] = new Caller(
                credential.Principal, credential.Role, string.IsNullOrWhiteSpace(credential.Province) ? null : credential.Province,
                string.IsNullOrWhiteSpace(credential.District) ? null : credential.District,
                string.IsNullOrWhiteSpace(credential.Commune) ? null : credential.Commune);
        }

        callersByKeyHash = callers.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Returns the caller when the key is known and its role is one of <paramref name="roles"/>; else a problem.</summary>
    public bool TryAuthorize(HttpRequest request, IReadOnlyCollection<string> roles, out Caller caller, out IResult denied)
    {
        ArgumentNullException.ThrowIfNull(request);
        caller = null!;
        denied = null!;
        string? key = request.Headers[SecurityOptions.ApiKeyHeader];
        // Looking up the key's hash keeps the comparison independent of how much of a key matches.
        if (string.IsNullOrEmpty(key) || !callersByKeyHash.TryGetValue(Hash(key), out Caller? found))
        {
            request.HttpContext.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{SecurityOptions.ApiKeyHeader}\"";
            denied = Problems.Status(StatusCodes.Status401Unauthorized, "unauthenticated", "Authentication required",
                $"Send a valid API key in the {SecurityOptions.ApiKeyHeader} header.");
            return false;
        }

        if (!roles.Contains(found.Role))
        {
            denied = Problems.Status(StatusCodes.Status403Forbidden, "forbidden", "Role not allowed",
                $"Role '{found.Role}' may not do this; allowed: {string.Join(", ", roles)}.");
            return false;
        }

        caller = found;
        return true;
    }

    static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
