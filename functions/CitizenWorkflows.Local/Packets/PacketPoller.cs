using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CitizenWorkflows.Workflow.Intake.OfflinePackets;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Local.Packets;

/// <summary>Configuration section <c>Packets</c> of the Local host.</summary>
public sealed class PacketPollerOptions
{
    public const string SectionName = "Packets";

    /// <summary>Poll the <c>packets</c> container at all (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long to wait after a pass over the container before listing it again.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// The Local host's stand-in for the Functions app's blob trigger: lists the <c>packets</c> container every
/// <see cref="PacketPollerOptions.PollInterval"/> and hands each blob to <see cref="PacketProcessor.ProcessAsync"/>.
/// Several hosts may poll the same container: the processor leases each blob, and a packet's outcome is decided once.
/// </summary>
public sealed partial class PacketPoller(
    PacketProcessor processor,
    BlobServiceClient blobs,
    DurableTaskClient client,
    IOptionsMonitor<PacketPollerOptions> options,
    ILogger<PacketPoller> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using StorageCaller.Scope sweeps = StorageCaller.Enter(StorageCaller.Sweeps);
        if (!options.CurrentValue.Enabled)
        {
            LogDisabled(log);
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            await PollOnceAsync(stoppingToken);
            TimeSpan interval = options.CurrentValue.PollInterval;
            await Task.Delay(interval > TimeSpan.Zero ? interval : TimeSpan.FromSeconds(1), stoppingToken);
        }
    }

    /// <summary>One pass: every packet in the container now; returns how many were taken out of it.</summary>
    public async Task<int> PollOnceAsync(CancellationToken cancellationToken)
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
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Storage unreachable (an outage, an emulator restart): the host must outlive it; the next pass lists again.
            LogFailed(log, e);
        }

        return finished;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Offline packet polling is disabled (Packets:Enabled=false)")]
    static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offline packet processing failed; retried on the next pass")]
    static partial void LogFailed(ILogger logger, Exception exception);
}
