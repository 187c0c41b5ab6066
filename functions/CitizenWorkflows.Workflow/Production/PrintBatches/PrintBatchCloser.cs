using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Workflow.Production.PrintBatches;

/// <summary>The print centre's order for one batch (a message on <c>print-orders</c>): the manifest and its cards.</summary>
public sealed record PrintBatchOrder(string BatchId, string Centre, string ManifestJson, string ManifestCsv, IReadOnlyList<QueuedCard> Cards);

/// <summary>
/// Closes print batches: per centre, when <see cref="PrintBatchOptions.MaxCards"/> cards wait or the oldest has waited
/// <see cref="PrintBatchOptions.MaxWait"/>, assigns them to a batch (one transaction), writes the manifest (JSON and CSV,
/// references to each card's documents, no photos) to <c>print-batches</c> and sends the batch order to the print
/// centre. Run by a timer trigger in the Functions app and a poller in the Local host; any number may run at once.
/// A batch assigned but not yet sent (a crash in between) is sent by the next run.
/// </summary>
public sealed partial class PrintBatchCloser(
    PrintBacklog queue, BlobServiceClient blobs, WorkOrderQueues orders, IOptionsMonitor<PrintBatchOptions> options, TimeProvider clock, ILogger<PrintBatchCloser> log)
{
    public const string ManifestContainer = "print-batches";

    /// <summary>Closes and sends every batch that is due now; returns how many this call closed.</summary>
    public async Task<int> CloseDueBatchesAsync(CancellationToken cancellationToken)
    {
        PrintBatchOptions settings = options.CurrentValue;
        int size = Math.Clamp(settings.MaxCards, 1, PrintBacklog.MaxBatchCards);
        int closed = 0;
        foreach (string centre in settings.Centres)
        {
            foreach (PrintBatch unsent in await queue.UnsentAsync(centre, cancellationToken))
            {
                await SendAsync(unsent, cancellationToken);
            }

            // One read serves every batch due now. A failed assignment means another closer took some of the cards:
            // read again. Many such rounds mean something else is wrong; stop and let the next run try.
            for (int failures = 0; failures < 20; failures++)
            {
                List<(QueuedCard Card, ETag ETag)> waiting = await queue.WaitingAsync(centre, cancellationToken);
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
                    var batch = new PrintBatch(
                        string.Create(CultureInfo.InvariantCulture, $"{centre}-{now:yyyyMMddHHmmss}-{head.ApplicationId}-{head.Attempt:D2}"),
                        centre, now, [.. cards.Select(c => c.Card)]);
                    taken = await queue.AssignAsync(batch, [.. cards.Select(c => c.ETag)], cancellationToken);
                    if (!taken)
                    {
                        break;
                    }

                    await SendAsync(batch, cancellationToken);
                    closed++;
                    LogClosed(log, batch.BatchId, batch.Cards.Count);
                }

                if (taken)
                {
                    break;
                }
            }
        }

        return closed;
    }

    async Task SendAsync(PrintBatch batch, CancellationToken cancellationToken)
    {
        BlobContainerClient container = blobs.GetBlobContainerClient(ManifestContainer);
        string json = $"{batch.Centre}/{batch.BatchId}.json";
        string csv = $"{batch.Centre}/{batch.BatchId}.csv";
        await Task.WhenAll(
            UploadOnceAsync(container, json, JsonSerializer.SerializeToUtf8Bytes(Manifest.For(batch), JsonSerializerOptions.Web), cancellationToken),
            UploadOnceAsync(container, csv, Encoding.UTF8.GetBytes(Manifest.Csv(batch)), cancellationToken));
        await orders.SendAsync(new PrintBatchOrder(batch.BatchId, batch.Centre, json, csv, batch.Cards), cancellationToken);
        await queue.MarkSentAsync(batch, cancellationToken);
    }

    static async Task UploadOnceAsync(BlobContainerClient container, string name, byte[] content, CancellationToken cancellationToken)
    {
        try
        {
            await container.GetBlobClient(name).UploadAsync(new BinaryData(content), overwrite: false, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Written by the run that stopped before sending; the batch row fixes the content, so it is the same.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Print batch {BatchId} closed with {Cards} cards")]
    static partial void LogClosed(ILogger logger, string batchId, int cards);

    /// <summary>What the print centre prints a batch from: references to each card's stored documents.</summary>
    sealed record Manifest(string BatchId, string Centre, DateTimeOffset ClosedAt, IReadOnlyList<ManifestCard> Cards)
    {
        public static Manifest For(PrintBatch batch) => new(batch.BatchId, batch.Centre, batch.ClosedAt, [.. batch.Cards.Select(c => new ManifestCard(
            c.ApplicationId,
            c.Attempt,
            DocumentStore.BlobNameFor(c.ApplicationId, PersonaliseCard.CardDocument),
            DocumentStore.BlobNameFor(c.ApplicationId, PersonaliseCard.QrDocument),
            DocumentStore.BlobNameFor(c.ApplicationId, PersonaliseCard.ChipDocument),
            DocumentStore.BlobNameFor(c.ApplicationId, "portrait")))]);

        public static string Csv(PrintBatch batch)
        {
            var text = new StringBuilder("batchId,applicationId,attempt,cardData,qrImage,chipData,portrait\r\n");
            foreach (ManifestCard card in For(batch).Cards)
            {
                text.Append(CultureInfo.InvariantCulture, $"{batch.BatchId},{card.ApplicationId},{card.Attempt},{card.CardData},{card.QrImage},{card.ChipData},{card.Portrait}\r\n");
            }

            return text.ToString();
        }
    }

    sealed record ManifestCard(string ApplicationId, int Attempt, string CardData, string QrImage, string ChipData, string Portrait);
}
