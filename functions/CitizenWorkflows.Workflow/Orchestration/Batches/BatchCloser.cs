using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Workflow.Orchestration.Batches;

/// <summary>When a group's batch closes: at this many cards, or when its oldest card has waited this long.</summary>
public abstract class CardBatchOptions
{
    /// <summary>A batch closes when it holds this many cards (at most 99: one Table transaction assigns a whole batch).</summary>
    public int MaxCards { get; set; } = 50;

    /// <summary>…or when its oldest card has waited this long.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Closes batches of one backlog: per group, when <see cref="CardBatchOptions.MaxCards"/> cards wait or the oldest has
/// waited <see cref="CardBatchOptions.MaxWait"/>, assigns them to a batch (one transaction) and sends it (manifest and
/// order, by the subclass). Run by a timer trigger in the Functions app and a poller in the Local host; any number may
/// run at once. A batch assigned but not yet sent (a crash in between) is sent by the next run.
/// </summary>
public abstract partial class BatchCloser(CardBacklog backlog, TimeProvider clock, ILogger log)
{
    /// <summary>What the batches are called in logs and ids ("print batch", "shipment").</summary>
    protected abstract string BatchKind { get; }

    protected abstract CardBatchOptions Options { get; }

    /// <summary>Writes the batch's manifest and sends its order; must be safe to repeat for the same batch.</summary>
    protected abstract Task SendAsync(CardBatch batch, CancellationToken cancellationToken);

    /// <summary>Closes and sends every batch that is due now; returns how many this call closed.</summary>
    public async Task<int> CloseDueBatchesAsync(CancellationToken cancellationToken)
    {
        CardBatchOptions settings = Options;
        int size = Math.Clamp(settings.MaxCards, 1, CardBacklog.MaxBatchCards);
        int closed = 0;
        foreach (string group in await backlog.GroupsAsync(cancellationToken))
        {
            foreach (CardBatch unsent in await backlog.UnsentAsync(group, cancellationToken))
            {
                await SendAndMarkAsync(unsent, cancellationToken);
            }

            // One read serves every batch due now. A failed assignment means another closer took some of the cards:
            // read again. Many such rounds mean something else is wrong; stop and let the next run try.
            for (int failures = 0; failures < 20; failures++)
            {
                List<(QueuedCard Card, ETag ETag)> waiting = await backlog.WaitingAsync(group, cancellationToken);
                DateTimeOffset now = clock.GetUtcNow();
                bool taken = true;
                foreach ((QueuedCard Card, ETag ETag)[] cards in waiting.Chunk(size))
                {
                    if (cards.Length < size && cards[0].Card.QueuedAt > now - settings.MaxWait)
                    {
                        break; // the last, partial batch is not due yet
                    }

                    // Unique: a card heads at most one batch, since the batch that takes it assigns it.
                    QueuedCard head = cards[0].Card;
                    var batch = new CardBatch(
                        string.Create(CultureInfo.InvariantCulture, $"{group}-{now:yyyyMMddHHmmss}-{head.ApplicationId}-{head.Attempt:D2}"),
                        group, now, [.. cards.Select(c => c.Card)]);
                    taken = await backlog.AssignAsync(batch, [.. cards.Select(c => c.ETag)], cancellationToken);
                    if (!taken)
                    {
                        break;
                    }

                    await SendAndMarkAsync(batch, cancellationToken);
                    closed++;
                    LogClosed(log, BatchKind, batch.BatchId, batch.Cards.Count);
                }

                if (taken)
                {
                    break;
                }
            }
        }

        return closed;
    }

    async Task SendAndMarkAsync(CardBatch batch, CancellationToken cancellationToken)
    {
        await SendAsync(batch, cancellationToken);
        await backlog.MarkSentAsync(batch, cancellationToken);
    }

    /// <summary>Uploads a manifest unless it is there: a run that stopped before sending wrote the same content (the
    /// batch row fixes it).</summary>
    protected static async Task UploadOnceAsync(BlobContainerClient container, string name, byte[] content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        try
        {
            await container.GetBlobClient(name).UploadAsync(new BinaryData(content), overwrite: false, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Written by the run that stopped before sending.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} {BatchId} closed with {Cards} cards")]
    static partial void LogClosed(ILogger logger, string kind, string batchId, int cards);
}
