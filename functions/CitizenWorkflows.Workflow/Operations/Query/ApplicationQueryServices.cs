using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Workflow.Operations.Query;

public static class ApplicationQueryServices
{
    /// <summary>The list, search and counts of applications, with the counters (table <c>applicationcounts</c>) and the
    /// index (<c>applicationindex</c>) the projection keeps.</summary>
    public static IServiceCollection AddApplicationQueries(this IServiceCollection services)
    {
        services.AddSingleton<ApplicationSearch>();
        services.AddSingleton<ApplicationCounters>();
        services.AddSingleton<CounterRecount>();
        services.AddSingleton<ApplicationQueryEndpoints>();
        services.AddTables(ApplicationCounters.TableName, ApplicationIndex.TableName);
        return services;
    }
}
