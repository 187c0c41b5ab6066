using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Workflow.Security;

/// <summary>
/// For a host without ASP.NET Core endpoint routing (the Functions app): runs the same steps, in the same order, as
/// the Local host's middleware for one route: authenticate with the policy's schemes, rate-limit per caller, evaluate
/// the route's policy, and answer a refusal through <see cref="AuthorizationProblems"/>.
/// </summary>
public sealed class ApiGate(
    IAuthorizationPolicyProvider policies,
    IPolicyEvaluator evaluator,
    IAuthorizationMiddlewareResultHandler refusals,
    IOptions<RateLimiterOptions> rateLimits)
{
    /// <summary>True when the request may go on to the endpoint; otherwise the answer has been written.</summary>
    public async Task<bool> PassAsync(HttpContext context, string routeName)
    {
        ArgumentNullException.ThrowIfNull(context);
        RouteRule rule = RouteRules.For(routeName);
        context.Items[typeof(RouteRule)] = rule;
        AuthorizationPolicy? policy = rule.Access == RouteAccess.Policy
            ? await policies.GetPolicyAsync(rule.Policy) ?? throw new InvalidOperationException($"No policy '{rule.Policy}' is registered.")
            : null;
        AuthenticateResult? authenticated = policy is null ? null : await evaluator.AuthenticateAsync(policy, context);

        RateLimiterOptions limits = rateLimits.Value;
        if (limits.GlobalLimiter is { } limiter)
        {
            using System.Threading.RateLimiting.RateLimitLease lease = await limiter.AcquireAsync(context, 1, context.RequestAborted);
            if (!lease.IsAcquired)
            {
                context.Response.StatusCode = limits.RejectionStatusCode;
                if (limits.OnRejected is { } onRejected)
                {
                    await onRejected(new OnRejectedContext { HttpContext = context, Lease = lease }, context.RequestAborted);
                }

                return false;
            }
        }

        if (policy is null)
        {
            return true;
        }

        PolicyAuthorizationResult result = await evaluator.AuthorizeAsync(policy, authenticated!, context, context);
        bool passed = false;
        await refusals.HandleAsync(_ => { passed = true; return Task.CompletedTask; }, context, policy, result);
        return passed;
    }
}
