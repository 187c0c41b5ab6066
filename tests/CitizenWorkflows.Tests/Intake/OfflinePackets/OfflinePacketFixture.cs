using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Intake.OfflinePackets;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;

namespace CitizenWorkflows.Tests.Intake.OfflinePackets;

/// <summary>
/// The in-process pieces of offline-packet intake on a private Azurite: the shared services (<c>AddCitizenWorkflows</c>,
/// their initializers run) and a real <see cref="DurableTaskClient"/> from the in-memory
/// test host, whose worker runs the real workflow.
/// </summary>
public sealed class OfflinePacketFixture : IAsyncLifetime
{
    // The shared in-memory workflow host already registers everything packets need (AddCitizenWorkflows).
    readonly InMemoryWorkflowFixture workflow = new();

    public AzuriteFixture Azurite => workflow.Azurite;

    public DurableTaskTestHost Host => workflow.Host;

    public DurableTaskClient Client => workflow.Client;

    public T Service<T>()
        where T : notnull => workflow.Service<T>();

    public PacketProcessor Processor => Service<PacketProcessor>();

    public BlobContainerClient Inbox => Service<BlobServiceClient>().GetBlobContainerClient(OfflinePacketStorage.InboxContainer);

    public BlobContainerClient Quarantine => Service<BlobServiceClient>().GetBlobContainerClient(OfflinePacketStorage.QuarantineContainer);

    public Task InitializeAsync() => workflow.InitializeAsync();

    public Task DisposeAsync() => workflow.DisposeAsync();

    /// <summary>A newly registered, active kiosk (fixed in <paramref name="province"/> unless mobile).</summary>
    public async Task<Kiosk> RegisterKioskAsync(string province = "079", bool mobile = false) =>
        (await Service<KioskRegistry>().RegisterAsync("kiosk-" + Guid.NewGuid().ToString("N")[..12], province, null, mobile, CancellationToken.None))!;

    public async Task<ETag> UploadAsync(string blobName, byte[] packet) =>
        (await Inbox.GetBlobClient(blobName).UploadAsync(BinaryData.FromBytes(packet), overwrite: true)).Value.ETag;

    public async Task<PacketOutcome> UploadAndProcessAsync(string blobName, byte[] packet)
    {
        await UploadAsync(blobName, packet);
        return await Processor.ProcessAsync(blobName, Client, CancellationToken.None);
    }

    public async Task<bool> InInboxAsync(string blobName) => await Inbox.GetBlobClient(blobName).ExistsAsync();

    public async Task<IReadOnlyList<string>> InstanceIdsAsync()
    {
        var ids = new List<string>();
        await foreach (OrchestrationMetadata instance in Client.GetAllInstancesAsync(new OrchestrationQuery()))
        {
            ids.Add(instance.InstanceId);
        }

        return ids;
    }

    /// <summary>Every blob in the documents container (all applications).</summary>
    public async Task<IReadOnlyList<string>> DocumentNamesAsync()
    {
        var names = new List<string>();
        await foreach (BlobItem item in Service<BlobServiceClient>().GetBlobContainerClient(StorageNames.DocumentsContainer).GetBlobsAsync())
        {
            names.Add(item.Name);
        }

        return names;
    }

    public Task<PacketCounts> CountsTodayAsync() =>
        Service<PacketStatistics>().GetAsync(PacketStatistics.DayOf(DateTimeOffset.UtcNow), CancellationToken.None);
}
