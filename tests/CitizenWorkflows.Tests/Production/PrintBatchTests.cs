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

        // Every card row names the one batch that holds it; every batch has its manifest and exactly one order was sent for it.
        var rows = await AsyncItems.AllAsync(azurite.Tables.GetTableClient(PrintBacklog.Table).QueryAsync<TableEntity>($"PartitionKey eq '{centre}' and Assigned eq true"));
        Assert.Equal(500, rows.Count);
        var batchOf = batches.SelectMany(b => b.Cards.Select(c => (Key: $"{c.ApplicationId}-{c.Attempt:D2}", b.BatchId))).ToDictionary(x => x.Key, x => x.BatchId);
        Assert.All(rows, row => Assert.Equal(batchOf[row.RowKey["card-".Length..]], row.GetString("Batch")));
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

    /// <summary>Every batch of the centre (each must have been sent).</summary>
    async Task<List<CardBatch>> BatchesAsync(string centre)
    {
        var rows = await AsyncItems.AllAsync(azurite.Tables.GetTableClient(PrintBacklog.Table).QueryAsync<TableEntity>(
            $"PartitionKey eq '{centre}' and RowKey ge 'batch-' and RowKey lt 'batch.'"));
        Assert.All(rows, r => Assert.True(r.GetBoolean("Sent")));
        return await AsyncItems.AllAsync(backlog.BatchesAsync(centre, default));
    }
}
