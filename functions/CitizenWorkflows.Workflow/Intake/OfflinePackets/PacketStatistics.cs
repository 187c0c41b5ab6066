using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Domain;

namespace CitizenWorkflows.Workflow.Intake.OfflinePackets;

/// <summary>
/// Daily counters in Table <c>packetstats</c>: one row per day in Vietnam time (PK = <c>yyyy-MM-dd</c>, RK =
/// <c>packets</c>) with <c>Accepted</c>, <c>Duplicate</c> and <c>Quarantined</c>. Increments are read-modify-write
/// under the row's ETag, retried when another processor got there first, so none is lost.
/// </summary>
public sealed class PacketStatistics(TableServiceClient tables)
{
    public const string RowKey = "packets";

    const int MaxAttempts = 50;

    TableClient Table => tables.GetTableClient(OfflinePacketStorage.StatisticsTable);

    /// <summary>The day a moment is counted under: its date in Vietnam.</summary>
    public static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(WorkingDayCalendar.VietnamOffset).DateTime);

    public static string PartitionKeyFor(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public async Task IncrementAsync(DateOnly day, PacketReceiptKind counter, CancellationToken cancellationToken)
    {
        string name = counter.ToString();
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            NullableResponse<TableEntity> row = await Table.GetEntityIfExistsAsync<TableEntity>(PartitionKeyFor(day), RowKey, cancellationToken: cancellationToken);
            try
            {
                if (!row.HasValue)
                {
                    await Table.AddEntityAsync(new TableEntity(PartitionKeyFor(day), RowKey) { [name] = 1L }, cancellationToken);
                    return;
                }

                TableEntity current = row.Value!;
                var change = new TableEntity(current.PartitionKey, current.RowKey) { [name] = (current.GetInt64(name) ?? 0) + 1 };
                await Table.UpdateEntityAsync(change, current.ETag, TableUpdateMode.Merge, cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Someone else created or changed the row since it was read: read it again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 + (attempt * 10))), cancellationToken);
            }
        }

        throw new InvalidOperationException($"Could not increment packet counter {name} for {PartitionKeyFor(day)} after {MaxAttempts} attempts.");
    }

    /// <summary>The counters of one day (zeros for a day without packets).</summary>
    public async Task<PacketCounts> GetAsync(DateOnly day, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> row = await Table.GetEntityIfExistsAsync<TableEntity>(PartitionKeyFor(day), RowKey, cancellationToken: cancellationToken);
        TableEntity? e = row.HasValue ? row.Value : null;
        return new PacketCounts(
            e?.GetInt64(nameof(PacketReceiptKind.Accepted)) ?? 0,
            e?.GetInt64(nameof(PacketReceiptKind.Duplicate)) ?? 0,
            e?.GetInt64(nameof(PacketReceiptKind.Quarantined)) ?? 0);
    }
}

/// <summary>One day's packets by outcome.</summary>
public sealed record PacketCounts(long Accepted, long Duplicate, long Quarantined);
