using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Operations.Query;

/// <summary>
/// Recounts the counters from the projection off the hot path: each call reads the next batch of projection rows
/// (state kept in a blob, so a crash or a deadline loses at most one batch), and once the scan has reached the end it
/// compares what it counted with every counter row, writes the difference as a correction and reports each one.
/// With <c>reindex</c> it also writes every scanned row's index rows (the one-time pass that indexes rows written before
/// the index existed). Counts it takes while applications move may be off by what moved during the scan: run it when
/// the programme is quiet (at night), or run it twice and trust a correction both runs agree on.
/// </summary>
public sealed class CounterRecount(TableServiceClient tables, BlobServiceClient blobs)
{
    /// <summary>Where the scan's state lives between batches.</summary>
    public const string Container = "counter-recount";

    const string StateBlob = "state.json";

    readonly ApplicationCounters counters = new(tables);
    readonly ApplicationIndex index = new(tables);

    BlobClient State => blobs.GetBlobContainerClient(Container).GetBlobClient(StateBlob);

    /// <summary>Reads up to <paramref name="maxRows"/> more projection rows; at the end of the table, compares and repairs.</summary>
    public async Task<RecountProgress> RunAsync(int maxRows, bool reindex, CancellationToken cancellationToken)
    {
        await blobs.GetBlobContainerClient(Container).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        (RecountState state, ETag? etag) = await LoadAsync(cancellationToken);
        TableClient applications = tables.GetTableClient(StorageNames.ApplicationsTable);
        string? filter = null; // every row of the table is an application's row
        int read = 0;
        bool finished = false;
        while (read < maxRows)
        {
            Page<TableEntity>? page = null;
            await foreach (Page<TableEntity> p in applications.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(1000, maxRows - read), cancellationToken: cancellationToken)
                .AsPages(state.Token, Math.Min(1000, maxRows - read)))
            {
                page = p;
                break;
            }

            foreach (TableEntity row in page?.Values ?? [])
            {
                read++;
                if (ProjectedRow.From(row) is not { } projected)
                {
                    state.Unreadable++;
                    continue;
                }

                foreach ((string partition, string rowKey, string column) in ApplicationCounters.Cells(projected))
                {
                    string cell = partition + "\n" + rowKey;
                    Dictionary<string, long> columns = state.Tallies.TryGetValue(cell, out var c) ? c : state.Tallies[cell] = new(StringComparer.Ordinal);
                    columns[column] = columns.GetValueOrDefault(column) + 1;
                }

                if (reindex)
                {
                    await index.MoveAsync(null, projected, cancellationToken);
                }
            }

            state.Rows += page?.Values.Count ?? 0;
            state.Token = page?.ContinuationToken;
            if (state.Token is null)
            {
                finished = true;
                break;
            }
        }

        if (!finished)
        {
            await SaveAsync(state, etag, cancellationToken);
            return new RecountProgress(false, state.Rows, state.Unreadable, []);
        }

        IReadOnlyList<CounterCorrection> corrections = await CompareAndRepairAsync(state.Tallies, cancellationToken);
        await State.DeleteIfExistsAsync(cancellationToken: cancellationToken);
        return new RecountProgress(true, state.Rows, state.Unreadable, corrections);
    }

    async Task<IReadOnlyList<CounterCorrection>> CompareAndRepairAsync(Dictionary<string, Dictionary<string, long>> expected, CancellationToken cancellationToken)
    {
        var actual = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        await foreach (TableEntity row in tables.GetTableClient(ApplicationCounters.TableName).QueryAsync<TableEntity>(maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            actual[row.PartitionKey + "\n" + row.RowKey] = row
                .Where(p => p.Value is long or int && p.Key is not ("PartitionKey" or "RowKey"))
                .ToDictionary(p => p.Key, p => Convert.ToInt64(p.Value, System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
        }

        var corrections = new List<CounterCorrection>();
        foreach (string cell in expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal))
        {
            Dictionary<string, long> want = expected.GetValueOrDefault(cell) ?? [];
            Dictionary<string, long> have = actual.GetValueOrDefault(cell) ?? [];
            // The campaign's milestone columns are counted on the way in and cannot be recounted from rows: left as they are.
            bool dayRow = cell.StartsWith("day-", StringComparison.Ordinal);
            foreach (string column in want.Keys.Union(have.Keys).Where(c => !dayRow || !ApplicationCounters.MilestoneColumns.Contains(c)).Order(StringComparer.Ordinal))
            {
                long was = have.GetValueOrDefault(column);
                long should = want.GetValueOrDefault(column);
                if (was != should)
                {
                    string[] key = cell.Split('\n');
                    await counters.CorrectAsync(key[0], key[1], column, should - was, cancellationToken);
                    corrections.Add(new CounterCorrection(key[0], key[1], column, was, should));
                }
            }
        }

        return corrections;
    }

    async Task<(RecountState, ETag?)> LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var content = await State.DownloadContentAsync(cancellationToken);
            return (content.Value.Content.ToObjectFromJson<RecountState>(JsonSerializerOptions.Web) ?? new RecountState(), content.Value.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return (new RecountState(), null);
        }
    }

    async Task SaveAsync(RecountState state, ETag? etag, CancellationToken cancellationToken)
    {
        // Conditional: two recounts resuming the same state would count a batch twice; the second one fails here instead.
        var conditions = etag is { } e ? new Azure.Storage.Blobs.Models.BlobRequestConditions { IfMatch = e } : new Azure.Storage.Blobs.Models.BlobRequestConditions { IfNoneMatch = ETag.All };
        await State.UploadAsync(BinaryData.FromObjectAsJson(state, JsonSerializerOptions.Web), new Azure.Storage.Blobs.Models.BlobUploadOptions { Conditions = conditions }, cancellationToken);
    }

    sealed class RecountState
    {
        public string? Token { get; set; }

        public long Rows { get; set; }

        public long Unreadable { get; set; }

        public Dictionary<string, Dictionary<string, long>> Tallies { get; set; } = new(StringComparer.Ordinal);
    }
}

/// <summary>How far a recount got; once <paramref name="Finished"/>, the corrections it wrote (empty: the counters were right).</summary>
public sealed record RecountProgress(bool Finished, long RowsRead, long UnreadableRows, IReadOnlyList<CounterCorrection> Corrections);

/// <summary>One counter cell the recount found wrong: what it held and what the projection says it should hold (now written).</summary>
public sealed record CounterCorrection(string Partition, string Row, string Column, long Was, long Now);
