using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues.Models;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Orchestration.Batches;
using CitizenWorkflows.Workflow.Production.PrintBatches;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace CitizenWorkflows.Tests.Production;

/// <summary>Print batches on Azurite: closed at N cards or after T, every card in exactly one batch, even with closers racing.</summary>
public sealed class PrintBatchTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    readonly PrintBacklog backlog = new(azurite.Tables);

    public async Task InitializeAsync()
    {
        await azurite.Tables.GetTableClient(PrintBacklog.Table).CreateIfNotExistsAsync();
        await azurite.Blobs.GetBlobContainerClient(PrintBatchCloser.ManifestContainer).CreateIfNotExistsAsync();
        await azurite.Queues.GetQueueClient(StorageNames.PrintOrdersQueue).CreateIfNotExistsAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    PrintBatchCloser Closer(string centre, int maxCards, TimeSpan maxWait, TimeProvider clock) => new(
        backlog, azurite.Blobs, new WorkOrderQueues(azurite.Queues),
        new FixedOptions<PrintBatchOptions>(new PrintBatchOptions { MaxCards = maxCards, MaxWait = maxWait, DefaultCentre = centre }), clock, NullLogger<PrintBatchCloser>.Instance);

    static QueuedCard Card(int n, DateTimeOffset at) => new(Guid.CreateVersion7().ToString("N"), 1 + (n % 2), at);

    [Fact]
    public async Task A_batch_closes_at_its_size_and_the_rest_after_the_longest_wait()
    {
        const string centre = "centre-size-or-time";
        var clock = new FakeClock(DateTimeOffset.UtcNow);
        for (int i = 0; i < 25; i++)
        {
            await backlog.AddAsync(centre, Card(i, clock.GetUtcNow()), default);
        }

        PrintBatchCloser closer = Closer(centre, maxCards: 10, maxWait: TimeSpan.FromMinutes(15), clock);
        Assert.Equal(2, await closer.CloseDueBatchesAsync(default));
        Assert.Equal(5, (await backlog.WaitingAsync(centre, default)).Count);

        clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(0, await closer.CloseDueBatchesAsync(default));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await closer.CloseDueBatchesAsync(default));
        Assert.Empty(await backlog.WaitingAsync(centre, default));
        Assert.Equal([10, 10, 5], (await BatchesAsync(centre)).Select(b => b.Cards.Count).Order().Reverse());
    }

    [Fact]
    public async Task Five_hundred_cards_queued_at_once_with_three_closers_racing_are_each_in_exactly_one_batch()
    {
        const string centre = "centre-race";
        var queued = Enumerable.Range(0, 500).Select(i => Card(i, DateTimeOffset.UtcNow)).ToList();
        await Parallel.ForEachAsync(queued, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (card, ct) => await backlog.AddAsync(centre, card, ct));
        // A retried dispatch adds nothing.
        await backlog.AddAsync(centre, queued[0], default);

        PrintBatchCloser[] closers = [.. Enumerable.Range(0, 3).Select(_ => Closer(centre, maxCards: 40, maxWait: TimeSpan.Zero, TimeProvider.System))];
        int[] closed = await Task.WhenAll(closers.Select(c => c.CloseDueBatchesAsync(default)));

        List<CardBatch> batches = await BatchesAsync(centre);
        Assert.Equal(closed.Sum(), batches.Count);
        Assert.Equal(13, batches.Count); // 12 of 40 and one of 20
        var inBatches = batches.SelectMany(b => b.Cards.Select(c => (c.ApplicationId, c.Attempt))).ToList();
        Assert.Equal(500, inBatches.Count);
        Assert.Equal(queued.Select(c => (c.ApplicationId, c.Attempt)).Order(), inBatches.Order());

        // Every attempt keeps its record and none still waits; every batch has its manifest and exactly one order was sent for it.
        var rows = await AsyncItems.AllAsync(azurite.Tables.GetTableClient(PrintBacklog.Table).QueryAsync<TableEntity>($"PartitionKey eq '{centre}'"));
        Assert.Equal(
            queued.Select(c => $"card-{c.ApplicationId}-{c.Attempt:D2}").Order(StringComparer.Ordinal),
            rows.Where(r => r.RowKey.StartsWith("card-", StringComparison.Ordinal)).Select(r => r.RowKey).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(rows, r => r.RowKey.StartsWith("wait-", StringComparison.Ordinal));
        var manifests = await AsyncItems.AllAsync(azurite.Blobs.GetBlobContainerClient(PrintBatchCloser.ManifestContainer).GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, centre + "/", default));
        Assert.Equal(batches.Count * 2, manifests.Count);
        var orders = new List<PrintBatchOrder>();
        QueueMessage[] messages;
        do
        {
            messages = (await azurite.Queues.GetQueueClient(StorageNames.PrintOrdersQueue).ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
            orders.AddRange(messages.Select(m => JsonSerializer.Deserialize<PrintBatchOrder>(m.MessageText, JsonSerializerOptions.Web)!).Where(o => o.Centre == centre));
        }
        while (messages.Length > 0);
        Assert.Equal(batches.Select(b => b.BatchId).Order(StringComparer.Ordinal), orders.Select(o => o.BatchId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_dispatch_retried_after_its_card_went_into_a_batch_does_not_queue_it_again()
    {
        const string centre = "centre-retried-dispatch";
        QueuedCard card = Card(0, DateTimeOffset.UtcNow);
        await backlog.AddAsync(centre, card, default);
        Assert.Equal(1, await Closer(centre, maxCards: 10, maxWait: TimeSpan.Zero, TimeProvider.System).CloseDueBatchesAsync(default));

        await backlog.AddAsync(centre, card, default);

        Assert.Empty(await backlog.WaitingAsync(centre, default));
        Assert.Equal([card.ApplicationId], (await BatchesAsync(centre)).SelectMany(b => b.Cards).Select(c => c.ApplicationId));
        Assert.True(await backlog.ContainsAsync(centre, card.ApplicationId, card.Attempt, default));
    }

    [Fact]
    public async Task Rows_of_the_flagged_layout_become_waiting_entries_and_open_batches_once_and_are_then_closed_and_sent()
    {
        const string centre = "centre-flagged-layout";
        TableClient table = azurite.Tables.GetTableClient(PrintBacklog.Table);
        DateTimeOffset at = DateTimeOffset.UtcNow.AddMinutes(-30);
        QueuedCard waiting = Card(0, at), taken = Card(1, at);
        await table.AddEntityAsync(new TableEntity("~groups", centre));
        await table.AddEntityAsync(new TableEntity(centre, $"card-{waiting.ApplicationId}-{waiting.Attempt:D2}")
        {
            ["ApplicationId"] = waiting.ApplicationId, ["Attempt"] = waiting.Attempt, ["QueuedAt"] = at, ["Assigned"] = false,
        });
        await table.AddEntityAsync(new TableEntity(centre, $"card-{taken.ApplicationId}-{taken.Attempt:D2}")
        {
            ["ApplicationId"] = taken.ApplicationId, ["Attempt"] = taken.Attempt, ["QueuedAt"] = at, ["Assigned"] = true, ["Batch"] = "old-batch",
        });
        await table.AddEntityAsync(new TableEntity(centre, "batch-old-batch")
        {
            ["ClosedAt"] = at, ["Cards"] = JsonSerializer.Serialize(new[] { taken }, JsonSerializerOptions.Web), ["Sent"] = false,
        });

        Assert.True(await backlog.MoveFlaggedRowsAsync(default) >= 2);
        Assert.Empty(await AsyncItems.AllAsync(table.QueryAsync<TableEntity>($"PartitionKey eq '{centre}' and (Assigned eq false or Sent eq false)")));
        Assert.Equal([waiting.ApplicationId], (await backlog.WaitingAsync(centre, default)).Select(w => w.Card.ApplicationId));
        Assert.Equal(["old-batch"], (await backlog.UnsentAsync(centre, default)).Select(b => b.BatchId));

        // The old unsent batch is sent, the waiting card closes into a batch of its own; nothing is taken twice.
        Assert.Equal(1, await Closer(centre, maxCards: 10, maxWait: TimeSpan.FromMinutes(15), TimeProvider.System).CloseDueBatchesAsync(default));
        List<CardBatch> batches = await BatchesAsync(centre);
        Assert.Equal(
            new[] { taken.ApplicationId, waiting.ApplicationId }.Order(StringComparer.Ordinal),
            batches.SelectMany(b => b.Cards).Select(c => c.ApplicationId).Order(StringComparer.Ordinal));
        Assert.True(await backlog.ContainsAsync(centre, waiting.ApplicationId, waiting.Attempt, default));
    }

    /// <summary>Every batch of the centre (each must have been sent).</summary>
    async Task<List<CardBatch>> BatchesAsync(string centre)
    {
        Assert.Empty(await backlog.UnsentAsync(centre, default));
        return await AsyncItems.AllAsync(backlog.BatchesAsync(centre, default));
    }
}
