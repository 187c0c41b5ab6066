using Microsoft.AspNetCore.Builder;

namespace CitizenWorkflows.Workflow.Security;

/// <summary>Puts a route's rule on an ASP.NET Core endpoint: the rule as metadata, and its policy (or anonymous access)
/// for the authorization middleware.</summary>
public static class RouteRuleConventions
{
    public static TBuilder WithRouteRule<TBuilder>(this TBuilder builder, string route)
        where TBuilder : IEndpointConventionBuilder
    {
        RouteRule rule = RouteRules.For(route);
        builder.WithMetadata(rule);
        // Kiosk-signed routes authenticate in the endpoint, over the body they read; see RouteAccess.KioskSignature.
        return rule.Access == RouteAccess.Policy ? builder.RequireAuthorization(rule.Policy) : builder.AllowAnonymous();
    }
}
