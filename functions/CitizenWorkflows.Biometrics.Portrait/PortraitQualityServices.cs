using CitizenWorkflows.Workflow.Biometrics;
using CitizenWorkflows.Workflow.Health;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Biometrics.Portrait;

/// <summary>Registers the OpenCV portrait check as the <see cref="IPortraitQuality"/> of a host.</summary>
public static class PortraitQualityServices
{
    /// <summary>Configuration section bound to <see cref="PortraitQualityOptions"/> (every threshold and model path).</summary>
    public const string SectionName = "Biometrics:Portrait";

    public static IServiceCollection AddOpenCvPortraitQuality(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<PortraitQualityOptions>().Bind(configuration.GetSection(SectionName));
        // Built on first use: loading the models and the native runtime costs a few hundred milliseconds.
        services.TryAddSingleton<IPortraitQuality>(sp => new OpenCvPortraitQuality(sp.GetRequiredService<IOptions<PortraitQualityOptions>>().Value));
        // Ready only once the models load: a missing model file or native library fails every biometric check otherwise.
        services.AddHealthChecks().AddCheck<PortraitModelsHealthCheck>("portrait-models", tags: [HealthServices.Ready]);
        return services;
    }
}
