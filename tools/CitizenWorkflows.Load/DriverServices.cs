using CitizenWorkflows.Biometrics.Portrait;
using CitizenWorkflows.Local.Credentials;
using CitizenWorkflows.Workflow;

namespace CitizenWorkflows.Load;

/// <summary>
/// A driver's own view of the system: the product's services on the host's storage, in the driver's process, for what
/// it reads and checks directly (registry, kiosks, projection, queues); the workflows run in the host's process only.
/// </summary>
internal static class DriverServices
{
    public static async Task<IHost> StartAsync(IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        HostApplicationBuilder tool = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        tool.Logging.SetMinimumLevel(LogLevel.Warning);
        tool.Configuration.AddInMemoryCollection(settings.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value)));
        LocalCardSigningKeyFile.UseUnlessKeyConfigured(tool.Configuration);
        tool.Services.AddCitizenWorkflows(tool.Configuration);
        tool.Services.AddOpenCvPortraitQuality(tool.Configuration);
        IHost driver = tool.Build();
        await driver.StartAsync(cancellationToken);
        return driver;
    }
}
