using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CitizenWorkflows.Workflow.Storage;
using CitizenWorkflows.Workflow.Telemetry;

namespace CitizenWorkflows.Workflow.Operations.Query;

/// <summary>
/// Recounts the counters from the projection off the hot path: each call reads the next batch of projection rows
/// (state kept in a blob, so a crash or a deadline loses at most one batch), and once the scan has reached the end it
/// compares what it counted with every counter row, writes the difference as a correction and reports each one.
/// With <c>reindex</c> it also writes every scanned row's index rows (the one-time pass that indexes rows written before
/// the index existed). Counts it takes while applications move may be off by what moved during the scan: run it when
/// the programme is quiet (at night), or with <c>confirm</c> (as the scheduled recount in each reconciliation run does),
/// which writes only a difference the previous full pass found too, the same, and keeps the others as suspected.
/// </summary>
public sealed class CounterRecount(TableServiceClient tables, BlobServiceClient blobs, WorkflowMetrics? metrics = null)
{
    /// <summary>Where the scan's state lives between batches.</summary>
    public const string Container = "counter-recount";

    const string StateBlob = "state.json";

    readonly ApplicationCounters counters = new(tables);
    readonly ApplicationIndex index = new(tables);

    BlobState<RecountState> State => new(blobs.GetBlobContainerClient(Container).GetBlobClient(StateBlob));

    /// <summary>Reads up to <paramref name="maxRows"/> more projection rows; at the end of the table, compares and repairs.</summary>
    /// <param name="confirm">Write a difference only when the previous finished pass found the same one (same cell, same
    /// amount): one found once may be an application that moved during the scan.</param>
    public async Task<RecountProgress> RunAsync(int maxRows, bool reindex, CancellationToken cancellationToken, bool confirm = false)
    {
        await blobs.GetBlobContainerClient(Container).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        (RecountState state, ETag? etag) = await State.LoadAsync(cancellationToken);
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
            await State.SaveAsync(state, etag, cancellationToken);
            return new RecountProgress(false, state.Rows, state.Unreadable, []);
        }

        IReadOnlyList<CounterCorrection> differences = await CompareAsync(state.Tallies, cancellationToken);
        var corrections = new List<CounterCorrection>();
        var suspected = new List<CounterCorrection>();
        foreach (CounterCorrection difference in differences)
        {
            bool confirmed = !confirm || state.Suspected.Any(s =>
                s.Partition == difference.Partition && s.Row == difference.Row && s.Column == difference.Column && s.Now - s.Was == difference.Now - difference.Was);
            if (confirmed)
            {
                await counters.CorrectAsync(difference.Partition, difference.Row, difference.Column, difference.Now - difference.Was, cancellationToken);
                corrections.Add(difference);
            }
            else
            {
                suspected.Add(difference);
            }
        }

        if (corrections.Count > 0)
        {
            metrics?.Repair("counter", corrections.Count);
        }

        if (suspected.Count > 0)
        {
            // The next pass starts from the top and confirms (or clears) these.
            await State.SaveAsync(new RecountState { Suspected = suspected }, etag, cancellationToken);
        }
        else
        {
            await State.DeleteAsync(cancellationToken);
        }

        return new RecountProgress(true, state.Rows, state.Unreadable, corrections) { Suspected = suspected };
    }

    /// <summary>Every counter cell whose stored value differs from <paramref name="expected"/> (nothing written).</summary>
    async Task<IReadOnlyList<CounterCorrection>> CompareAsync(Dictionary<string, Dictionary<string, long>> expected, CancellationToken cancellationToken)
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
                    corrections.Add(new CounterCorrection(key[0], key[1], column, was, should));
                }
            }
        }

        return corrections;
    }

    /// <summary>The scan's position and tallies, and the differences the last pass suspected.</summary>
    sealed class RecountState
    {
        public string? Token { get; set; }

        public long Rows { get; set; }

        public long Unreadable { get; set; }

        public Dictionary<string, Dictionary<string, long>> Tallies { get; set; } = new(StringComparer.Ordinal);

        /// <summary>Differences the last finished pass found and did not write (with <c>confirm</c>).</summary>
        public List<CounterCorrection> Suspected { get; set; } = [];
    }
}

/// <summary>How far a recount got; once <paramref name="Finished"/>, the corrections it wrote (empty: the counters were right).</summary>
public sealed record RecountProgress(bool Finished, long RowsRead, long UnreadableRows, IReadOnlyList<CounterCorrection> Corrections)
{
    /// <summary>Differences found once and not written yet (a recount with <c>confirm</c>): the next pass confirms or
    /// clears them.</summary>
    public IReadOnlyList<CounterCorrection> Suspected { get; init; } = [];
}

/// <summary>One counter cell the recount found wrong: what it held and what the projection says it should hold (now written).</summary>
public sealed record CounterCorrection(string Partition, string Row, string Column, long Was, long Now);
