using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CitizenWorkflows.Workflow.Kiosks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CitizenWorkflows.Workflow.Intake.OfflinePackets;

/// <summary>Registers offline-packet intake for both hosts.</summary>
public static class OfflinePacketServices
{
    /// <summary>
    /// Adds <see cref="PacketProcessor"/> (the entry point) and what it uses, the kiosk registry and nonce ledger
    /// (<see cref="KioskServices.AddKioskIntake"/>), and <see cref="OfflinePacketStorageInitializer"/>, which creates the
    /// containers and tables at start. Needs what <c>AddCitizenWorkflows</c> registers (storage clients, <see cref="IntakeService"/>).
    /// </summary>
    public static IServiceCollection AddOfflinePackets(this IServiceCollection services)
    {
        services.AddKioskIntake();
        services.TryAddSingleton<PacketNonces>();
        services.TryAddSingleton<PacketReceipts>();
        services.TryAddSingleton<PacketStatistics>();
        services.TryAddSingleton<PacketIntake>();
        services.TryAddSingleton<PacketProcessor>();
        services.AddHostedService<OfflinePacketStorageInitializer>();
        return services;
    }
}

/// <summary>Creates <c>packets</c>, <c>packets-quarantine</c>, <c>packetreceipts</c>, <c>packetstats</c> and
/// <c>packetnonces</c> at start-up (idempotent).</summary>
public sealed class OfflinePacketStorageInitializer(BlobServiceClient blobs, TableServiceClient tables) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(
            blobs.GetBlobContainerClient(OfflinePacketStorage.InboxContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            blobs.GetBlobContainerClient(OfflinePacketStorage.QuarantineContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            tables.GetTableClient(OfflinePacketStorage.ReceiptsTable).CreateIfNotExistsAsync(cancellationToken),
            tables.GetTableClient(OfflinePacketStorage.StatisticsTable).CreateIfNotExistsAsync(cancellationToken),
            tables.GetTableClient(OfflinePacketStorage.NonceClaimsTable).CreateIfNotExistsAsync(cancellationToken));

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
