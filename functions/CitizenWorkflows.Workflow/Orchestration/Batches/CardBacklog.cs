using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;

namespace CitizenWorkflows.Workflow.Orchestration.Batches;

/// <summary>A card waiting for (or assigned to) a batch: one attempt of one application's work order.</summary>
/// <param name="TraceParent">The work order's W3C trace context (see <see cref="WorkOrder.TraceParent"/>), echoed by
/// the partner's callbacks.</param>
public sealed record QueuedCard(
    string ApplicationId, int Attempt, DateTimeOffset QueuedAt, [property: JsonPropertyName("traceparent")] string? TraceParent = null);

/// <summary>A closed batch: its id, the group it was closed for (print centre, shipment destination) and its cards.</summary>
public sealed record CardBatch(string BatchId, string Group, DateTimeOffset ClosedAt, IReadOnlyList<QueuedCard> Cards);

/// <summary>
/// Cards waiting to be handed to a partner in batches (print batches, shipments), in one table: PartitionKey = the
/// group (a print centre, a shipment destination), so one Table transaction can take up to 99 cards and record their
/// batch at once. Each queued attempt leaves a record (RowKey <c>card-{id}-{attempt}</c>, kept) and, while it waits, an
/// entry <c>wait-{id}-{attempt}</c>, both written by one transaction. Closing a batch deletes the entries it takes and
/// adds the batch as <c>open-{id}</c> in one transaction: an entry another closer took is gone (its ETag fails), so no
/// card is ever in two batches. Once the batch's order is sent, <c>open-</c> becomes <c>batch-{id}</c>. The closer reads
/// only the <c>wait-</c> and <c>open-</c> ranges, which hold what is still to do, never every card the group ever had.
/// Groups are listed in partition <c>~groups</c> so a closer finds every group without scanning the table.
/// </summary>
public abstract class CardBacklog(TableServiceClient tables, string tableName)
{
    const string CardPrefix = "card-";
    const string WaitPrefix = "wait-";
    const string OpenPrefix = "open-";
    const string BatchPrefix = "batch-";
    const string GroupsPartition = "~groups";

    /// <summary>Table transactions hold at most 100 operations: the batch row and 99 cards.</summary>
    public const int MaxBatchCards = 99;

    readonly ConcurrentDictionary<string, bool> knownGroups = new(StringComparer.Ordinal);

    public string TableName { get; } = tableName;

    TableClient Table => tables.GetTableClient(TableName);

