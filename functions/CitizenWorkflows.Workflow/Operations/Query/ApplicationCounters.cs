using System.Globalization;
using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Operations.Query;

/// <summary>
/// Counters of applications maintained with each projection change, so a count is a few rows whatever the number of
/// applications. Table <c>applicationcounts</c>:
/// <list type="bullet">
/// <item>per area and stage: partitions <c>p-{province}</c>, <c>d-{province}-{district}</c>, <c>c-{province}-{district}-{commune}</c>
/// (row key = shard) and <c>k-{kiosk}</c> (row key = <c>{province}|{district}|{commune}|{shard}</c>), one column per stage;</item>
/// <item>per day (Vietnam time) and province: partition <c>day-{yyyy-MM-dd}</c>, row key <c>{province}|{shard}</c>, columns
/// <c>Received</c> (applications taken that day) and one per final stage (applications that ended that day so).</item>
/// </list>
/// A change is counted only by the writer whose conditional write of the projection row succeeded, so a repeated or
/// out-of-order transition (which changes no row) changes no counter. Concurrent writers meet on a counter row with
/// ETag retries; each application's changes go to one of <see cref="Shards"/> rows of the scope, so the writers of one
/// busy province spread over several rows (summed on read).
/// </summary>
public sealed class ApplicationCounters(TableServiceClient tables)
{
    public const string TableName = "applicationcounts";

    /// <summary>Rows per scope: see docs/benchmarks.md (counter contention) for the measured rate one row takes.</summary>
    public const int Shards = 4;

    /// <summary>The day counter of applications taken on a day.</summary>
    public const string Received = "Received";

    const int MaxAttempts = 100;

    /// <summary>How many counter rows <see cref="known"/> holds at most (a district dashboard's rows are a few hundred).</summary>
    const int MaxKnownRows = 50_000;

    /// <summary>
    /// The latest version of each counter row this process read or wrote. An increment goes straight to a merge
    /// conditional on that version's ETag (one request instead of a read and a merge); if another writer changed the
    /// row meanwhile the merge fails with 412 and the row is read again, so a stale entry costs a retry, never a count.
    /// </summary>
    readonly System.Collections.Concurrent.ConcurrentDictionary<(string Partition, string Row), TableEntity> known = new();

    /// <summary>Each counter row's changes waiting for their write (see <see cref="IncrementAsync"/>).</summary>
    readonly System.Collections.Concurrent.ConcurrentDictionary<(string Partition, string Row), RowTurn> turns = new();

    TableClient Counters => tables.GetTableClient(TableName);

    /// <summary>
    /// Counts one projection row change: <paramref name="before"/> (null: the row did not exist) became
    /// <paramref name="after"/> (null: the row was deleted). Call it once per successful row write.
    /// </summary>
    public async Task CountAsync(ProjectedRow? before, ProjectedRow? after, CancellationToken cancellationToken)
    {
        var changes = new Dictionary<(string Partition, string Row), Dictionary<string, long>>();
        Add(changes, before, -1);
        Add(changes, after, +1);
        foreach ((string partition, string rowKey, string column) in Reached(before, after))
        {
            Bump(changes, partition, rowKey, column, +1);
        }

        foreach (((string partition, string row), Dictionary<string, long> columns) in changes)
        {
            if (columns.Values.Any(v => v != 0))
            {
                await IncrementAsync(partition, row, columns, cancellationToken);
            }
        }
    }

