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

/// <summary>How many stale entries one housekeeping pass deleted (and finished workflows it purged), and whether more are left for the next.</summary>
/// <param name="ClaimsReleased">Citizens' claims released because their application had ended (<see cref="CitizenClaims"/>).</param>
public sealed record HousekeepingResult(int IdempotencyKeysDeleted, int NoncesDeleted, int ReceiptsDeleted, bool MoreLeft, int WorkflowsPurged = 0, int ClaimsReleased = 0);

/// <summary>
/// Deletes ledger entries whose window has passed, at most <see cref="HousekeepingOptions.MaxDeletesPerTable"/> per
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
    public async Task<HousekeepingResult> SweepAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
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

        int released = await claims.ReleaseEndedAsync(client, max, cancellationToken);
        (int purged, bool morePurges) = await PurgeFinishedWorkflowsAsync(client, now - o.CompletedWorkflowRetention, Math.Max(1, o.MaxWorkflowPurges), cancellationToken);
        return new HousekeepingResult(
            idempotency, nonces, receipts, moreIdempotency || moreNonces || moreReceipts || morePurges || released == max, purged, released);
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
