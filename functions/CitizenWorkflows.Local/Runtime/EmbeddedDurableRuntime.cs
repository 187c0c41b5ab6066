using System.Net;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;

namespace CitizenWorkflows.Local.Runtime;

/// <summary>
/// The durable runtime on one machine: <see cref="AzureStorageOrchestrationService"/> (the storage provider Durable
/// Functions uses in Azure) behind the in-process gRPC sidecar, on a loopback port that only this process uses.
/// </summary>
public sealed class EmbeddedDurableRuntime : IAsyncDisposable
{
    readonly WebApplication sidecar;

    EmbeddedDurableRuntime(WebApplication sidecar, CountingOrchestrationService service, IOrchestrationServiceClient client, GrpcChannel channel)
    {
        this.sidecar = sidecar;
        Service = service;
        Client = client;
        Channel = channel;
    }

    /// <summary>The orchestration service the sidecar dispatches from, with its work-item counts.</summary>
    public CountingOrchestrationService Service { get; }

    /// <summary>The orchestration service's own client: stored history, which the sidecar does not serve.</summary>
    public IOrchestrationServiceClient Client { get; }

    /// <summary>The channel the worker and client use to reach the sidecar.</summary>
    public GrpcChannel Channel { get; }

    public static AzureStorageOrchestrationServiceSettings Settings(TaskHubOptions hub, string storageConnectionString, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(hub);
        if (hub.Settings == TaskHubSettings.Default)
        {
            return new AzureStorageOrchestrationServiceSettings
            {
                StorageAccountClientProvider = new StorageAccountClientProvider(storageConnectionString),
                TaskHubName = hub.Name,
                WorkerId = hub.WorkerId,
                LoggerFactory = loggerFactory,
            };
        }

        return new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(storageConnectionString),
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
            LoggerFactory = loggerFactory,
        };
    }

    public static Task<EmbeddedDurableRuntime> StartAsync(
        AzureStorageOrchestrationServiceSettings settings, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var service = new AzureStorageOrchestrationService(settings);
        return StartAsync(service, service, loggerFactory, cancellationToken);
    }

    /// <summary>The in-memory orchestration service (state dies with the process): the upper bound in benchmarks.</summary>
    public static Task<EmbeddedDurableRuntime> StartInMemoryAsync(ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var service = new InMemoryOrchestrationService(loggerFactory);
        return StartAsync(service, service, loggerFactory, cancellationToken);
    }

    static async Task<EmbeddedDurableRuntime> StartAsync(
        IOrchestrationService orchestrations, IOrchestrationServiceClient clients, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        await orchestrations.CreateIfNotExistsAsync();
        var service = new CountingOrchestrationService(orchestrations);

        // An empty builder: the sidecar must not pick up the API's configuration (URLs, logging); it listens on its own loopback port.
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRouting();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = 16 * 1024 * 1024);
        builder.Services.AddSingleton<IOrchestrationService>(service);
        builder.Services.AddSingleton(clients);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        WebApplication sidecar = builder.Build();
        sidecar.MapGrpcService<TaskHubGrpcServer>();
        await sidecar.StartAsync(cancellationToken);

        string address = sidecar.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = 16 * 1024 * 1024 });
        return new EmbeddedDurableRuntime(sidecar, service, clients, channel);
    }

    public async ValueTask DisposeAsync()
    {
        await sidecar.StopAsync();
        await sidecar.DisposeAsync();
        Channel.Dispose();
    }
}