    /// <summary>Counts applications that did not exist before (a bulk import): their increments summed per counter row,
    /// one write each.</summary>
    public async Task CountAddedAsync(IReadOnlyList<ProjectedRow> added, int parallelism, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(added);
        var changes = new Dictionary<(string Partition, string Row), Dictionary<string, long>>();
        foreach (ProjectedRow row in added)
        {
            Add(changes, row, +1);
        }

        await Parallel.ForEachAsync(
            changes,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken },
            async (change, ct) => await IncrementAsync(change.Key.Partition, change.Key.Row, change.Value, ct));
    }

    static void Add(Dictionary<(string, string), Dictionary<string, long>> changes, ProjectedRow? row, int sign)
    {
        if (row is null)
        {
            return;
        }

        foreach ((string partition, string rowKey, string column) in Cells(row))
        {
            Bump(changes, partition, rowKey, column, sign);
        }
    }

    /// <summary>Every counter one application adds 1 to: its stage in its area and kiosk rows, its intake day and (once
    /// ended) its end day.</summary>
    internal static IEnumerable<(string Partition, string Row, string Column)> Cells(ProjectedRow row)
    {
        if (row.KnownStage is not { } stage)
        {
            yield break; // an unreadable row is not counted (the recount does the same)
        }

        foreach ((string partition, string rowKey) in StageCells(row))
        {
            yield return (partition, rowKey, stage.ToString());
        }

        string shard = Shard(row.ApplicationId);
        yield return (DayPartition(row.CreatedAt), $"{IndexKeys.Part(row.Province)}|{shard}", Received);
        if (stage.IsFinal())
        {
            yield return (DayPartition(row.UpdatedAt), $"{IndexKeys.Part(row.Province)}|{shard}", stage.ToString());
        }
    }

    /// <summary>
    /// The campaign's day columns an application adds 1 to when it first reaches approval or a printed card (by the
    /// day of the change): counted on the way in, never taken back, and not recountable from a row (which holds no
    /// history), so <see cref="CounterRecount"/> leaves them as they are.
    /// </summary>
    internal static IEnumerable<(string Partition, string Row, string Column)> Reached(ProjectedRow? before, ProjectedRow? after)
    {
        if (after?.KnownStage is not { } stage)
        {
            yield break;
        }

        foreach ((string column, ApplicationStage[] from, ApplicationStage[] reached) in Milestones)
        {
            // From a side state (suspended, failed) the row does not say whether it had passed already: not counted again.
            if (reached.Contains(stage) && (before is null || (before.KnownStage is { } was && from.Contains(was))))
            {
                yield return (DayPartition(after.UpdatedAt), $"{IndexKeys.Part(after.Province)}|{Shard(after.ApplicationId)}", column);
            }
        }
    }

    static readonly ApplicationStage[] BeforeApproval =
    [
        ApplicationStage.Received, ApplicationStage.DocumentsStored, ApplicationStage.BiometricCheck, ApplicationStage.ManualReview,
        ApplicationStage.AwaitingApproval, ApplicationStage.AwaitingInformation,
    ];

    static readonly ApplicationStage[] PrintedOrLater =
        [ApplicationStage.Printed, ApplicationStage.Shipped, ApplicationStage.InTransit, ApplicationStage.AtStation, ApplicationStage.Delivered];

    static readonly (string Column, ApplicationStage[] From, ApplicationStage[] Reached)[] Milestones =
    [
        (ReachedApproval, BeforeApproval, [ApplicationStage.Approved, ApplicationStage.Personalised, ApplicationStage.Printing, .. PrintedOrLater]),
        (ReachedPrinted, [.. BeforeApproval, ApplicationStage.Approved, ApplicationStage.Personalised, ApplicationStage.Printing], PrintedOrLater),
    ];

    /// <summary>Day column: applications approved that day (they reached Approved or a later production stage).</summary>
    public const string ReachedApproval = "Approved";

    /// <summary>Day column: applications whose card was printed that day.</summary>
    public const string ReachedPrinted = "Printed";

    /// <summary>The day columns counted on the way in (<see cref="Reached"/>).</summary>
    public static readonly string[] MilestoneColumns = [ReachedApproval, ReachedPrinted];

    static void Bump(Dictionary<(string, string), Dictionary<string, long>> changes, string partition, string row, string column, int sign)
    {
        if (!changes.TryGetValue((partition, row), out Dictionary<string, long>? columns))
        {
            changes[(partition, row)] = columns = new Dictionary<string, long>(StringComparer.Ordinal);
        }

        columns[column] = columns.GetValueOrDefault(column) + sign;
    }

    /// <summary>The area and kiosk counter rows one application counts in.</summary>
    internal static IEnumerable<(string Partition, string Row)> StageCells(ProjectedRow row)
    {
        string shard = Shard(row.ApplicationId);
        string province = IndexKeys.Part(row.Province);
        yield return ($"p-{province}", shard);
        if (row.District is { Length: > 0 } district)
        {
            yield return ($"d-{province}-{IndexKeys.Part(district)}", shard);
            if (row.Commune is { Length: > 0 } commune)
            {
                yield return ($"c-{province}-{IndexKeys.Part(district)}-{IndexKeys.Part(commune)}", shard);
            }
        }

        yield return ($"k-{IndexKeys.Part(row.KioskId)}", $"{province}|{IndexKeys.Part(row.District)}|{IndexKeys.Part(row.Commune)}|{shard}");
    }

    /// <summary>The shard (row key <c>00</c>..) of every scope an application counts in: FNV-1a of its id.</summary>
    public static string Shard(string applicationId)
    {
        uint hash = 2166136261;
        foreach (char c in applicationId)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (hash % Shards).ToString("D2", CultureInfo.InvariantCulture);
    }

    /// <summary>The counting day of an instant: the programme's day, in Vietnam time.</summary>
    public static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(WorkingDayCalendar.VietnamOffset).DateTime);

    static string DayPartition(DateTimeOffset at) => "day-" + Day(at).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// Adds <paramref name="columns"/> to one counter row. Within this process a row's changes are written one write at
    /// a time, and the changes that arrive while a write is in flight are summed into the next one, which every caller
    /// among them awaits: a busy row takes one merge per turn instead of one read and one merge per change (and the
    /// 412s of this process's own writers racing each other).
    /// </summary>
    async Task IncrementAsync(string partition, string row, Dictionary<string, long> columns, CancellationToken cancellationToken)
    {
        var key = (partition, row);
        RowTurn turn = turns.GetOrAdd(key, _ => new RowTurn());
        Task written;
        bool drain = false;
        lock (turn)
        {
            turn.Pending ??= new Dictionary<string, long>(StringComparer.Ordinal);
            foreach ((string column, long delta) in columns)
            {
                turn.Pending[column] = turn.Pending.GetValueOrDefault(column) + delta;
            }

            turn.PendingWritten ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            written = turn.PendingWritten.Task;
            if (!turn.Writing)
            {
                turn.Writing = drain = true;
            }
        }

        if (drain)
        {
            // The caller that found no write in flight writes until nothing is pending; the others wait for theirs.
            _ = Task.Run(() => DrainAsync(key, turn), CancellationToken.None);
        }

        await written.WaitAsync(cancellationToken);
    }

    /// <summary>One row's writes in turn: each takes every change pending when it starts.</summary>
    async Task DrainAsync((string Partition, string Row) key, RowTurn turn)
    {
        while (true)
        {
            Dictionary<string, long> columns;
            TaskCompletionSource done;
            lock (turn)
            {
                if (turn.Pending is null)
                {
                    turn.Writing = false;
                    return;
                }

                (columns, done) = (turn.Pending, turn.PendingWritten!);
                (turn.Pending, turn.PendingWritten) = (null, null);
            }

            try
            {
                await WriteAsync(key, columns);
                done.SetResult();
            }
            catch (Exception e) when (done.TrySetException(e))
            {
                // Handed to every caller whose change was in this write; the next pending changes still get their turn.
            }
        }
    }

    /// <summary>A row's changes pending for its next write, and whether a write is in flight.</summary>
    sealed class RowTurn
    {
        public Dictionary<string, long>? Pending { get; set; }

        public TaskCompletionSource? PendingWritten { get; set; }

        public bool Writing { get; set; }
    }

    /// <summary>Merges the summed changes, conditional on the ETag of the row as last seen; read again when another
    /// writer changed it.</summary>
    async Task WriteAsync((string Partition, string Row) key, Dictionary<string, long> columns)
    {
        (string partition, string row) = key;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                TableEntity? current = known.TryGetValue(key, out TableEntity? cached) ? cached : await ReadRowAsync(partition, row, CancellationToken.None);
                var entity = new TableEntity(partition, row);
                foreach ((string column, long delta) in columns)
                {
                    entity[column] = (current?.GetInt64(column) ?? 0) + delta;
                }

                Response written = current is null
                    ? await Counters.AddEntityAsync(entity, CancellationToken.None)
                    : await Counters.UpdateEntityAsync(entity, current.ETag, TableUpdateMode.Merge, CancellationToken.None);
                Remember(key, current, entity, written.Headers.ETag);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 409 or 412 && attempt < MaxAttempts)
            {
                // Another process (or a recount) changed the row since this one last saw it: read it again.
                known.TryRemove(key, out _);
                // A short random pause keeps racing writers apart.
                await Task.Delay(Random.Shared.Next(0, Math.Min(50, attempt * 5)), CancellationToken.None);
            }
        }
    }

    /// <summary>The whole counter row (null: none yet), remembered as this process's latest version of it.</summary>
    async Task<TableEntity?> ReadRowAsync(string partition, string row, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> existing = await Counters.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
        if (!existing.HasValue)
        {
            known.TryRemove((partition, row), out _);
            return null;
        }

        known[(partition, row)] = existing.Value!;
        return existing.Value;
    }

    /// <summary>The row as this process's write left it: what it knew, with the written columns and the new ETag.</summary>
    void Remember((string Partition, string Row) key, TableEntity? before, TableEntity written, ETag? etag)
    {
        if (etag is null)
        {
            known.TryRemove(key, out _);
            return;
        }

        if (known.Count >= MaxKnownRows)
        {
            known.Clear(); // a bound on memory; the rows are read again as they are next counted
        }

        var after = new TableEntity(key.Partition, key.Row) { ETag = etag.Value };
        foreach (TableEntity source in new[] { before, written }.OfType<TableEntity>())
        {
            foreach ((string column, object value) in source)
            {
                if (column is not ("odata.etag" or "PartitionKey" or "RowKey" or "Timestamp"))
                {
                    after[column] = value;
                }
            }
        }

        known[key] = after;
    }

    /// <summary>
    /// Applies a correction found by a recount (e.g. +3 Printing in <c>p-079</c>): added to the scope's first shard.
    /// </summary>
    internal Task CorrectAsync(string partition, string row, string column, long delta, CancellationToken cancellationToken) =>
        IncrementAsync(partition, row, new Dictionary<string, long>(StringComparer.Ordinal) { [column] = delta }, cancellationToken);

    /// <summary>
    /// Counts by stage and by province for an area (and optionally one kiosk): one partition query, or for the whole
    /// country one range query over the province partitions (63 × <see cref="Shards"/> rows).
    /// </summary>
    public async Task<ApplicationCounts> ReadAsync(CountScope scope, ApplicationStage? stage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        Dictionary<string, int> byStage = Enum.GetNames<ApplicationStage>().ToDictionary(s => s, _ => 0, StringComparer.Ordinal);
        var byProvince = new SortedDictionary<string, int>(StringComparer.Ordinal);
        string[] columns = stage is { } only ? [only.ToString()] : Enum.GetNames<ApplicationStage>();
        await foreach ((string province, string column, int n) in CellsAsync(scope, columns, cancellationToken))
        {
            byStage[column] += n;
            byProvince[province] = byProvince.GetValueOrDefault(province) + n;
        }

        foreach (string province in byProvince.Where(p => p.Value == 0).Select(p => p.Key).ToList())
        {
            byProvince.Remove(province);
        }

        return new ApplicationCounts(byStage.Values.Sum(), byStage, byProvince);
    }

    /// <summary>
    /// Applications per stage and province for an area, in one read (the same rows as <see cref="ReadAsync"/>), ordered
    /// by stage then province; cells that sum to zero are left out.
    /// </summary>
    public async Task<IReadOnlyList<(ApplicationStage Stage, string Province, int Applications)>> ReadByStageAndProvinceAsync(
        CountScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var cells = new SortedDictionary<(ApplicationStage Stage, string Province), int>();
        await foreach ((string province, string column, int n) in CellsAsync(scope, Enum.GetNames<ApplicationStage>(), cancellationToken))
        {
            var key = (Enum.Parse<ApplicationStage>(column), province);
            cells[key] = cells.GetValueOrDefault(key) + n;
        }

        return [.. cells.Where(c => c.Value != 0).Select(c => (c.Key.Stage, c.Key.Province, c.Value))];
    }

    /// <summary>The non-zero stage cells of the counter rows of a scope: (province, stage column, count) per shard row.</summary>
    async IAsyncEnumerable<(string Province, string Column, int Applications)> CellsAsync(
        CountScope scope, string[] columns, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (scope.Empty)
        {
            yield break;
        }

        await foreach (TableEntity row in Counters.QueryAsync<TableEntity>(scope.Filter(), maxPerPage: 1000, select: ["PartitionKey", "RowKey", .. columns], cancellationToken: cancellationToken))
        {
            if (!scope.Matches(row))
            {
                continue;
            }

            string province = scope.ProvinceOf(row);
            foreach (string column in columns)
            {
                int n = (int)(row.GetInt64(column) ?? 0);
                if (n != 0)
                {
                    yield return (province, column, n);
                }
            }
        }
    }

    /// <summary>Applications taken and ended per day and province from <paramref name="from"/> to <paramref name="to"/>
    /// (inclusive): one range query.</summary>
    /// <remarks><paramref name="columns"/>: <see cref="DayColumns"/> unless named (e.g. with <see cref="MilestoneColumns"/>).</remarks>
    public async Task<IReadOnlyList<DailyCount>> ReadDaysAsync(
        DateOnly from, DateOnly to, string? province, CancellationToken cancellationToken, IReadOnlyList<string>? columns = null)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey ge {DayPartitionOf(from)} and PartitionKey le {DayPartitionOf(to)}");
        var days = new SortedDictionary<(string Day, string Province), Dictionary<string, long>>();
        await foreach (TableEntity row in Counters.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            string rowProvince = row.RowKey.Split('|')[0];
            if (province is not null && rowProvince != province)
            {
                continue;
            }

            var key = (row.PartitionKey["day-".Length..], rowProvince);
            if (!days.TryGetValue(key, out Dictionary<string, long>? sums))
            {
                days[key] = sums = new Dictionary<string, long>(StringComparer.Ordinal);
            }

            foreach (string column in columns ?? DayColumns)
            {
                sums[column] = sums.GetValueOrDefault(column) + (row.GetInt64(column) ?? 0);
            }
        }

        return [.. days.Select(d => new DailyCount(DateOnly.ParseExact(d.Key.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture), d.Key.Province, d.Value))];
    }

    static string DayPartitionOf(DateOnly day) => "day-" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The columns of a day counter row.</summary>
    public static readonly string[] DayColumns = [Received, .. Enum.GetValues<ApplicationStage>().Where(s => s.IsFinal()).Select(s => s.ToString())];
}

