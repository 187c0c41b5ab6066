using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace CitizenWorkflows.Workflow.Production.PrintBatches;

/// <summary>A card waiting for (or assigned to) a print batch: one print attempt of one application.</summary>
public sealed record QueuedCard(string ApplicationId, int Attempt, DateTimeOffset QueuedAt);

/// <summary>A closed batch: its id, print centre, cards and whether its order has gone to the print centre.</summary>
public sealed record PrintBatch(string BatchId, string Centre, DateTimeOffset ClosedAt, IReadOnlyList<QueuedCard> Cards);

/// <summary>
/// Cards waiting to be printed, per print centre, in table <c>printbacklog</c>: PartitionKey = the centre, so one Table
/// transaction can assign up to 99 cards and record their batch at once. Card rows (RowKey <c>card-{id}-{attempt}</c>)
/// are added once per print attempt; batch rows (<c>batch-{id}</c>) record each batch until its order is sent. A card
/// assigned by the transaction cannot be assigned again (its ETag changed), so no card is ever in two batches.
/// </summary>
public sealed class PrintBacklog(TableServiceClient tables)
{
    public const string TableName = "printbacklog";

    const string CardPrefix = "card-";
    const string BatchPrefix = "batch-";

    /// <summary>Table transactions hold at most 100 operations: the batch row and 99 cards.</summary>
    public const int MaxBatchCards = 99;

    TableClient Queue => tables.GetTableClient(TableName);


    /// <summary>Queues one print attempt (idempotent: a retried dispatch finds it there).</summary>
    public async Task AddAsync(string centre, QueuedCard card, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(card);
        try
        {
            await Queue.AddEntityAsync(
                new TableEntity(centre, CardKey(card.ApplicationId, card.Attempt))
                {
                    ["ApplicationId"] = card.ApplicationId,
                    ["Attempt"] = card.Attempt,
                    ["QueuedAt"] = card.QueuedAt,
                    ["Assigned"] = false,
                },
                cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Queued by an earlier try of the same dispatch.
        }
    }

    /// <summary>The centre's unassigned cards, oldest first, with the ETags to assign them by.</summary>
    public async Task<List<(QueuedCard Card, ETag ETag)>> WaitingAsync(string centre, CancellationToken cancellationToken)
    {
        var waiting = new List<(QueuedCard, ETag)>();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {centre} and RowKey ge {CardPrefix} and RowKey lt {"card."} and Assigned eq false");
        await foreach (TableEntity row in Queue.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            waiting.Add((new QueuedCard(row.GetString("ApplicationId"), row.GetInt32("Attempt") ?? 1, row.GetDateTimeOffset("QueuedAt") ?? row.Timestamp!.Value), row.ETag));
        }

        return [.. waiting.OrderBy(w => w.Item1.QueuedAt).ThenBy(w => w.Item1.ApplicationId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Assigns the cards to a new batch in one transaction; false when any of them changed since it was read (another
    /// closer took it), in which case nothing at all was assigned.
    /// </summary>
    public async Task<bool> AssignAsync(PrintBatch batch, IReadOnlyList<ETag> etags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(etags);
        if (batch.Cards.Count is 0 or > MaxBatchCards)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), $"A batch holds 1 to {MaxBatchCards} cards.");
        }

        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, new TableEntity(batch.Centre, BatchPrefix + batch.BatchId)
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
                new TableEntity(batch.Centre, CardKey(card.ApplicationId, card.Attempt)) { ["Assigned"] = true, ["Batch"] = batch.BatchId },
                etags[i]));
        }

        try
        {
            await Queue.SubmitTransactionAsync(actions, cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 412 or 409)
        {
            return false;
        }
    }

    /// <summary>Batches assigned but whose order has not been sent yet (a closer stopped in between).</summary>
    public async Task<List<PrintBatch>> UnsentAsync(string centre, CancellationToken cancellationToken)
    {
        var unsent = new List<PrintBatch>();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {centre} and RowKey ge {BatchPrefix} and RowKey lt {"batch."} and Sent eq false");
        await foreach (TableEntity row in Queue.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var cards = JsonSerializer.Deserialize<List<QueuedCard>>(row.GetString("Cards"), JsonSerializerOptions.Web) ?? [];
            unsent.Add(new PrintBatch(row.RowKey[BatchPrefix.Length..], centre, row.GetDateTimeOffset("ClosedAt")!.Value, cards));
        }

        return unsent;
    }

    public async Task MarkSentAsync(PrintBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await Queue.UpdateEntityAsync(
            new TableEntity(batch.Centre, BatchPrefix + batch.BatchId) { ["Sent"] = true }, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>Whether this print attempt was queued (assigned to a batch or not): reconciliation's test for a lost order.</summary>
    public async Task<bool> ContainsAsync(string centre, string applicationId, int attempt, CancellationToken cancellationToken) =>
        (await Queue.GetEntityIfExistsAsync<TableEntity>(centre, CardKey(applicationId, attempt), ["Attempt"], cancellationToken)).HasValue;

    static string CardKey(string applicationId, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"{CardPrefix}{applicationId}-{attempt:D2}");
}
