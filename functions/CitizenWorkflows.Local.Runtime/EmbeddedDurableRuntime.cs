using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Storage;
using CitizenWorkflows.Workflow.Telemetry;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;

namespace CitizenWorkflows.Local.Runtime;

/// <summary>
/// The durable runtime on one machine, on the path Durable Functions takes in Azure: DurableTask.Core's dispatcher
/// (<see cref="TaskHubWorker"/>) over <see cref="AzureStorageOrchestrationService"/>, in this process, running the
/// Workflow's orchestrators and activities through the SDK's shims.
/// </summary>
public sealed class EmbeddedDurableRuntime : IAsyncDisposable
{
    readonly AzureStorageOrchestrationService service;
    TaskHubWorker? worker;

    EmbeddedDurableRuntime(AzureStorageOrchestrationService service) => this.service = service;

    /// <summary>
    /// How inputs, outputs and events are written: the SDK's System.Text.Json converter, the one the shims read with,
    /// so the client writes it too (TaskHubClient's own converter writes Newtonsoft JSON with <c>$type</c>).
    /// </summary>
    public static DataConverter Converter => Microsoft.DurableTask.Converters.JsonDataConverter.Default;

    /// <summary>The orchestration service's own client: start, events, state, queries, purge, stored history.</summary>
    public IOrchestrationServiceClient Client => service;

    /// <summary>Orchestration episodes and activity executions the dispatchers ran.</summary>
    public WorkItemCounts WorkItems { get; } = new();

    /// <summary>The provider's settings; its own storage clients count their requests in <paramref name="requests"/> as
    /// the runtime's.</summary>
    public static AzureStorageOrchestrationServiceSettings Settings(
        TaskHubOptions hub, string storageConnectionString, ILoggerFactory loggerFactory, StorageRequestCounter? requests = null)
    {
        ArgumentNullException.ThrowIfNull(hub);
        StorageAccountClientProvider clients = requests is null
            ? new StorageAccountClientProvider(storageConnectionString)
            : new StorageAccountClientProvider(
                StorageServiceClientProvider.ForBlob(storageConnectionString, requests.Count(new BlobClientOptions(), StorageService.Blob, StorageCaller.Runtime)),
                StorageServiceClientProvider.ForQueue(storageConnectionString, requests.Count(
                    new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None }, StorageService.Queue, StorageCaller.Runtime)),
                StorageServiceClientProvider.ForTable(storageConnectionString, requests.Count(new TableClientOptions(), StorageService.Table, StorageCaller.Runtime)));
        if (hub.Settings == TaskHubSettings.Default)
        {
            return new AzureStorageOrchestrationServiceSettings
            {
                StorageAccountClientProvider = clients,
                TaskHubName = hub.Name,
                WorkerId = hub.WorkerId,
                LoggerFactory = loggerFactory,
            };
        }