/// <summary>Applications of one province taken (<c>Received</c>) and ended (per final stage) on one day.</summary>
public sealed record DailyCount(DateOnly Day, string Province, IReadOnlyDictionary<string, long> Counts);

/// <summary>Which counter rows answer a count: an area (or the whole country), optionally one kiosk.</summary>
public sealed record CountScope(string? Province, string? District, string? Commune, string? KioskId, bool Empty = false)
{
    /// <summary>The scope of a filter and the caller's area; empty when they contradict each other (another province).</summary>
    public static CountScope Of(ApplicationFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        string? province = filter.Province;
        bool empty = false;
        if (filter.Scope?.Province is { } bound)
        {
            empty = province is not null && province != bound;
            province = bound;
        }

        return new(province, filter.Scope?.District, filter.Scope?.Commune, filter.KioskId, empty);
    }

    internal string Filter()
    {
        string p = IndexKeys.Part(Province);
        if (KioskId is { } kiosk)
        {
            return TableClient.CreateQueryFilter($"PartitionKey eq {"k-" + IndexKeys.Part(kiosk)}");
        }

        string partition = Commune is { } commune && District is { } district ? $"c-{p}-{IndexKeys.Part(district)}-{IndexKeys.Part(commune)}"
            : District is { } onlyDistrict ? $"d-{p}-{IndexKeys.Part(onlyDistrict)}"
            : Province is not null ? $"p-{p}"
            : "";
        return partition.Length > 0
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition}")
            : TableClient.CreateQueryFilter($"PartitionKey ge {"p-"} and PartitionKey lt {"p."}");
    }

    /// <summary>A kiosk's rows are per area: keep those inside the scope's area.</summary>
    internal bool Matches(TableEntity row)
    {
        if (KioskId is null)
        {
            return true;
        }

        string[] area = row.RowKey.Split('|');
        return (Province is null || area[0] == IndexKeys.Part(Province))
            && (District is null || area[1] == IndexKeys.Part(District))
            && (Commune is null || area[2] == IndexKeys.Part(Commune));
    }

    internal string ProvinceOf(TableEntity row) =>
        KioskId is not null ? row.RowKey.Split('|')[0] : row.PartitionKey.Split('-')[1];
}
