using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow.Intake.OfflinePackets;
using Microsoft.DurableTask.Client;
using CitizenWorkflows.Local.Pollers;

namespace CitizenWorkflows.Local.Packets;

/// <summary>
/// The Local host's stand-in for the Functions app's blob trigger: each pass hands every blob in the <c>packets</c>
/// container to <see cref="PacketProcessor.ProcessAsync"/>. Several hosts may poll the same container: the processor
/// leases each blob, and a packet's outcome is decided once.
/// </summary>
public sealed partial class OfflinePacketIntake(
    PacketProcessor processor, BlobServiceClient blobs, DurableTaskClient client, ILogger<OfflinePacketIntake> log) : IDueWork
{
    public static string Section => "Packets";

    public static TimeSpan DefaultInterval => TimeSpan.FromSeconds(10);

    public Task RunAsync(CancellationToken cancellationToken) => TakeInboxAsync(cancellationToken);

    /// <summary>Every packet in the container now; returns how many were taken out of it.</summary>
    public async Task<int> TakeInboxAsync(CancellationToken cancellationToken)
    {
        int finished = 0;
        try
        {
            await foreach (BlobItem item in blobs.GetBlobContainerClient(OfflinePacketStorage.InboxContainer)
                               .GetBlobsAsync(cancellationToken: cancellationToken))
            {
                try
                {
                    PacketOutcome outcome = await processor.ProcessAsync(item.Name, client, cancellationToken);
                    finished += outcome is PacketOutcome.Skipped ? 0 : 1;
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // One packet failing (storage hiccup, a bug) must not stop the others; the next pass retries it.
                    LogFailed(log, e);
                }
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The container does not exist yet (the initializer creates it at start).
        }

        return finished;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offline packet processing failed; retried on the next pass")]
    static partial void LogFailed(ILogger logger, Exception exception);
}
