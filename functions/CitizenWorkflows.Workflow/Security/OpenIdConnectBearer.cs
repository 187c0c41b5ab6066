using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace CitizenWorkflows.Workflow.Security;

/// <summary>
/// Configuration section <c>Security:OpenIdConnect</c>: the provider that signs operators' and partners' tokens
/// (Microsoft Entra ID in Azure, the Local host's own provider on one machine) and the claims that carry role and area.
/// </summary>
public sealed class OpenIdConnectOptions
{
    public const string SectionName = "Security:OpenIdConnect";

    /// <summary>The issuer; its discovery document (<c>/.well-known/openid-configuration</c>) names the signing keys.</summary>
    public string? Authority { get; set; }

    /// <summary>The API's audience (Entra ID: the app registration's Application ID URI or client id).</summary>
    public string? Audience { get; set; }

    /// <summary>Off only for a provider on the loopback address (the Local host's); metadata from anywhere else must be HTTPS.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The claim holding the app roles (Entra ID's <c>roles</c>).</summary>
    public string RoleClaim { get; set; } = "roles";

    public string ProvinceClaim { get; set; } = "province";

    public string DistrictClaim { get; set; } = "district";

    public string CommuneClaim { get; set; } = "commune";

    /// <summary>A person's display name; a partner system's token carries its client id instead (<see cref="ClientIdClaims"/>).</summary>
    public string NameClaim { get; set; } = "name";

    /// <summary>Where a client-credentials token names its client: OpenIddict <c>client_id</c>, Entra ID v2 <c>azp</c>,
    /// v1 <c>appid</c>.</summary>
    public IList<string> ClientIdClaims { get; } = ["client_id", "azp", "appid"];
}

/// <summary>
/// The <c>Bearer</c> authentication scheme: an OpenID Connect access token (JWT) validated by ASP.NET Core's JwtBearer
/// handler against the provider's metadata (issuer, signing keys) and the configured audience, then mapped once onto
/// <see cref="CallerClaims"/>, so every policy and area check reads a token exactly as it reads an API key. Its
/// challenge only adds <c>WWW-Authenticate</c> and the reason; <see cref="AuthorizationProblems"/> writes the one 401.
/// </summary>
public static class OpenIdConnectBearer
{
    public const string SchemeName = JwtBearerDefaults.AuthenticationScheme;

    /// <summary>Why the token was refused (expired, wrong audience…), for the 401's detail.</summary>
    public const string FailureItem = "cw:bearer-failure";

    /// <summary>Signature algorithms accepted: asymmetric only, so neither <c>none</c> nor a shared-secret HMAC passes.</summary>
    static readonly string[] Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384,
    ];

    public static AuthenticationBuilder AddOpenIdConnectBearer(this AuthenticationBuilder authentication, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(authentication);
        OpenIdConnectOptions settings = configuration.GetSection(OpenIdConnectOptions.SectionName).Get<OpenIdConnectOptions>() ?? new OpenIdConnectOptions();
        return authentication.AddJwtBearer(SchemeName, options =>
        {
            // Without an authority no token can be validated (no keys): every bearer token is refused, API keys still work.
            options.Authority = string.IsNullOrWhiteSpace(settings.Authority) ? null : settings.Authority;
            options.Audience = settings.Audience;
            options.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            options.MapInboundClaims = false;
            options.IncludeErrorDetails = true;
            options.TokenValidationParameters.ValidateIssuer = true;
            options.TokenValidationParameters.ValidateAudience = true;
            options.TokenValidationParameters.ValidateLifetime = true;
            options.TokenValidationParameters.RequireExpirationTime = true;
            options.TokenValidationParameters.RequireSignedTokens = true;
            options.TokenValidationParameters.ValidAlgorithms = Algorithms;
            options.TokenValidationParameters.ClockSkew = TimeSpan.FromMinutes(1);
            options.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    if (ToCaller(context.Principal!, settings, out string? refusal) is { } caller)
                    {
                        context.Principal = CallerClaims.ToPrincipal(caller, SchemeName);
                    }
                    else
                    {
                        context.Fail(refusal!);
                    }

                    return Task.CompletedTask;
                },
                OnChallenge = context =>
                {
                    // One 401 body for every scheme: AuthorizationProblems writes it after all challenges.
                    context.HandleResponse();
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    string header = context.ErrorDescription is { Length: > 0 } description
                        ? $"Bearer error=\"invalid_token\", error_description=\"{description.Replace("\"", "'", StringComparison.Ordinal)}\""
                        : "Bearer";
                    context.Response.Headers.Append("WWW-Authenticate", header);
                    if (context.AuthenticateFailure is not null)
                    {
                        context.HttpContext.Items[FailureItem] = string.IsNullOrEmpty(context.ErrorDescription)
                            ? context.AuthenticateFailure.Message
                            : context.ErrorDescription;
                    }

                    return Task.CompletedTask;
                },
            };
        });
    }

    /// <summary>
    /// The caller a validated token names: its subject, its one application role (a token with none or several of
    /// ours is refused: a caller acts in exactly one role) and, for an officer, the area claims.
    /// </summary>
    public static Caller? ToCaller(ClaimsPrincipal token, OpenIdConnectOptions settings, out string? refusal)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(settings);
        refusal = null;
        string? subject = token.FindFirst("sub")?.Value ?? token.FindFirst("oid")?.Value;
        if (string.IsNullOrWhiteSpace(subject))
        {
            refusal = "The token has no subject (sub).";
            return null;
        }

        string[] roles = [.. token.FindAll(settings.RoleClaim).Select(c => c.Value).Where(Roles.All.Contains).Distinct(StringComparer.Ordinal)];
        if (roles.Length != 1 || roles[0] == Roles.Kiosk)
        {
            refusal = roles.Length == 0 || roles[0] == Roles.Kiosk
                ? $"The token carries no role of this API in '{settings.RoleClaim}'."
                : $"The token carries several roles of this API ({string.Join(", ", roles)}); a caller acts in one.";
            return null;
        }

        string? name = token.FindFirst(settings.NameClaim)?.Value
            ?? settings.ClientIdClaims.Select(c => token.FindFirst(c)?.Value).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        return new Caller(subject, roles[0], Value(token, settings.ProvinceClaim), Value(token, settings.DistrictClaim), Value(token, settings.CommuneClaim), name);
    }

    static string? Value(ClaimsPrincipal token, string type) => token.FindFirst(type)?.Value is { Length: > 0 } value ? value : null;
}
