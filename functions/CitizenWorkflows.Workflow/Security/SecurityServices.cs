using CitizenWorkflows.Workflow.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Workflow.Security;

/// <summary>Registers authentication (API keys and OpenID Connect bearer tokens), one authorization policy per route
/// rule, and the per-caller rate limits.</summary>
public static class SecurityServices
{
    /// <summary>The default scheme: forwards to the bearer scheme for an <c>Authorization: Bearer</c> request, else to
    /// the API key.</summary>
    public const string CallerScheme = "Caller";

    public static IServiceCollection AddApiSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<ApiKeyCredentials>();
        // The default scheme picks by header, so the authentication middleware (and the per-caller limiter after it) knows
        // a token's caller as well as a key's; the policies name both schemes themselves.
        services.AddAuthentication(CallerScheme)
            .AddPolicyScheme(CallerScheme, "Bearer token or API key", options => options.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? OpenIdConnectBearer.SchemeName
                    : ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddOpenIdConnectBearer(configuration);
        services.AddAuthorization(options =>
        {
            foreach (RouteRule rule in RouteRules.All.Values.Where(r => r.Access == RouteAccess.Policy))
            {
                options.AddPolicy(rule.Policy, policy =>
                {
                    policy.AddAuthenticationSchemes([.. RouteRules.Schemes]).RequireAuthenticatedUser().RequireRole(rule.Roles);
                    if (rule.Area == AreaRule.PerEvent)
                    {
                        policy.AddRequirements(CallbackEventRequirement.Instance, ApplicationAreaRequirement.Instance);
                    }
                    else if (rule.Area == AreaRule.Application)
                    {
                        policy.AddRequirements(ApplicationAreaRequirement.Instance);
                    }
                });
            }
        });
        services.AddSingleton<IAuthorizationHandler, ApplicationAreaHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuthorizationProblems>();
        services.AddSingleton<ApiGate>();
        services.AddOptions<Operations.Dashboard.DashboardSignInOptions>()
            .Bind(configuration.GetSection(Operations.Dashboard.DashboardSignInOptions.SectionName))
            .PostConfigure(signIn => signIn.Authority ??= configuration[$"{OpenIdConnectOptions.SectionName}:Authority"]);

        services.Configure<RateLimitOptions>(configuration.GetSection(RateLimitOptions.SectionName));
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((options, limits) =>
        {
            options.GlobalLimiter = ApiRateLimits.Create(limits.Value);
            options.RejectionStatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status429TooManyRequests;
            options.OnRejected = ApiRateLimits.RejectAsync;
        });
        return services;
    }
}
