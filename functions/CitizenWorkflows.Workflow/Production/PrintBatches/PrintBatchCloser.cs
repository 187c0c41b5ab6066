using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Orchestration.Batches;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Workflow.Production.PrintBatches;

/// <summary>The print centre's order for one batch (a message on <c>print-orders</c>): the manifest and its cards.</summary>
public sealed record PrintBatchOrder(string BatchId, string Centre, string ManifestJson, string ManifestCsv, IReadOnlyList<QueuedCard> Cards);

/// <summary>
/// Closes print batches (see <see cref="BatchCloser"/>): writes each batch's manifest (JSON and CSV, references to each
/// card's documents, no photos) to <c>print-batches/{centre}/{batchId}</c> and sends the batch order to the print centre.
/// </summary>
public sealed class PrintBatchCloser(
    PrintBacklog backlog, BlobServiceClient blobs, WorkOrderQueues orders, IOptionsMonitor<PrintBatchOptions> options, TimeProvider clock, ILogger<PrintBatchCloser> log)
    : BatchCloser(backlog, clock, log)
{
    public const string ManifestContainer = "print-batches";

    protected override string BatchKind => "Print batch";

    protected override CardBatchOptions Options => options.CurrentValue;

    protected override async Task SendAsync(CardBatch batch, CancellationToken cancellationToken)
    {
        BlobContainerClient container = blobs.GetBlobContainerClient(ManifestContainer);
        string json = $"{batch.Group}/{batch.BatchId}.json";
        string csv = $"{batch.Group}/{batch.BatchId}.csv";
        await Task.WhenAll(
            UploadOnceAsync(container, json, JsonSerializer.SerializeToUtf8Bytes(Manifest.For(batch), JsonSerializerOptions.Web), cancellationToken),
            UploadOnceAsync(container, csv, Encoding.UTF8.GetBytes(Manifest.Csv(batch)), cancellationToken));
        await orders.SendAsync(StorageNames.PrintOrdersQueue, new PrintBatchOrder(batch.BatchId, batch.Group, json, csv, batch.Cards), cancellationToken);
    }

    /// <summary>What the print centre prints a batch from: references to each card's stored documents.</summary>
    sealed record Manifest(string BatchId, string Centre, DateTimeOffset ClosedAt, IReadOnlyList<ManifestCard> Cards)
    {
        public static Manifest For(CardBatch batch) => new(batch.BatchId, batch.Group, batch.ClosedAt, [.. batch.Cards.Select(c => new ManifestCard(
            c.ApplicationId,
            c.Attempt,
            DocumentStore.BlobNameFor(c.ApplicationId, PersonaliseCard.CardDocument),
            DocumentStore.BlobNameFor(c.ApplicationId, PersonaliseCard.QrDocument),
            DocumentStore.BlobNameFor(c.ApplicationId, PersonaliseCard.ChipDocument),
            DocumentStore.BlobNameFor(c.ApplicationId, "portrait")))]);

        public static string Csv(CardBatch batch)
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
