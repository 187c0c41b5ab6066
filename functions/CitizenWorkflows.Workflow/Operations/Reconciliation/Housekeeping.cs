using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CitizenWorkflows.Workflow.Intake.OfflinePackets;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Workflow.Operations.Reconciliation;

/// <summary>How many stale entries one housekeeping pass deleted, and whether more are left for the next.</summary>
public sealed record HousekeepingResult(int IdempotencyKeysDeleted, int NoncesDeleted, int ReceiptsDeleted, bool MoreLeft);

/// <summary>
/// Deletes ledger entries whose window has passed, at most <see cref="HousekeepingOptions.MaxDeletesPerTable"/> per
/// table per pass: idempotency keys claimed before <see cref="HousekeepingOptions.IdempotencyRetention"/>, kiosk nonces
/// whose request time is older than <see cref="HousekeepingOptions.NonceRetention"/> (such a request is refused as
/// expired anyway), and packet receipts older than <see cref="HousekeepingOptions.ReceiptRetention"/> that are counted
/// and whose blob version has left <c>packets</c>. Each delete is conditional on the entry being unchanged since read.
/// </summary>
public sealed class Housekeeping(TableServiceClient tables, BlobServiceClient blobs, IOptionsMonitor<ReconciliationOptions> options, TimeProvider clock)
{
    public async Task<HousekeepingResult> SweepAsync(CancellationToken cancellationToken)
    {
        HousekeepingOptions o = options.CurrentValue.Housekeeping;
        DateTimeOffset now = clock.GetUtcNow();
        int max = Math.Max(1, o.MaxDeletesPerTable);

        (int idempotency, bool moreIdempotency) = await DeleteAsync(
            StorageNames.IdempotencyTable, TableClient.CreateQueryFilter($"ClaimedAt lt {now - o.IdempotencyRetention}"), max, null, cancellationToken);
        (int nonces, bool moreNonces) = await DeleteAsync(
            NonceLedger.TableName, TableClient.CreateQueryFilter($"RequestTimestamp lt {now - o.NonceRetention}"), max, null, cancellationToken);

        BlobContainerClient inbox = blobs.GetBlobContainerClient(OfflinePacketStorage.InboxContainer);
        (int receipts, bool moreReceipts) = await DeleteAsync(
            OfflinePacketStorage.ReceiptsTable,
            TableClient.CreateQueryFilter($"ProcessedAt lt {now - o.ReceiptRetention} and Counted eq {true}"),
            max,
            async (row, ct) =>
            {
                // A receipt still guards its blob version while that version waits in the inbox.
                string? name = row.GetString("BlobName");
                if (name is null)
                {
                    return true;
                }

                try
                {
                    ETag current = (await inbox.GetBlobClient(name).GetPropertiesAsync(cancellationToken: ct)).Value.ETag;
                    return PacketReceipts.RowKeyFor(current) != row.RowKey;
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    return true;
                }
            },
            cancellationToken);

        return new HousekeepingResult(idempotency, nonces, receipts, moreIdempotency || moreNonces || moreReceipts);
    }

    async Task<(int Deleted, bool MoreLeft)> DeleteAsync(
        string table, string filter, int max, Func<TableEntity, CancellationToken, Task<bool>>? mayDelete, CancellationToken cancellationToken)
    {
        TableClient client = tables.GetTableClient(table);
        var stale = new List<TableEntity>();
        bool moreLeft = false;
        try
        {
            await foreach (TableEntity row in client.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken))
            {
                if (stale.Count == max)
                {
                    moreLeft = true;
                    break;
                }

                stale.Add(row);
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return (0, false); // The table was never created: nothing to sweep.
        }

        int deleted = 0;
        await Parallel.ForEachAsync(stale, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (row, ct) =>
        {
            if (mayDelete is not null && !await mayDelete(row, ct))
            {
                return;
            }

            try
            {
                await client.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, ct);
                Interlocked.Increment(ref deleted);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Deleted by another pass, or used again since it was read: leave it.
            }
        });
        return (deleted, moreLeft);
    }
}