        return new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = clients,
            TaskHubName = hub.Name,
            PartitionCount = hub.PartitionCount,
            WorkerId = hub.WorkerId,
            UseTablePartitionManagement = true,
            PartitionTableOperationTimeout = hub.PartitionTableOperationTimeout,
            MaxQueuePollingInterval = hub.MaxQueuePollingInterval,
            ControlQueueVisibilityTimeout = hub.VisibilityTimeout,
            WorkItemQueueVisibilityTimeout = hub.VisibilityTimeout,
            MaxConcurrentTaskOrchestrationWorkItems = hub.MaxConcurrentOrchestrations,
            MaxConcurrentTaskActivityWorkItems = hub.MaxConcurrentActivities,
            ExtendedSessionsEnabled = hub.ExtendedSessions,
            ExtendedSessionIdleTimeout = hub.ExtendedSessionIdleTimeout,
            LoggerFactory = loggerFactory,
        };
    }

    /// <summary>Creates the task hub's queues, tables and containers if missing; dispatches nothing yet.</summary>
    public static async Task<EmbeddedDurableRuntime> CreateAsync(AzureStorageOrchestrationServiceSettings settings)
    {
        var service = new AzureStorageOrchestrationService(settings);
        await service.CreateIfNotExistsAsync();
        return new EmbeddedDurableRuntime(service);
    }

    /// <summary>
    /// Starts dispatching every orchestrator and activity in <see cref="WorkflowCatalog"/>, constructed from
    /// <paramref name="services"/> per execution.
    /// </summary>
    public Task StartAsync(IServiceProvider services, ILoggerFactory loggerFactory) =>
        StartAsync(services, loggerFactory, WorkflowCatalog.Orchestrators, WorkflowCatalog.Activities);

    /// <summary>True between a successful start and the stop.</summary>
    public bool Dispatching => Volatile.Read(ref worker) is not null;

    /// <summary>Starts dispatching the given orchestrators and activities, by the names they run under.</summary>
    public async Task StartAsync(
        IServiceProvider services, ILoggerFactory loggerFactory, IReadOnlyDictionary<string, Type> orchestrators, IReadOnlyDictionary<string, Type> activities)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(orchestrators);
        ArgumentNullException.ThrowIfNull(activities);
        if (worker is not null)
        {
            throw new InvalidOperationException("The runtime's worker has started already.");
        }

        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { DataConverter = Converter }, loggerFactory);
        var creators = new WorkflowTaskCreators(services, shims);
        var started = new TaskHubWorker(new OutageTolerantOrchestrationService(service), loggerFactory)
        {
            // The shims turn failure details into the SDK's TaskFailedException; without them an activity's error is lost.
            ErrorPropagationMode = ErrorPropagationMode.UseFailureDetails,
        };
        started.AddTaskOrchestrations([.. orchestrators.Select(o => creators.Orchestration(o.Key, o.Value))]);
        started.AddTaskActivities([.. activities.Select(a => creators.Activity(a.Key, a.Value))]);
        WorkItems.CountOn(started);
        // What an activity does in storage is the activities' cost, not the runtime's: its clients count it so.
        // Every line an episode or activity logs names its application (the instance id) in a scope.
        ILogger scopes = loggerFactory.CreateLogger<EmbeddedDurableRuntime>();
        started.AddActivityDispatcherMiddleware(async (context, next) =>
        {
            using (StorageCaller.Enter(StorageCaller.Activities))
            using (LogScopes.Application(scopes, context.GetProperty<OrchestrationInstance>()?.InstanceId))
            {
                await next();
            }
        });
        started.AddOrchestrationDispatcherMiddleware(async (context, next) =>
        {
            using (LogScopes.Application(scopes, context.GetProperty<OrchestrationInstance>()?.InstanceId))
            {
                await next();
            }
        });
        await started.StartAsync();
        worker = started;
    }

    /// <summary>Stops dispatching: work in flight ends, the partition leases are released for other workers.</summary>
    public async Task StopAsync()
    {
        TaskHubWorker? running = Interlocked.Exchange(ref worker, null);
        if (running is not null)
        {
            await running.StopAsync(isForced: false);
            running.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}

/// <summary>Ready once the runtime's worker dispatches (started, not yet stopped).</summary>
public sealed class EmbeddedDurableRuntimeHealthCheck(EmbeddedDurableRuntime runtime) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
{
    public Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(runtime.Dispatching
            ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy("The durable runtime dispatches.")
            : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy("The durable runtime is not dispatching."));
}

/// <summary>
/// Runs the <see cref="EmbeddedDurableRuntime"/>'s worker with the host: started before the API listens, stopped after it.
/// </summary>
public sealed class EmbeddedDurableRuntimeService(EmbeddedDurableRuntime runtime, IServiceProvider services, ILoggerFactory loggerFactory) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => runtime.StartAsync(services, loggerFactory);

    public Task StopAsync(CancellationToken cancellationToken) => runtime.StopAsync();
}
