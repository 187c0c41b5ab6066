using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Orchestration.Batches;
using CitizenWorkflows.Workflow.Production;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Workflow.Delivery.Shipments;

/// <summary>
/// The courier's order for one shipment (a message on <c>shipment-orders</c>): where it goes, its manifest and its cards.
/// For a station the whole shipment is one parcel; for posted cards each card goes to the address in its <c>card.json</c>.
/// </summary>
public sealed record ShipmentOrder(
    string ShipmentId, string Destination, DeliveryMethod Method, string ManifestJson, string ManifestCsv, IReadOnlyList<QueuedCard> Cards);

/// <summary>
/// Closes shipments (see <see cref="BatchCloser"/>): writes each shipment's manifest (JSON and CSV: the cards and a
/// reference to each card's <c>card.json</c>, whose QR payload holds the residence address; no personal data in the manifest or the
/// queue) to <c>shipments/{destination}/{shipmentId}</c> and sends the shipment order to the courier.
/// </summary>
public sealed class ShipmentCloser(
    ShipmentBacklog backlog, BlobServiceClient blobs, WorkOrderQueues orders, IOptionsMonitor<ShipmentOptions> options, TimeProvider clock, ILogger<ShipmentCloser> log)
    : BatchCloser(backlog, clock, log)
{
    public const string ManifestContainer = "shipments";

    protected override string BatchKind => "Shipment";

    protected override CardBatchOptions Options => options.CurrentValue;

    protected override async Task SendAsync(CardBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        DeliveryMethod method = CardDestination.IsStation(batch.Group) ? DeliveryMethod.Station : DeliveryMethod.Address;
        BlobContainerClient container = blobs.GetBlobContainerClient(ManifestContainer);
        string json = $"{batch.Group}/{batch.BatchId}.json";
        string csv = $"{batch.Group}/{batch.BatchId}.csv";
        var manifest = new Manifest(batch.BatchId, batch.Group, method, batch.ClosedAt, [.. batch.Cards.Select(c =>
            new ManifestCard(c.ApplicationId, c.Attempt, DocumentStore.BlobNameFor(c.ApplicationId, PersonaliseCard.CardDocument)))]);
        var text = new StringBuilder("shipmentId,destination,method,applicationId,attempt,cardData\r\n");
        foreach (ManifestCard card in manifest.Cards)
        {
            text.Append(CultureInfo.InvariantCulture, $"{batch.BatchId},{batch.Group},{method},{card.ApplicationId},{card.Attempt},{card.CardData}\r\n");
        }

        await Task.WhenAll(
            UploadOnceAsync(container, json, JsonSerializer.SerializeToUtf8Bytes(manifest, JsonSerializerOptions.Web), cancellationToken),
            UploadOnceAsync(container, csv, Encoding.UTF8.GetBytes(text.ToString()), cancellationToken));
        await orders.SendAsync(StorageNames.ShipmentOrdersQueue, new ShipmentOrder(batch.BatchId, batch.Group, method, json, csv, batch.Cards), cancellationToken);
    }

    sealed record Manifest(string ShipmentId, string Destination, DeliveryMethod Method, DateTimeOffset ClosedAt, IReadOnlyList<ManifestCard> Cards);

    sealed record ManifestCard(string ApplicationId, int Attempt, string CardData);
}
