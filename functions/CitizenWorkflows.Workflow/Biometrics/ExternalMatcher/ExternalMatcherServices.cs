using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Workflow.Biometrics.ExternalMatcher;

public static class ExternalMatcherServices
{
    /// <summary>The queue the external matcher (ABIS) takes search requests from (<c>biometric-searches</c>).</summary>
    public static IServiceCollection AddExternalMatcher(this IServiceCollection services) =>
        services.AddQueues(StorageNames.BiometricSearchesQueue);
}
