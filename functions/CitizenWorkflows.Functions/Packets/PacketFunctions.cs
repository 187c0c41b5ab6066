using Azure.Storage.Blobs;
using CitizenWorkflows.Workflow.Intake.OfflinePackets;
using CitizenWorkflows.Workflow.Lifecycle;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CitizenWorkflows.Functions.Packets;

/// <summary>
/// Offline packets: a packet uploaded to <c>packets</c> is processed by the shared <see cref="PacketProcessor"/> (the
/// Local host polls the container instead). The Event Grid source is the blob trigger the Flex Consumption plan runs;
/// it needs an Event Grid subscription on the storage account for BlobCreated in <c>packets</c>. The trigger's
/// <see cref="BlobClient"/> is only a handle: the processor reads the blob itself, under a lease.
/// </summary>
public sealed class PacketFunctions(PacketProcessor processor)
{
    [Function(PolledTriggers.ProcessOfflinePacket)]
    public Task ProcessOfflinePacket(
        [BlobTrigger(OfflinePacketStorage.TriggerPath, Source = BlobTriggerSource.EventGrid)] BlobClient packet,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(packet);
        return processor.ProcessAsync(packet.Name, client, cancellationToken);
    }
}
