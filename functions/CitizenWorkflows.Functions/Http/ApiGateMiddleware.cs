using System.Text.RegularExpressions;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.DurableTask.Client;

namespace CitizenWorkflows.Functions.Http;

/// <summary>
/// Every HTTP-triggered function passes <see cref="ApiGate"/> before it runs: the route's rule from
/// <see cref="RouteRules"/> (by function name, which is the route name), enforced by the same policies, limiter and
/// refusal answers as the Local host's middleware. A function without a rule is refused.
/// </summary>
public sealed partial class ApiGateMiddleware(ApiGate gate) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetHttpContext() is not { } http)
        {
            await next(context);
            return;
        }

        string name = context.FunctionDefinition.Name;
        // The area and event checks read the route's values, as the Local host's routing provides them.
        if (ApiRoutes.All.FirstOrDefault(r => r.Name == name) is { } route)
        {
            foreach (Match parameter in RouteParameter().Matches(route.Route))
            {
                string key = parameter.Groups[1].Value;
                if (!http.Request.RouteValues.ContainsKey(key) && context.BindingContext.BindingData.TryGetValue(key, out object? value))
                {
                    http.Request.RouteValues[key] = value?.ToString();
                }
            }
        }

        // An application not projected yet is located through its workflow: hand the function's durable client over.
        if (context.FunctionDefinition.InputBindings.Values.FirstOrDefault(b => b.Type == "durableClient") is { } durable)
        {
            http.Items[typeof(DurableTaskClient)] = (await context.BindInputAsync<DurableTaskClient>(durable)).Value;
        }

        if (await gate.PassAsync(http, name))
        {
            try
            {
                await next(context);
            }
            catch (Exception e) when (StorageUnavailableHandler.IsStorageUnreachable(e) && !http.Response.HasStarted)
            {
                // As on the Local host: storage not answering is a 503 with Retry-After, not the host's bare 500.
                await StorageUnavailableHandler.AnswerAsync(http);
            }
        }
    }

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex RouteParameter();
}
