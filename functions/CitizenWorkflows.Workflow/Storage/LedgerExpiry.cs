using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace CitizenWorkflows.Workflow.Storage;

/// <summary>
/// An expiry index beside the ledgers that only matter for a while (idempotency keys, kiosk nonces, packet receipts), in
/// Table <c>ledgerexpiry</c>: PartitionKey = <c>{ledger}-{yyyyMMddHH}</c>, the UTC hour of the ledger row's time, RowKey =
/// the ledger row's keys. A ledger writes the entry before its row, so no row is ever without one; its lookups keep their
/// own keys. Housekeeping reads the hours that have expired (one key-range query, empty when nothing has) and deletes by
/// point key, so a pass reads what has expired and nothing else, whatever the ledgers hold. Partitions are per hour and
/// ledger: the busiest (nonces) takes every signed kiosk request of the country in that hour, tens a second at the
/// campaign's peak against Azure's 2,000 entities/s per partition.
/// </summary>
public sealed class LedgerExpiry(TableServiceClient tables)
{
    public const string TableName = "ledgerexpiry";

    const string HourFormat = "yyyyMMddHH";
    const string LedgerPartitionColumn = "LedgerPartition";
    const string LedgerRowColumn = "LedgerRow";

    TableClient Table => tables.GetTableClient(TableName);

    /// <summary>Indexes the ledger row (<paramref name="partitionKey"/>, <paramref name="rowKey"/>) under the hour of
    /// <paramref name="at"/>; idempotent.</summary>
    public async Task AddAsync(string ledger, string partitionKey, string rowKey, DateTimeOffset at, CancellationToken cancellationToken)
    {
        TableEntity entry = Entry(ledger, partitionKey, rowKey, at);
        try
        {
            await Table.UpsertEntityAsync(entry, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // A store used without the host's start-up (tools, tests of one ledger): make the table once.
            await Table.CreateIfNotExistsAsync(cancellationToken);
            await Table.UpsertEntityAsync(entry, TableUpdateMode.Replace, cancellationToken);
        }
    }

    /// <summary>
    /// Deletes up to <paramref name="max"/> rows of <paramref name="ledgerTable"/> whose <paramref name="timeColumn"/> is
    /// before <paramref name="cutoff"/>, found through the entries of the hours wholly before it. Each delete is
    /// conditional on the row being unchanged since read. A row that is not due yet (its time moved on since it was
    /// indexed) or that <paramref name="mayDelete"/> keeps has its entry moved to a later hour, one missing its row
    /// loses its entry; so the expired hours empty and the next pass reads nothing there.
    /// </summary>
    public async Task<(int Deleted, bool MoreLeft)> SweepAsync(
        string ledger, string ledgerTable, string timeColumn, DateTimeOffset cutoff, int max,
        Func<TableEntity, CancellationToken, Task<bool>>? mayDelete, CancellationToken cancellationToken)
    {
        // Hours wholly before the cutoff: keys sort as times, so one range holds them whatever hour a row fell in.
        string filter = TableClient.CreateQueryFilter($"PartitionKey ge {ledger + "-"} and PartitionKey lt {Partition(ledger, cutoff)}");
        // Nothing read (the table was never created): nothing was ever indexed.
        (List<TableEntity> entries, bool moreLeft) = await TableBatchRead.FirstAsync(Table, filter, max, cancellationToken);

        TableClient rows = tables.GetTableClient(ledgerTable);
        int deleted = 0;
        await Parallel.ForEachAsync(entries, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (entry, ct) =>
        {
            bool? done = await ExpireAsync(ledger, rows, entry, timeColumn, cutoff, mayDelete, ct);
            if (done is null)
            {
                return; // Used again since it was read: the entry stays and the next pass looks again.
            }

            if (done.Value)
            {
                Interlocked.Increment(ref deleted);
            }

            try
            {
                await Table.DeleteEntityAsync(entry.PartitionKey, entry.RowKey, entry.ETag, ct);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Another pass handled it (or a ledger wrote it again): either way it is not this pass's to remove.
            }
        });
        return (deleted, moreLeft);
    }

    /// <summary>True: the row was deleted; false: it was gone or its entry moved on; null: it changed while being deleted.</summary>
    async Task<bool?> ExpireAsync(
        string ledger, TableClient rows, TableEntity entry, string timeColumn, DateTimeOffset cutoff,
        Func<TableEntity, CancellationToken, Task<bool>>? mayDelete, CancellationToken cancellationToken)
    {
        string partitionKey = entry.GetString(LedgerPartitionColumn) ?? "";
        string rowKey = entry.GetString(LedgerRowColumn) ?? "";
        if (partitionKey.Length == 0)
        {
            return false; // Not an entry this class wrote.
        }

        NullableResponse<TableEntity> row = await rows.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return false;
        }

        TableEntity found = row.Value!;
        DateTimeOffset? at = found.GetDateTimeOffset(timeColumn);
        if (at is { } time && time < cutoff && (mayDelete is null || await mayDelete(found, cancellationToken)))
        {
            try
            {
                await rows.DeleteEntityAsync(partitionKey, rowKey, found.ETag, cancellationToken);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                return null;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return false; // Deleted by another pass meanwhile.
            }
        }

        // Not due yet, or kept for now: looked at again once the cutoff has passed its time (at least an hour on, as
        // the hour after the cutoff's is not read yet).
        DateTimeOffset later = cutoff.AddHours(1);
        await Table.UpsertEntityAsync(Entry(ledger, partitionKey, rowKey, at is { } t && t > later ? t : later), TableUpdateMode.Replace, cancellationToken);
        return false;
    }

    static TableEntity Entry(string ledger, string partitionKey, string rowKey, DateTimeOffset at) =>
        // The length prefix keeps (partition, row) pairs apart whatever characters the ledger's keys hold.
        new(Partition(ledger, at), string.Create(CultureInfo.InvariantCulture, $"{partitionKey.Length:D4}-{partitionKey}-{rowKey}"))
        {
            [LedgerPartitionColumn] = partitionKey,
            [LedgerRowColumn] = rowKey,
        };

    static string Partition(string ledger, DateTimeOffset at) =>
        ledger + "-" + at.ToUniversalTime().ToString(HourFormat, CultureInfo.InvariantCulture);
}
