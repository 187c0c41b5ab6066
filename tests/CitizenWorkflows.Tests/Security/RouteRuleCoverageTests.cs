using CitizenWorkflows.Local;
using CitizenWorkflows.Tests.Functions;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Tests.Security;

/// <summary>
/// Every route either host serves has its authorisation rule declared in <see cref="RouteRules"/>, and the Local host
/// enforces exactly that rule on the endpoint (its policy, or anonymous access for the rules that say so). The Functions
/// app is read from its build's <c>functions.metadata</c>: each HTTP function must be a route with a rule (its worker
/// middleware refuses any other).
/// </summary>
public class RouteRuleCoverageTests
{
    [Fact]
    public async Task Every_Local_host_endpoint_carries_its_declared_rule_and_policy()
    {
        await using WebApplication app = LocalRoutes.BareApp();
        LocalApi.MapAll(app);
        IAuthorizationPolicyProvider policies = app.Services.GetRequiredService<IAuthorizationPolicyProvider>();

        var problems = new List<string>();
        RouteEndpoint[] endpoints = [.. LocalRoutes.Endpoints(app)];
        foreach (RouteEndpoint endpoint in endpoints)
        {
            string where = $"{endpoint.DisplayName} ({endpoint.RoutePattern.RawText})";
            if (endpoint.Metadata.GetMetadata<RouteRule>() is not { } rule)
            {
                problems.Add($"{where} has no rule from RouteRules");
                continue;
            }

            IAuthorizeData[] authorize = [.. endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>()];
            bool anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            if (rule.Access == RouteAccess.Policy)
            {
                if (anonymous || authorize.Length != 1 || authorize[0].Policy != rule.Policy)
                {
                    problems.Add($"{where}: rule says policy '{rule.Policy}', endpoint has [{string.Join(", ", authorize.Select(a => a.Policy))}]{(anonymous ? " and allows anonymous" : "")}");
                }

                AuthorizationPolicy? policy = await policies.GetPolicyAsync(rule.Policy);
                if (policy is null || !policy.AuthenticationSchemes.SequenceEqual(RouteRules.Schemes))
                {
                    problems.Add($"{where}: policy '{rule.Policy}' is not registered with the schemes of RouteRules.Schemes");
                }
            }
            else if (!anonymous || authorize.Length != 0)
            {
                problems.Add($"{where}: rule says {rule.Access}, endpoint is not anonymous at the authorization middleware");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        // Not vacuous: every API route is among them, plus the dashboard's short address.
        Assert.Equal(ApiRoutes.All.Count + 1, endpoints.Length);
    }

    [Fact]
    public void Every_Functions_app_HTTP_function_and_every_API_route_has_a_rule()
    {
        FunctionDeclaration[] http = [.. FunctionsParity.ReadMetadata(FunctionsParityTests.MetadataPath).Where(f => f.Trigger == FunctionsParity.HttpTrigger)];

        Assert.Empty(http.Where(f => !RouteRules.All.ContainsKey(f.Name)).Select(f => $"function {f.Name} has no rule"));
        Assert.Empty(ApiRoutes.All.Where(r => !RouteRules.All.ContainsKey(r.Name)).Select(r => $"route {r.Name} has no rule"));
        Assert.Empty(RouteRules.All.Keys.Where(name => ApiRoutes.All.All(r => r.Name != name)).Select(name => $"rule {name} names no route"));
        Assert.Equal(ApiRoutes.All.Count, http.Length);
    }

    [Fact]
    public void A_route_without_a_rule_is_refused_rather_than_served()
    {
        InvalidOperationException missing = Assert.Throws<InvalidOperationException>(() => RouteRules.For("GetEverything"));
        Assert.Contains("no authorization rule", missing.Message, StringComparison.Ordinal);
    }
}
