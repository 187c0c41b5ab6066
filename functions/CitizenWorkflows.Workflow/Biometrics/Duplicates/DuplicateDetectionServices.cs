using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CitizenWorkflows.Workflow.Biometrics.Duplicates;

public static class DuplicateDetectionServices
{
    public static IServiceCollection AddDuplicateDetection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DuplicateSearchOptions>().Bind(configuration.GetSection(DuplicateSearchOptions.SectionName));
        services.TryAddSingleton<FingerprintSearchIndex>();
        services.TryAddSingleton<DemographicIndex>();
        services.TryAddSingleton<EnrolmentLinks>();
        services.AddTables(FingerprintSearchIndex.TableName, DemographicIndex.TableName);
        return services;
    }
}
