using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace CitizenWorkflows.Workflow.Security;

/// <summary>
/// The one mapping between a <see cref="Caller"/> and the claims every policy reads. Any authentication scheme (the
/// API key, an OpenID Connect bearer token) produces these claims, so the policies never depend on the scheme.
/// </summary>
public static class CallerClaims
{
    /// <summary>Who: a kiosk id, an officer id, a partner name.</summary>
    public const string Principal = "cw:principal";

    public const string Role = ClaimTypes.Role;

    /// <summary>A display name (a person's name, a partner's client id), when the scheme knows one.</summary>
    public const string Name = "cw:name";

    public const string Province = "cw:province";

    public const string District = "cw:district";

    public const string Commune = "cw:commune";

    public static ClaimsPrincipal ToPrincipal(Caller caller, string authenticationType)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var claims = new List<Claim> { new(Principal, caller.Principal), new(Role, caller.Role) };
        AddIfSet(claims, Province, caller.Province);
        AddIfSet(claims, District, caller.District);
        AddIfSet(claims, Commune, caller.Commune);
        AddIfSet(claims, Name, caller.Name);
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, Principal, Role));
    }

    /// <summary>The caller an authentication scheme established, or null for an anonymous user.</summary>
    public static Caller? FromPrincipal(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true || user.FindFirst(Principal)?.Value is not { } principal || user.FindFirst(Role)?.Value is not { } role)
        {
            return null;
        }

        return new Caller(principal, role, user.FindFirst(Province)?.Value, user.FindFirst(District)?.Value, user.FindFirst(Commune)?.Value,
            user.FindFirst(Name)?.Value);
    }

    /// <summary>The caller of a request that passed its route's policy (the policy guarantees one).</summary>
    public static Caller Of(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return FromPrincipal(request.HttpContext.User)
            ?? throw new InvalidOperationException($"No authenticated caller on {request.Path}: the route has no authorization rule in {nameof(RouteRules)}.");
    }

    static void AddIfSet(List<Claim> claims, string type, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            claims.Add(new Claim(type, value));
        }
    }
}
