using Azure.Storage.Queues;
using CitizenWorkflows.Local.Identity;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Simulators;

/// <summary>The host the partners answer: its API's address and the accounts they sign in with at its OpenID provider.</summary>
public sealed record PartnerHost(Uri Address, LocalIdentities Identities);

/// <summary>
/// The print-centre, courier and station simulators against one Local host: in their own process (<c>Program</c>, which
/// run.sh starts beside the host) or beside a host in a tool's or a test's process. Either way they reach the host only
/// as the real partners do: through its work-order queues and its HTTP callbacks.
/// </summary>
public sealed class PartnerSimulators : IAsyncDisposable
{
    readonly IHost? host;

    PartnerSimulators(IHost? host) => this.host = host;

    /// <summary>Whether <c>Simulators:Enabled</c> (default true) asks for them.</summary>
    public static bool Enabled(IConfiguration configuration) =>
        configuration.GetSection(SimulatorOptions.SectionName).Get<SimulatorOptions>()?.Enabled ?? true;

    /// <summary>
    /// Adds the simulators, answering the host at <paramref name="address"/>, with the host's own settings: <c>Simulators</c>,
    /// <c>Storage:ConnectionString</c>, <c>Local:IdentityDirectory</c>. Their queue calls count in <paramref name="requests"/>
    /// (as <c>simulators</c>) when given.
    /// </summary>
    public static IServiceCollection AddTo(
        IServiceCollection services, IConfiguration configuration, Uri address, StorageRequestCounter? requests = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (!(configuration.GetValue<bool?>("Local:IdentityProvider:Enabled") ?? true))
        {
            throw new InvalidOperationException(
                "The simulators sign in at the Local host's OpenID provider: set Local:IdentityProvider:Enabled=true, or Simulators:Enabled=false.");
        }

        string storage = configuration["Storage:ConnectionString"] ?? throw new InvalidOperationException(
            "The simulators read the host's work-order queues: set Storage:ConnectionString (UseDevelopmentStorage=true for Azurite).");
        string accounts = LocalIdentityProvider.AccountsFile(configuration);
        if (!File.Exists(accounts))
        {
            throw new InvalidOperationException(
                $"No accounts at {accounts}: the Local host writes them as it starts; start it first, with the same Local:IdentityDirectory.");
        }

        var queueOptions = new QueueClientOptions();
        services.Configure<SimulatorOptions>(configuration.GetSection(SimulatorOptions.SectionName));
        services.AddSingleton(new PartnerHost(address, LocalIdentities.LoadOrCreate(accounts)));
        services.AddSingleton(new WorkOrderQueues(new QueueServiceClient(
            storage, requests?.Count(queueOptions, StorageService.Queue, StorageCaller.Simulators) ?? queueOptions)));
        services.AddHostedService<PrintCentreSimulator>();
        services.AddHostedService<ShipmentSimulator>();
        services.AddHostedService<CourierSimulator>();
        services.AddHostedService<StationSimulator>();
        return services;
    }

    /// <summary>
    /// Starts the simulators in this process against the host at <paramref name="address"/> (see
    /// <see cref="AddTo"/>); none when <c>Simulators:Enabled</c> is false. Disposing stops them.
    /// </summary>
    public static async Task<PartnerSimulators> StartAsync(
        IConfiguration configuration, Uri address, StorageRequestCounter? requests = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!Enabled(configuration))
        {
            return new PartnerSimulators(null);
        }

        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddConfiguration(configuration.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true);
        AddTo(builder.Services, configuration, address, requests);
        IHost host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new PartnerSimulators(host);
    }

    public async ValueTask DisposeAsync()
    {
        if (host is not null)
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
}
