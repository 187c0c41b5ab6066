using CitizenWorkflows.Biometrics.Portrait;
using CitizenWorkflows.Local.Identity;
using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow;
using CitizenWorkflows.Workflow.Telemetry;
using CitizenWorkflows.Workflow.Biometrics;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Health;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask.Client;
using CitizenWorkflows.Local.Credentials;

namespace CitizenWorkflows.Local;

/// <summary>
/// Composes the embedded runtime (DurableTask.Core's worker over the Azurite-backed task hub) running the Workflow
/// project's orchestrations, the client the endpoints use, the HTTP API and the pollers into one process. The partner
/// simulators are a tool beside it (tools/CitizenWorkflows.Simulators).
/// </summary>
public sealed class LocalHost : IAsyncDisposable
{
    readonly EmbeddedDurableRuntime runtime;
    readonly ILoggerFactory runtimeLoggers;

    LocalHost(WebApplication app, EmbeddedDurableRuntime runtime, ILoggerFactory runtimeLoggers)
    {
        App = app;
        this.runtime = runtime;
        this.runtimeLoggers = runtimeLoggers;
    }

    /// <summary>Where the API listens unless <c>--urls</c> or <c>ASPNETCORE_URLS</c> says otherwise.</summary>
    public const string DefaultUrl = "http://127.0.0.1:7071";

    public WebApplication App { get; }

    /// <summary>Orchestration episodes and activity executions the runtime's dispatchers ran.</summary>
    public WorkItemCounts WorkItems => runtime.WorkItems;

    public static async Task<LocalHost> StartAsync(string[] args, CancellationToken cancellationToken = default)
    {
        // Settings ship beside the binary, so the host runs the same from any working directory.
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        ConfigurationManager config = builder.Configuration;
        if (string.IsNullOrEmpty(config["urls"]))
        {
            // Not in appsettings.json: that file is copied into projects referencing this one and would move their hosts too.
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // Kestrel answers a header with non-ASCII bytes with an empty 400 before any endpoint runs; read header bytes as
        // Latin-1 instead, so the endpoint that owns the header refuses it with problem details naming it.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.RequestHeaderEncodingSelector = _ => System.Text.Encoding.Latin1);

        string? keysFile = LocalApiKeys.AddIfMissing(config, config["Local:ApiKeysFile"] ?? LocalApiKeys.DefaultPath);
        LocalCardSigningKeyFile.UseUnlessKeyConfigured(config);
        // The OpenID provider is this host, so its issuer is the host's own first address.
        Uri issuer = LoopbackAddress.From((string.IsNullOrEmpty(config["urls"]) ? DefaultUrl : config["urls"]!).Split(';')[0]);
        LocalIdentities? identities = builder.Services.AddLocalIdentityProvider(config, issuer);

        string storage = config["Storage:ConnectionString"]
            ?? throw new InvalidOperationException("The Local host needs Storage:ConnectionString (UseDevelopmentStorage=true for Azurite).");
        TaskHubOptions hub = config.GetSection(TaskHubOptions.SectionName).Get<TaskHubOptions>() ?? new TaskHubOptions();

        // The task hub is created before the app is built (the client needs it), so the provider logs through its own factory.
        ILoggerFactory runtimeLoggers = LoggerFactory.Create(logging =>
            logging.AddConfiguration(config.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true));
        var storageRequests = new StorageRequestCounter();
        EmbeddedDurableRuntime runtime = await EmbeddedDurableRuntime.CreateAsync(EmbeddedDurableRuntime.Settings(hub, storage, runtimeLoggers, storageRequests));
        // First hosted service: it dispatches before the pollers start and stops after they stop.
        builder.Services.AddHostedService(services => new EmbeddedDurableRuntimeService(runtime, services, services.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddHealthChecks().AddCheck("durable-runtime", new EmbeddedDurableRuntimeHealthCheck(runtime), tags: [HealthServices.Ready]);

        builder.Services.AddCitizenWorkflows(config, storageRequests);
        builder.Services.AddOpenCvPortraitQuality(config);
        builder.Services.AddWorkflowTelemetry(config, "citizenworkflows-local");
        // Unhandled errors answer as problem details; a storage outage as 503 with Retry-After.
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<StorageUnavailableHandler>();
        builder.Services.AddLocalPollers(config);
        builder.Services.AddSingleton<DurableTaskClient>(new OrchestrationServiceClient(runtime.Client));
        if (config[HostCounters.FileSetting] is { Length: > 0 } countersFile)
        {
            // For a tool in another process (the load driver): what a run cost this host.
            builder.Services.AddHostedService(_ => new HostCountersFile(countersFile, runtime.WorkItems, storageRequests));
        }

        WebApplication app = builder.Build();
        app.Services.GetRequiredService<WorkflowMetrics>().ObserveWorkItems(
            () => runtime.WorkItems.OrchestrationWorkItems, () => runtime.WorkItems.ActivityWorkItems);
        // Load the portrait models now: a missing opencv-data or libgtk-3-0 should stop the host with its message,
        // not fail every application's biometric check later.
        _ = app.Services.GetRequiredService<IPortraitQuality>();
        // Authenticate, then limit per caller, then authorise (the area check reads storage): ApiGate does the same in the Functions app.
        app.UseExceptionHandler();
        app.Use(CountStorageUnderApiArea);
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        LocalApi.MapAll(app);
        if (identities is not null)
        {
            app.MapLocalIdentityProvider();
        }

        await app.StartAsync(cancellationToken);

        ILogger log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<LocalHost>();
        string urls = string.Join(", ", app.Urls);
        LocalHostLog.Started(log, urls, hub.Name, hub.PartitionCount, keysFile ?? "configuration", identities?.Path ?? "none (Local:IdentityProvider:Enabled=false)");
        return new LocalHost(app, runtime, runtimeLoggers);
    }

    /// <summary>Storage requests an HTTP call causes (its authorisation included) count under the route's API area.</summary>
    static async Task CountStorageUnderApiArea(HttpContext context, RequestDelegate next)
    {
        string? route = context.GetEndpoint()?.Metadata.GetMetadata<RouteRule>()?.Route;
        using (StorageCaller.Enter(route is null ? StorageCaller.Other : ApiRoutes.TagOf(route)))
        {
            await next(context);
        }
    }

    /// <summary>The first HTTP address the API listens on, with a wildcard host made concrete.</summary>
    public Uri BaseAddress => LoopbackAddress.From(App.Urls.First());

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await runtime.DisposeAsync();
        runtimeLoggers.Dispose();
    }
}

static partial class LocalHostLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "CitizenWorkflows Local host listening on {Urls}; task hub {TaskHub} with {Partitions} partitions; API keys from {KeySource}; OpenID provider accounts in {Accounts}")]
    public static partial void Started(ILogger logger, string urls, string taskHub, int partitions, string keySource, string accounts);
}
