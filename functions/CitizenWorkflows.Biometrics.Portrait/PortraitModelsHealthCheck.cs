using CitizenWorkflows.Workflow.Biometrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CitizenWorkflows.Biometrics.Portrait;

/// <summary>The portrait check's models and native runtime loaded (resolving <see cref="IPortraitQuality"/> loads them once).</summary>
public sealed class PortraitModelsHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            _ = services.GetRequiredService<IPortraitQuality>();
            return Task.FromResult(HealthCheckResult.Healthy("Portrait models loaded."));
        }
#pragma warning disable CA1031 // Any failure to load (missing file, native library) is the answer this check gives.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"Portrait models did not load: {e.GetType().Name}: {e.Message}"));
        }
    }
}
