using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Operations.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CitizenWorkflows.Workflow.Security;

/// <summary>
/// Answers a refused request with the API's problem details: 401 <c>unauthenticated</c> (the scheme's challenge, with
/// <c>WWW-Authenticate</c>), 403 <c>forbidden</c> naming the allowed roles, 403 <c>area-not-allowed</c> naming both
/// areas (and, where the route's rule says so, appended to the application's operations audit), and 404 for a kiosk
/// asking after another kiosk's application. Both hosts use it: the Local host's authorization middleware and the
/// Functions app's <see cref="ApiGate"/>.
/// </summary>
public sealed class AuthorizationProblems(OperationsAudit audit) : IAuthorizationMiddlewareResultHandler
{
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Succeeded)
        {
            await next(context);
            return;
        }

        if (authorizeResult.Challenged || CallerClaims.FromPrincipal(context.User) is not { } caller)
        {
            foreach (string scheme in policy.AuthenticationSchemes.Count > 0 ? policy.AuthenticationSchemes : RouteRules.Schemes)
            {
                await context.ChallengeAsync(scheme);
            }

            // Each scheme's challenge added its WWW-Authenticate; the body is written once, with why a token was refused.
            string why = context.Items[OpenIdConnectBearer.FailureItem] is string failure ? $" The bearer token was refused: {failure}" : "";
            await Problems.Status(StatusCodes.Status401Unauthorized, "unauthenticated", "Authentication required",
                $"Send an OpenID Connect access token (Authorization: Bearer) or a device's API key ({SecurityOptions.ApiKeyHeader}).{why}")
                .ExecuteAsync(context);
            return;
        }

        await (await DeniedAsync(context, caller, authorizeResult.AuthorizationFailure)).ExecuteAsync(context);
    }

    async Task<IResult> DeniedAsync(HttpContext context, Caller caller, AuthorizationFailure? failure)
    {
        IEnumerable<AuthorizationFailureReason> reasons = failure?.FailureReasons ?? [];
        // The role decides first: a caller who may not use the route at all learns nothing about the application.
        IReadOnlyCollection<string>? allowed =
            failure?.FailedRequirements.OfType<RolesAuthorizationRequirement>().FirstOrDefault()?.AllowedRoles.ToList()
            ?? reasons.OfType<EventRoleFailure>().FirstOrDefault()?.AllowedRoles;
        if (allowed is null && reasons.OfType<OutsideAreaFailure>().FirstOrDefault() is { } outside)
        {
            if (RuleOf(context)?.AuditsAreaRefusals == true)
            {
                await audit.AppendAsync(
                    outside.Application.ApplicationId,
                    new AuditRecord(caller.Principal, caller.Role, context.GetRouteValue("action") as string ?? context.Request.Path, Reason: null,
                        outside.Application.Stage, StageAfter: null, $"{StatusCodes.Status403Forbidden} area-not-allowed", OperationsAudit.Refused, caller.Name),
                    context.RequestAborted);
            }

            return Problems.Status(StatusCodes.Status403Forbidden, "area-not-allowed", "Outside the officer's area", outside.Message);
        }

        if (allowed is null && reasons.OfType<NotOwnApplicationFailure>().FirstOrDefault() is { } notOwn)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "not-found", "No such application", $"There is no application '{notOwn.ApplicationId}'.");
        }

        return Problems.Status(StatusCodes.Status403Forbidden, "forbidden", "Role not allowed",
            $"Role '{caller.Role}' may not do this; allowed: {string.Join(", ", allowed ?? [])}.");
    }

    /// <summary>The rule of the route being served: endpoint metadata (Local host) or what the Functions gate put in
    /// the request's items.</summary>
    public static RouteRule? RuleOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetEndpoint()?.Metadata.GetMetadata<RouteRule>() ?? context.Items[typeof(RouteRule)] as RouteRule;
    }
}
