using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Workflow.Intake.OfflinePackets;

/// <summary>
/// The one entry point for an uploaded packet, called by the Functions app's blob trigger and the Local host's poller:
/// lease the blob (one processor at a time), read it (<see cref="PacketReader"/>), take it in (<see cref="PacketIntake"/>),
/// write its receipt, count it, then delete it (accepted: its documents now live with the application) or move it to
/// <c>packets-quarantine</c> with metadata <c>rule</c> and <c>reason</c> (refused). Each step can be repeated: a blob met
/// again with a receipt is only finished, and intake itself is idempotent, so one packet starts one workflow however
/// often it is processed or uploaded.
/// </summary>
public sealed partial class PacketProcessor(
    BlobServiceClient blobs,
    PacketIntake intake,
    PacketReceipts receipts,
    PacketStatistics statistics,
    TimeProvider clock,
    ILogger<PacketProcessor> log)
{
    /// <summary>Longer than reading, storing and starting take (the intake waits at most 20 s for a concurrent duplicate).</summary>
    static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(60);

    const int MaxMetadataValueLength = 1024;

    BlobContainerClient Inbox => blobs.GetBlobContainerClient(OfflinePacketStorage.InboxContainer);

    BlobContainerClient Quarantine => blobs.GetBlobContainerClient(OfflinePacketStorage.QuarantineContainer);

    /// <summary>Processes the packet blob <paramref name="blobName"/> of the <c>packets</c> container.</summary>
    /// <param name="client">Starts the workflow (the hosts pass theirs, as they do to the HTTP endpoints).</param>
    public async Task<PacketOutcome> ProcessAsync(string blobName, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        ArgumentNullException.ThrowIfNull(client);
        BlobClient blob = Inbox.GetBlobClient(blobName);
        BlobProperties properties;
        try
        {
            properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return new PacketOutcome.Skipped("the packet is no longer in the container (already processed)");
        }

        // One processor per packet at a time: the receipt is read, written and acted on under the lease.
        ETag etag = properties.ETag;
        BlobLeaseClient lease = blob.GetBlobLeaseClient();
        try
        {
            await lease.AcquireAsync(LeaseDuration, new RequestConditions { IfMatch = etag }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
        {
            // 409: another processor holds it; 412/404: replaced or removed since it was read (its own run handles that).
            return new PacketOutcome.Skipped(e.Status == 409 ? "another processor holds the packet" : "the packet changed while it was read");
        }

        try
        {
            // A receipt already there: processed before but not finished (a crash before the blob left); only finish it.
            PacketReceipt receipt = await receipts.GetAsync(blobName, etag, cancellationToken)
                ?? await receipts.AddOrGetAsync(
                    PacketReceipt.For(blobName, etag, await EvaluateAsync(blob, properties, client, cancellationToken), clock.GetUtcNow()),
                    cancellationToken);
            return await FinishAsync(blob, receipt, lease.LeaseId, cancellationToken);
        }
        catch
        {
            // Let the next attempt (poll or trigger retry) have it at once instead of after the lease runs out.
            await ReleaseQuietlyAsync(lease);
            throw;
        }
    }

    async Task<PacketOutcome> EvaluateAsync(BlobClient blob, BlobProperties properties, DurableTaskClient client, CancellationToken cancellationToken)
    {
        if (properties.ContentLength > PacketReader.MaxPacketBytes)
        {
            return new PacketOutcome.Quarantined(PacketRules.TooLarge,
                $"The packet is {properties.ContentLength} bytes; at most {PacketReader.MaxPacketBytes} are accepted.");
        }

        BlobDownloadResult download = (await blob.DownloadContentAsync(
            new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = properties.ETag } }, cancellationToken)).Value;
        PacketReadResult read = PacketReader.Read(download.Content.ToMemory());
        if (read.Packet is null)
        {
            LogRefused(log, read.Refusal!.Rule);
            return new PacketOutcome.Quarantined(read.Refusal.Rule, read.Refusal.Reason);
        }

        return await intake.AcceptAsync(read.Packet, SourceOf(blob.Name, properties.ETag), client, cancellationToken);
    }

    /// <summary>Counts the outcome (once) and takes the blob out of <c>packets</c>: deleted, or moved to quarantine.</summary>
    async Task<PacketOutcome> FinishAsync(BlobClient blob, PacketReceipt receipt, string leaseId, CancellationToken cancellationToken)
    {
        if (!receipt.Counted)
        {
            // Between the increment and the mark a crash would count twice; never zero times.
            await statistics.IncrementAsync(PacketStatistics.DayOf(receipt.ProcessedAt), receipt.Kind, cancellationToken);
            await receipts.MarkCountedAsync(receipt, cancellationToken);
        }

        try
        {
            if (receipt.Kind == PacketReceiptKind.Quarantined)
            {
                await CopyToQuarantineAsync(blob, receipt, cancellationToken);
            }

            await blob.DeleteAsync(
                DeleteSnapshotsOption.IncludeSnapshots, new BlobRequestConditions { IfMatch = receipt.ETag, LeaseId = leaseId }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            // Gone already, or the lease ran out and another processor took over (it finishes the packet).
            LogFinishDeferred(log, receipt.Kind, e.Status, e.ErrorCode);
        }

        LogProcessed(log, receipt.Kind, receipt.ApplicationId, receipt.Rule);
        return receipt.Outcome;
    }

    /// <summary>
    /// Copies the packet into quarantine under its own name (or, when a different upload of that name is there
    /// already, under <c>{name}.{etag}</c>), with metadata <c>rule</c>, <c>reason</c>, <c>sourceetag</c> and
    /// <c>quarantinedat</c>. Repeating it rewrites the same copy.
    /// </summary>
    async Task CopyToQuarantineAsync(BlobClient source, PacketReceipt receipt, CancellationToken cancellationToken)
    {
        string etag = PacketReceipts.RowKeyFor(receipt.ETag);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["rule"] = MetadataValue(receipt.Rule ?? ""),
            ["reason"] = MetadataValue(receipt.Reason ?? ""),
            ["sourceetag"] = MetadataValue(etag),
            ["quarantinedat"] = receipt.ProcessedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        };

        BlobClient target = Quarantine.GetBlobClient(source.Name);
        try
        {
            BlobProperties existing = (await target.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            if (!existing.Metadata.TryGetValue("sourceetag", out string? copied) || copied != etag)
            {
                target = Quarantine.GetBlobClient($"{source.Name}.{etag}");
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Nothing of that name in quarantine yet.
        }

        await using Stream content = await source.OpenReadAsync(
            new BlobOpenReadOptions(allowModifications: false) { Conditions = new BlobRequestConditions { IfMatch = receipt.ETag } }, cancellationToken);
        await target.UploadAsync(content, new BlobUploadOptions
        {
            Metadata = metadata,
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/zip" },
        }, cancellationToken);
    }

    /// <summary>Names this upload: the blob and its version.</summary>
    public static string SourceOf(string blobName, ETag etag) => $"{blobName}@{PacketReceipts.RowKeyFor(etag)}";

    /// <summary>Blob metadata travels as HTTP headers: ASCII only (Vietnamese letters lose their marks), one line, bounded.</summary>
    public static string MetadataValue(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ascii = new StringBuilder(Math.Min(text.Length, MaxMetadataValueLength));
        foreach (char c in text.Replace('đ', 'd').Replace('Đ', 'D').Normalize(NormalizationForm.FormD))
        {
            if (ascii.Length >= MaxMetadataValueLength)
            {
                break;
            }

            if (char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            ascii.Append(c switch
            {
                >= ' ' and <= '~' => c,
                '–' or '—' or '−' => '-',
                '…' => '.',
                _ => '?',
            });
        }

        return ascii.ToString().Trim();
    }

    static async Task ReleaseQuietlyAsync(BlobLeaseClient lease)
    {
        try
        {
            await lease.ReleaseAsync(cancellationToken: CancellationToken.None);
        }
        catch (RequestFailedException)
        {
            // The lease runs out by itself.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Offline packet processed: {Outcome} (application {ApplicationId}, rule {Rule})")]
    static partial void LogProcessed(ILogger logger, PacketReceiptKind outcome, string? applicationId, string? rule);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offline packet unreadable: {Rule}")]
    static partial void LogRefused(ILogger logger, string rule);

    [LoggerMessage(Level = LogLevel.Information, Message = "Offline packet ({Outcome}) left for another processor to remove: {Status} {Error}")]
    static partial void LogFinishDeferred(ILogger logger, PacketReceiptKind outcome, int status, string? error);
}
