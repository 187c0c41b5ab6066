using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Workflow.Health;

/// <summary>Registers the health checks both hosts share; a host adds its own (its runtime) with the <see cref="Ready"/> tag.</summary>
public static class HealthServices
{
    /// <summary>The tag of the checks readiness runs.</summary>
    public const string Ready = "ready";

    public static IServiceCollection AddWorkflowHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: [Ready]);
        services.AddSingleton<HealthEndpoint>();
        return services;
    }
}
