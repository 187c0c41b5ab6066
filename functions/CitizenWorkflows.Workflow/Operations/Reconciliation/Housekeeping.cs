using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Intake.OfflinePackets;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Workflow.Operations.Reconciliation;

/// <summary>A ledger's scan for rows written before its expiry index: since when the index is written, and whether none
/// of those is left.</summary>
sealed record LegacyScan(DateTimeOffset IndexedSince, bool Done, ETag ETag);

/// <summary>How many stale entries one housekeeping pass deleted (and finished workflows it purged), and whether more
/// are left for the next.</summary>
/// <param name="ClaimsReleased">Citizens' claims released because their application had ended (<see cref="CitizenClaims"/>).</param>
public sealed record HousekeepingResult(int IdempotencyKeysDeleted, int NoncesDeleted, int ReceiptsDeleted, bool MoreLeft, int WorkflowsPurged = 0, int ClaimsReleased = 0);

/// <summary>
/// Deletes ledger entries whose window has passed, found through their expiry index (<see cref="LedgerExpiry"/>: a pass
/// reads the hours that have expired, nothing else), at most <see cref="HousekeepingOptions.MaxDeletesPerTable"/> per
/// table per pass: idempotency keys claimed before <see cref="HousekeepingOptions.IdempotencyRetention"/>, kiosk nonces
/// whose request time is older than <see cref="HousekeepingOptions.NonceRetention"/> (such a request is refused as
/// expired anyway), and packet receipts older than <see cref="HousekeepingOptions.ReceiptRetention"/> that are counted
/// and whose blob version has left <c>packets</c>. Each delete is conditional on the entry being unchanged since read.
/// It also purges the runtime state (instance row, history, large-message blobs) of card-application workflows that
/// completed and were created before <see cref="HousekeepingOptions.CompletedWorkflowRetention"/>, when the projection
/// already shows them delivered, rejected or cancelled: the projection, timeline, audit and documents stay. Without it
/// the task hub's tables grow with every application ever made, and every orchestration episode pays for that on
/// storage that scans (Azurite). Citizens' claims whose application ended (an officer's cancel, or an end whose last
/// activity never ran) are released, so no citizen stays blocked.
/// </summary>
public sealed class Housekeeping(
    TableServiceClient tables, BlobServiceClient blobs, CitizenClaims claims, IOptionsMonitor<ReconciliationOptions> options, TimeProvider clock)
{
    const string LegacyPartition = "legacy-scan";

    /// <summary>
    /// How long after the index began the old scan goes on past the cutoff: a claim made just before it began may be
    /// completed (its time moved on) just after, without an entry of its own.
    /// </summary>
    static readonly TimeSpan LegacyMargin = TimeSpan.FromHours(1);

    static readonly (string Ledger, string Table)[] Ledgers =
    [
        (IdempotencyLedger.ExpiryName, StorageNames.IdempotencyTable),
        (NonceLedger.ExpiryName, NonceLedger.TableName),
        (PacketReceipts.ExpiryName, OfflinePacketStorage.ReceiptsTable),
    ];

    readonly LedgerExpiry expiry = new(tables);

    public async Task<HousekeepingResult> SweepAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        HousekeepingOptions o = options.CurrentValue.Housekeeping;
        DateTimeOffset now = clock.GetUtcNow();
        int max = Math.Max(1, o.MaxDeletesPerTable);

        HousekeepingResult ledgers = await ExpireLedgersAsync(cancellationToken);
        int released = await claims.ReleaseEndedAsync(client, max, cancellationToken);
        (int purged, bool morePurges) = await PurgeFinishedWorkflowsAsync(client, now - o.CompletedWorkflowRetention, Math.Max(1, o.MaxWorkflowPurges), cancellationToken);
        return ledgers with { MoreLeft = ledgers.MoreLeft || morePurges || released == max, WorkflowsPurged = purged, ClaimsReleased = released };
    }

    /// <summary>The ledgers' part of a pass: idempotency keys, kiosk nonces and packet receipts whose window has passed.</summary>
    public async Task<HousekeepingResult> ExpireLedgersAsync(CancellationToken cancellationToken)
    {
        HousekeepingOptions o = options.CurrentValue.Housekeeping;
        DateTimeOffset now = clock.GetUtcNow();
        int max = Math.Max(1, o.MaxDeletesPerTable);
        IReadOnlyDictionary<string, LegacyScan> legacy = await LegacyScansAsync(now, cancellationToken);
        (int idempotency, bool moreIdempotency) = await ExpireAsync(
            IdempotencyLedger.ExpiryName, StorageNames.IdempotencyTable, "ClaimedAt", now - o.IdempotencyRetention, null, max, null, legacy, cancellationToken);
        (int nonces, bool moreNonces) = await ExpireAsync(
            NonceLedger.ExpiryName, NonceLedger.TableName, "RequestTimestamp", now - o.NonceRetention, null, max, null, legacy, cancellationToken);

        BlobContainerClient inbox = blobs.GetBlobContainerClient(OfflinePacketStorage.InboxContainer);
        (int receipts, bool moreReceipts) = await ExpireAsync(
            PacketReceipts.ExpiryName,
            OfflinePacketStorage.ReceiptsTable,
            "ProcessedAt",
            now - o.ReceiptRetention,
            TableClient.CreateQueryFilter($"Counted eq {true}"),
            max,
            async (row, ct) =>
            {
                // A receipt is kept until counted, and while its blob version still waits in the inbox it guards it.
                if (row.GetBoolean("Counted") != true)
                {
                    return false;
                }

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
            legacy,
            cancellationToken);
        return new HousekeepingResult(idempotency, nonces, receipts, moreIdempotency || moreNonces || moreReceipts);
    }

    async Task<(int Purged, bool MoreLeft)> PurgeFinishedWorkflowsAsync(DurableTaskClient client, DateTimeOffset createdBefore, int max, CancellationToken cancellationToken)
    {
        var ended = new List<string>();
        bool moreLeft = false;
        // Terminated: an officer's terminate (the projection then says Cancelled); it ends a workflow as surely as completing.
        var query = new OrchestrationQuery
        {
            Statuses = [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Terminated],
            CreatedTo = createdBefore,
            PageSize = 100,
        };
        await foreach (OrchestrationMetadata instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            if (instance.Name != CardApplicationOrchestration.Name)
            {
                continue;
            }

            if (ended.Count == max)
            {
                moreLeft = true;
                break;
            }

            ended.Add(instance.InstanceId);
        }

        TableClient applications = tables.GetTableClient(StorageNames.ApplicationsTable);
        int purged = 0;
        int failed = 0;
        await Parallel.ForEachAsync(ended, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            try
            {
                // Only what the projection already shows finished: a row that lags is repaired from the instance, and a
                // workflow that ended in Failed may be re-driven from its input, so both keep their runtime state.
                NullableResponse<TableEntity> row = await applications.GetEntityIfExistsAsync<TableEntity>(id, ApplicationRowKey.Of(id), ["Stage"], ct);
                if (row.HasValue
                    && Enum.TryParse(row.Value!.GetString("Stage"), out ApplicationStage stage)
                    && stage.IsFinal()
                    && stage != ApplicationStage.Failed)
                {
                    PurgeResult result = await client.PurgeInstanceAsync(id, cancellation: ct);
                    Interlocked.Add(ref purged, result.PurgedInstanceCount);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One workflow that cannot be purged now must not cost the run its report: the next run tries again.
                Interlocked.Increment(ref failed);
            }
        });
        return (purged, moreLeft || failed > 0);
    }

    /// <summary>
    /// Expired rows of one ledger: through its expiry index (<see cref="LedgerExpiry"/>), and, while rows written before
    /// the index may be left, by the old scan on the time column too (<see cref="LegacyScan"/>).
    /// </summary>
    async Task<(int Deleted, bool MoreLeft)> ExpireAsync(
        string ledger, string table, string timeColumn, DateTimeOffset cutoff, string? alsoRequired, int max,
        Func<TableEntity, CancellationToken, Task<bool>>? mayDelete, IReadOnlyDictionary<string, LegacyScan> legacy, CancellationToken cancellationToken)
    {
        int scanned = 0;
        bool scanLeft = false;
        if (legacy.TryGetValue(ledger, out LegacyScan? scan) && !scan.Done)
        {
            string filter = timeColumn + " " + TableClient.CreateQueryFilter($"lt {cutoff}") + (alsoRequired is null ? "" : " and " + alsoRequired);
            (scanned, scanLeft) = await DeleteAsync(table, filter, max, mayDelete, cancellationToken);
            // Done once every row older than the index is past the cutoff and none of those is left.
            if (!scanLeft && cutoff >= scan.IndexedSince + LegacyMargin)
            {
                await FinishLegacyScanAsync(ledger, scan, cancellationToken);
            }
        }

        if (scanned >= max)
        {
            return (scanned, true);
        }

        (int deleted, bool moreLeft) = await expiry.SweepAsync(ledger, table, timeColumn, cutoff, max - scanned, mayDelete, cancellationToken);
        return (scanned + deleted, scanLeft || moreLeft);
    }

    /// <summary>
    /// Where each ledger's scan for rows written before the expiry index stands (partition <c>legacy-scan</c> of
    /// <see cref="LedgerExpiry.TableName"/>). Met for the first time, a ledger with no rows has nothing to scan for; one
    /// with rows is scanned from now until every row it held has expired and been deleted.
    /// </summary>
    async Task<IReadOnlyDictionary<string, LegacyScan>> LegacyScansAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        TableClient state = tables.GetTableClient(LedgerExpiry.TableName);
        var scans = new Dictionary<string, LegacyScan>(StringComparer.Ordinal);
        try
        {
            await foreach (TableEntity row in state.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {LegacyPartition}"), cancellationToken: cancellationToken))
            {
                scans[row.RowKey] = new LegacyScan(row.GetDateTimeOffset("IndexedSince") ?? now, row.GetBoolean("Done") ?? false, row.ETag);
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            await state.CreateIfNotExistsAsync(cancellationToken);
        }

        foreach ((string ledger, string table) in Ledgers.Where(l => !scans.ContainsKey(l.Ledger)))
        {
            bool empty = true;
            try
            {
                await foreach (TableEntity _ in tables.GetTableClient(table).QueryAsync<TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken))
                {
                    empty = false;
                    break;
                }
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Never created: nothing was written before the index.
            }

            try
            {
                Response added = await state.AddEntityAsync(
                    new TableEntity(LegacyPartition, ledger) { ["IndexedSince"] = now, ["Done"] = empty }, cancellationToken);
                scans[ledger] = new LegacyScan(now, empty, added.Headers.ETag ?? default);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                scans[ledger] = new LegacyScan(now, false, default); // Another host recorded it just now: scan this once.
            }
        }

        return scans;
    }

    async Task FinishLegacyScanAsync(string ledger, LegacyScan scan, CancellationToken cancellationToken)
    {
        try
        {
            var done = new TableEntity(LegacyPartition, ledger) { ["IndexedSince"] = scan.IndexedSince, ["Done"] = true };
            await tables.GetTableClient(LedgerExpiry.TableName).UpdateEntityAsync(done, scan.ETag == default ? ETag.All : scan.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Another host finished it first.
        }
    }

    async Task<(int Deleted, bool MoreLeft)> DeleteAsync(
        string table, string filter, int max, Func<TableEntity, CancellationToken, Task<bool>>? mayDelete, CancellationToken cancellationToken)
    {
        TableClient client = tables.GetTableClient(table);
        // The table was never created: nothing read, nothing to sweep.
        (List<TableEntity> stale, bool moreLeft) = await TableBatchRead.FirstAsync(client, filter, max, cancellationToken);

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
