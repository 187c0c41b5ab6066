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
/// group (a print centre, a shipment destination), so one Table transaction can assign up to 99 cards and record their
/// batch at once. Card rows (RowKey <c>card-{id}-{attempt}</c>) are added once per attempt; batch rows
/// (<c>batch-{id}</c>) record each batch until its order is sent. A card assigned by the transaction cannot be assigned
/// again (its ETag changed), so no card is ever in two batches. Groups are listed in partition <c>~groups</c> so a
/// closer finds every group that ever had a card without scanning the table.
/// </summary>
public abstract class CardBacklog(TableServiceClient tables, string tableName)
{
    const string CardPrefix = "card-";
    const string BatchPrefix = "batch-";
    const string GroupsPartition = "~groups";

    /// <summary>Table transactions hold at most 100 operations: the batch row and 99 cards.</summary>
    public const int MaxBatchCards = 99;

    readonly ConcurrentDictionary<string, bool> knownGroups = new(StringComparer.Ordinal);

    public string TableName { get; } = tableName;

    TableClient Table => tables.GetTableClient(TableName);

    /// <summary>Queues one attempt (idempotent: a retried dispatch finds it there).</summary>
    public async Task AddAsync(string group, QueuedCard card, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (!knownGroups.ContainsKey(group))
        {
            await AddIfAbsentAsync(new TableEntity(GroupsPartition, group), cancellationToken);
            knownGroups[group] = true;
        }

        var row = new TableEntity(group, CardKey(card.ApplicationId, card.Attempt))
        {
            ["ApplicationId"] = card.ApplicationId,
            ["Attempt"] = card.Attempt,
            ["QueuedAt"] = card.QueuedAt,
            ["Assigned"] = false,
        };
        if (card.TraceParent is not null)
        {
            row["TraceParent"] = card.TraceParent;
        }

        await AddIfAbsentAsync(row, cancellationToken);
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

    /// <summary>The group's unassigned cards, oldest first, with the ETags to assign them by.</summary>
    public async Task<List<(QueuedCard Card, ETag ETag)>> WaitingAsync(string group, CancellationToken cancellationToken)
    {
        var waiting = new List<(QueuedCard, ETag)>();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {group} and RowKey ge {CardPrefix} and RowKey lt {"card."} and Assigned eq false");
        await foreach (TableEntity row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            waiting.Add((new QueuedCard(row.GetString("ApplicationId"), row.GetInt32("Attempt") ?? 1, row.GetDateTimeOffset("QueuedAt") ?? row.Timestamp!.Value,
                row.GetString("TraceParent")), row.ETag));
        }

        return [.. waiting.OrderBy(w => w.Item1.QueuedAt).ThenBy(w => w.Item1.ApplicationId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Assigns the cards to a new batch in one transaction; false when any of them changed since it was read (another
    /// closer took it), in which case nothing at all was assigned.
    /// </summary>
    public async Task<bool> AssignAsync(CardBatch batch, IReadOnlyList<ETag> etags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(etags);
        if (batch.Cards.Count is 0 or > MaxBatchCards)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), $"A batch holds 1 to {MaxBatchCards} cards.");
        }

        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, new TableEntity(batch.Group, BatchPrefix + batch.BatchId)
            {
                ["ClosedAt"] = batch.ClosedAt,
                ["Cards"] = JsonSerializer.Serialize(batch.Cards, JsonSerializerOptions.Web),
                ["Sent"] = false,
            }),
        };
        for (int i = 0; i < batch.Cards.Count; i++)
        {
            QueuedCard card = batch.Cards[i];
            actions.Add(new(
                TableTransactionActionType.UpdateMerge,
                new TableEntity(batch.Group, CardKey(card.ApplicationId, card.Attempt)) { ["Assigned"] = true, ["Batch"] = batch.BatchId },
                etags[i]));
        }

        try
        {
            await Table.SubmitTransactionAsync(actions, cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 412 or 409)
        {
            return false;
        }
    }

    /// <summary>Batches assigned but whose order has not been sent yet (a closer stopped in between).</summary>
    public async Task<List<CardBatch>> UnsentAsync(string group, CancellationToken cancellationToken)
    {
        var unsent = new List<CardBatch>();
        await foreach (CardBatch batch in BatchesAsync(group, $" and Sent eq false", cancellationToken))
        {
            unsent.Add(batch);
        }

        return unsent;
    }

    /// <summary>Every batch of the group, sent or not.</summary>
    public IAsyncEnumerable<CardBatch> BatchesAsync(string group, CancellationToken cancellationToken) =>
        BatchesAsync(group, "", cancellationToken);

    async IAsyncEnumerable<CardBatch> BatchesAsync(
        string group, string extraFilter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {group} and RowKey ge {BatchPrefix} and RowKey lt {"batch."}") + extraFilter;
        await foreach (TableEntity row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var cards = JsonSerializer.Deserialize<List<QueuedCard>>(row.GetString("Cards"), JsonSerializerOptions.Web) ?? [];
            yield return new CardBatch(row.RowKey[BatchPrefix.Length..], group, row.GetDateTimeOffset("ClosedAt")!.Value, cards);
        }
    }

    public async Task MarkSentAsync(CardBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await Table.UpdateEntityAsync(
            new TableEntity(batch.Group, BatchPrefix + batch.BatchId) { ["Sent"] = true }, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>Whether this attempt was queued (assigned to a batch or not): reconciliation's test for a lost order.</summary>
    public async Task<bool> ContainsAsync(string group, string applicationId, int attempt, CancellationToken cancellationToken) =>
        (await Table.GetEntityIfExistsAsync<TableEntity>(group, CardKey(applicationId, attempt), ["Attempt"], cancellationToken)).HasValue;

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

    static string CardKey(string applicationId, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"{CardPrefix}{applicationId}-{attempt:D2}");
}
