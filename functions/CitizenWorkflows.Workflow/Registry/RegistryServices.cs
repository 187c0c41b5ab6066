using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CitizenWorkflows.Workflow.Registry;

public static class RegistryServices
{
    /// <summary>
    /// The population registry over the <c>citizens</c> table (needs the <see cref="Azure.Data.Tables.TableServiceClient"/>
    /// that <c>AddCitizenWorkflows</c> registers), the hosted service that creates the table at start, and the
    /// <see cref="CheckRegistry"/> activity.
    /// </summary>
    public static IServiceCollection AddPopulationRegistry(this IServiceCollection services)
    {
        services.TryAddSingleton<PopulationRegistry>();
        services.AddHostedService<PopulationRegistryInitializer>();
        services.TryAddTransient<CheckRegistry>();
        return services;
    }
}

/// <summary>Creates the <c>citizens</c> table at start-up (idempotent).</summary>
public sealed class PopulationRegistryInitializer(PopulationRegistry registry) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => registry.EnsureTableAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