    /// <summary>Queues one attempt (idempotent: a retried dispatch finds its record and adds nothing).</summary>
    public async Task AddAsync(string group, QueuedCard card, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (!knownGroups.ContainsKey(group))
        {
            await AddIfAbsentAsync(new TableEntity(GroupsPartition, group), cancellationToken);
            knownGroups[group] = true;
        }

        string key = AttemptKey(card.ApplicationId, card.Attempt);
        try
        {
            await Table.SubmitTransactionAsync(
                [
                    new(TableTransactionActionType.Add, CardColumns(new TableEntity(group, CardPrefix + key), card)),
                    new(TableTransactionActionType.Add, CardColumns(new TableEntity(group, WaitPrefix + key), card)),
                ],
                cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            // Queued by an earlier try of the same dispatch: waiting still, or taken by a batch since.
        }
    }

    /// <summary>Every group that has had a card queued.</summary>
    public async Task<List<string>> GroupsAsync(CancellationToken cancellationToken)
    {
        var groups = new List<string>();
        await foreach (TableEntity row in Table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {GroupsPartition}"), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            groups.Add(row.RowKey);
        }

        return groups;
    }

    /// <summary>The group's cards not yet in a batch, oldest first, with the ETags to take them by.</summary>
    public async Task<List<(QueuedCard Card, ETag ETag)>> WaitingAsync(string group, CancellationToken cancellationToken)
    {
        var waiting = new List<(QueuedCard, ETag)>();
        await foreach (TableEntity row in Table.QueryAsync<TableEntity>(RangeFilter(group, WaitPrefix), cancellationToken: cancellationToken))
        {
            waiting.Add((new QueuedCard(row.GetString("ApplicationId"), row.GetInt32("Attempt") ?? 1, row.GetDateTimeOffset("QueuedAt") ?? row.Timestamp!.Value,
                row.GetString("TraceParent")), row.ETag));
        }

        return [.. waiting.OrderBy(w => w.Item1.QueuedAt).ThenBy(w => w.Item1.ApplicationId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Takes the cards into a new batch in one transaction; false when any of them changed since it was read (another
    /// closer took it), in which case nothing at all was taken.
    /// </summary>
    public async Task<bool> AssignAsync(CardBatch batch, IReadOnlyList<ETag> etags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(etags);
        if (batch.Cards.Count is 0 or > MaxBatchCards)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), $"A batch holds 1 to {MaxBatchCards} cards.");
        }

        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Add, BatchRow(OpenPrefix, batch)) };
        for (int i = 0; i < batch.Cards.Count; i++)
        {
            QueuedCard card = batch.Cards[i];
            actions.Add(new(TableTransactionActionType.Delete, new TableEntity(batch.Group, WaitPrefix + AttemptKey(card.ApplicationId, card.Attempt)), etags[i]));
        }

        try
        {
            await Table.SubmitTransactionAsync(actions, cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 412 or 409 or 404)
        {
            return false;
        }
    }

    /// <summary>Batches taken but whose order has not been sent yet (a closer stopped in between).</summary>
    public async Task<List<CardBatch>> UnsentAsync(string group, CancellationToken cancellationToken) =>
        await ToListAsync(BatchesAsync(group, OpenPrefix, cancellationToken));

    /// <summary>Every batch of the group, sent or not.</summary>
    public async IAsyncEnumerable<CardBatch> BatchesAsync(string group, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (string prefix in new[] { OpenPrefix, BatchPrefix })
        {
            await foreach (CardBatch batch in BatchesAsync(group, prefix, cancellationToken))
            {
                yield return batch;
            }
        }
    }

    async IAsyncEnumerable<CardBatch> BatchesAsync(
        string group, string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (TableEntity row in Table.QueryAsync<TableEntity>(RangeFilter(group, prefix), cancellationToken: cancellationToken))
        {
            var cards = JsonSerializer.Deserialize<List<QueuedCard>>(row.GetString("Cards"), JsonSerializerOptions.Web) ?? [];
            yield return new CardBatch(row.RowKey[prefix.Length..], group, row.GetDateTimeOffset("ClosedAt")!.Value, cards);
        }
    }

    /// <summary>Records the batch's order sent (<c>open-</c> becomes <c>batch-</c>, one transaction); safe to repeat.</summary>
    public async Task MarkSentAsync(CardBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        try
        {
            await Table.SubmitTransactionAsync(
                [
                    new(TableTransactionActionType.Delete, new TableEntity(batch.Group, OpenPrefix + batch.BatchId), ETag.All),
                    new(TableTransactionActionType.Add, BatchRow(BatchPrefix, batch)),
                ],
                cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status is 404 or 409)
        {
            // Another closer recorded it first.
        }
    }

    /// <summary>Whether this attempt was queued (in a batch or not): reconciliation's test for a lost order.</summary>
    public async Task<bool> ContainsAsync(string group, string applicationId, int attempt, CancellationToken cancellationToken) =>
        (await Table.GetEntityIfExistsAsync<TableEntity>(group, CardPrefix + AttemptKey(applicationId, attempt), ["Attempt"], cancellationToken)).HasValue;

    /// <summary>
    /// Brings rows of the layout before <c>wait-</c> and <c>open-</c> entries (a card row flagged <c>Assigned</c> false, a
    /// batch row flagged <c>Sent</c> false) to this one, each in one transaction that fails if another host moved it
    /// first; the number moved. Run once per storage account (<see cref="Storage.StorageLayoutStep"/>).
    /// </summary>
    public async Task<int> MoveFlaggedRowsAsync(CancellationToken cancellationToken)
    {
        int moved = 0;
        await foreach (TableEntity row in Table.QueryAsync<TableEntity>("Assigned eq false or Sent eq false", maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            bool card = row.RowKey.StartsWith(CardPrefix, StringComparison.Ordinal);
            if (!card && !row.RowKey.StartsWith(BatchPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            string key = row.RowKey[(card ? CardPrefix : BatchPrefix).Length..];
            var entry = new TableEntity(row.PartitionKey, (card ? WaitPrefix : OpenPrefix) + key);
            foreach (KeyValuePair<string, object> column in row.Where(c => c.Key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag" or "Assigned" or "Batch" or "Sent")))
            {
                entry[column.Key] = column.Value;
            }

            // A card keeps its record without the flag (so it is never moved twice); a batch row becomes the open entry.
            var old = new TableEntity(row.PartitionKey, row.RowKey);
            foreach (KeyValuePair<string, object> column in entry.Where(c => c.Key is not ("PartitionKey" or "RowKey")))
            {
                old[column.Key] = column.Value;
            }

            TableTransactionAction release = card
                ? new(TableTransactionActionType.UpdateReplace, old, row.ETag)
                : new(TableTransactionActionType.Delete, old, row.ETag);
            try
            {
                await Table.SubmitTransactionAsync([new(TableTransactionActionType.Add, entry), release], cancellationToken);
                moved++;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412 or 404)
            {
                // Another host moved it, or an older closer took it meanwhile.
            }
        }

        return moved;
    }

    static TableEntity CardColumns(TableEntity row, QueuedCard card)
    {
        row["ApplicationId"] = card.ApplicationId;
        row["Attempt"] = card.Attempt;
        row["QueuedAt"] = card.QueuedAt;
        if (card.TraceParent is not null)
        {
            row["TraceParent"] = card.TraceParent;
        }

        return row;
    }

    static TableEntity BatchRow(string prefix, CardBatch batch) => new(batch.Group, prefix + batch.BatchId)
    {
        ["ClosedAt"] = batch.ClosedAt,
        ["Cards"] = JsonSerializer.Serialize(batch.Cards, JsonSerializerOptions.Web),
    };

    /// <summary>The rows of one group whose RowKey begins with <paramref name="prefix"/> (which ends in '-', and '.' follows '-').</summary>
    static string RangeFilter(string group, string prefix) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {group} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + "."}");

    static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (T item in items)
        {
            list.Add(item);
        }

        return list;
    }

    async Task AddIfAbsentAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            await Table.AddEntityAsync(entity, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Added by an earlier try of the same dispatch (or, for a group, by another card).
        }
    }

    static string AttemptKey(string applicationId, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"{applicationId}-{attempt:D2}");
}
