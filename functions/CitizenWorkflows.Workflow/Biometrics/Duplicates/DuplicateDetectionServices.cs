using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CitizenWorkflows.Workflow.Biometrics.Duplicates;

public static class DuplicateDetectionServices
{
    public static IServiceCollection AddDuplicateDetection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DuplicateSearchOptions>().Bind(configuration.GetSection(DuplicateSearchOptions.SectionName));
        services.TryAddSingleton<FingerprintSearchIndex>();
        services.TryAddSingleton<DemographicIndex>();
        services.AddHostedService<DuplicateDetectionInitializer>();
        return services;
    }
}

/// <summary>Creates the enrolment tables at start-up (idempotent).</summary>
public sealed class DuplicateDetectionInitializer(FingerprintSearchIndex fingerprints, DemographicIndex demographics) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(fingerprints.EnsureTableAsync(cancellationToken), demographics.EnsureTableAsync(cancellationToken));

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
