using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace CitizenWorkflows.Workflow.Orchestration.Deadlines;

/// <summary>
/// The deadlines of the waits in flight, in Table storage, in place of durable timers: a timer whose wait an event won
/// stays in the control queue until it fires (days later), and every message left there costs every later queue call.
/// Rows are partitioned by the minute they fall due, so a sweep reads only the minutes that have come; the row goes when
/// its wait ends (with the journal's next write) or when the sweep has raised its deadline.
/// </summary>
public sealed class DeadlineIndex(TableServiceClient tables, TimeProvider time)
{
    public const string TableName = "deadlines";

    const string CursorPartition = "sweep";
    const string CursorRow = "cursor";
    const string BucketFormat = "yyyyMMddHHmm";

    /// <summary>
    /// How far behind the current minute a sweep starts reading: a row written a little after its due minute began (its
    /// wait opened just before the minute turned) still lands in a minute the next sweep reads.
    /// </summary>
    static readonly TimeSpan Lag = TimeSpan.FromMinutes(1);

    /// <summary>Minutes one sweep reads at most (a sweep that was away catches up over several passes).</summary>
    const int MaxMinutesPerSweep = 120;

    DateTimeOffset? cursor;

    TableClient Table => tables.GetTableClient(TableName);

    /// <summary>Adds the deadline of a wait that begins (idempotent: the same wait writes the same row).</summary>
    public async Task AddAsync(WaitDeadline deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadline);
        // Never in a minute already behind the sweep's start: a deadline due "now" is read by the next sweep.
        DateTimeOffset bucket = Max(deadline.DueAt, time.GetUtcNow());
        var row = new TableEntity(Bucket(bucket), RowKey(deadline))
        {
            ["ApplicationId"] = deadline.ApplicationId,
            ["Wait"] = deadline.Wait,
            ["DueAt"] = deadline.DueAt,
        };
        await Table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Removes the deadline of a wait that ended (nothing when the sweep already took it).</summary>
    public async Task RemoveAsync(WaitDeadline deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadline);
        // Under its due minute. A row added after it fell due sits in a later minute and is missed here: the sweep then
        // raises it within a pass, and the workflow ignores a deadline of a wait it has left.
        await Table.DeleteEntityAsync(Bucket(deadline.DueAt), RowKey(deadline), ETag.All, cancellationToken);
    }

    /// <summary>
    /// Raises every deadline due by now through <paramref name="raise"/>, then removes its row; returns how many. A row
    /// whose raise throws stays for the next sweep.
    /// </summary>
    public async Task<int> SweepAsync(Func<WaitDeadline, CancellationToken, Task> raise, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raise);
        DateTimeOffset now = time.GetUtcNow();
        DateTimeOffset current = Minute(now);
        // The cursor is kept in memory between passes and in the table across restarts (several workers may each keep one:
        // two sweeps raising the same deadline are harmless, the workflow takes the first).
        DateTimeOffset from = cursor ?? await ReadCursorAsync(cancellationToken) ?? current - Lag;
        if (current - from > TimeSpan.FromMinutes(MaxMinutesPerSweep))
        {
            current = from.AddMinutes(MaxMinutesPerSweep);
        }

        int raised = 0;
        for (DateTimeOffset minute = from; minute <= current; minute = minute.AddMinutes(1))
        {
            string partition = Bucket(minute);
            string filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
            await foreach (TableEntity row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                DateTimeOffset? due = row.GetDateTimeOffset("DueAt");
                if (due is null || due > now || row.GetString("ApplicationId") is not { } applicationId || row.GetInt32("Wait") is not int wait)
                {
                    continue;
                }

                await raise(new WaitDeadline(applicationId, wait, due.Value), cancellationToken);
                await Table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
                raised++;
            }
        }

        DateTimeOffset next = current - Lag;
        if (next > from)
        {
            await Table.UpsertEntityAsync(new TableEntity(CursorPartition, CursorRow) { ["Minute"] = next }, TableUpdateMode.Replace, cancellationToken);
        }

        cursor = next > from ? next : from;
        return raised;
    }

    async Task<DateTimeOffset?> ReadCursorAsync(CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> stored = await Table.GetEntityIfExistsAsync<TableEntity>(CursorPartition, CursorRow, cancellationToken: cancellationToken);
        return stored.HasValue ? stored.Value!.GetDateTimeOffset("Minute") : null;
    }

    static string RowKey(WaitDeadline deadline) =>
        string.Create(CultureInfo.InvariantCulture, $"{deadline.ApplicationId}-{deadline.Wait:D10}");

    static string Bucket(DateTimeOffset at) => Minute(at).ToString(BucketFormat, CultureInfo.InvariantCulture);

    static DateTimeOffset Minute(DateTimeOffset at)
    {
        DateTimeOffset utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero);
    }

    static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
