using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CitizenWorkflows.Workflow.Biometrics.Duplicates;
using CitizenWorkflows.Workflow.Delivery;
using CitizenWorkflows.Workflow.Delivery.Shipments;
using CitizenWorkflows.Workflow.Notifications;
using CitizenWorkflows.Workflow.Operations.Reconciliation;
using CitizenWorkflows.Workflow.Production.PrintBatches;
using Microsoft.Extensions.Hosting;

namespace CitizenWorkflows.Workflow.Storage;

/// <summary>Creates the workflow's containers, tables and queues at start-up (idempotent), then moves rows of an older key layout.</summary>
public sealed class StorageInitializer(BlobServiceClient blobs, TableServiceClient tables, QueueServiceClient queues) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll([
            blobs.GetBlobContainerClient(StorageNames.DocumentsContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            tables.GetTableClient(StorageNames.ApplicationsTable).CreateIfNotExistsAsync(cancellationToken),
            tables.GetTableClient(StorageNames.TimelineTable).CreateIfNotExistsAsync(cancellationToken),
            tables.GetTableClient(StorageNames.PersonalNumbersTable).CreateIfNotExistsAsync(cancellationToken),
            tables.GetTableClient(StorageNames.IdempotencyTable).CreateIfNotExistsAsync(cancellationToken),
            queues.GetQueueClient(StorageNames.PrintOrdersQueue).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            queues.GetQueueClient(StorageNames.CourierOrdersQueue).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            queues.GetQueueClient(StorageNames.BiometricSearchesQueue).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            queues.GetQueueClient(StorageNames.ShipmentOrdersQueue).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            queues.GetQueueClient(StorageNames.StationOrdersQueue).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            blobs.GetBlobContainerClient(PrintBatchCloser.ManifestContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            blobs.GetBlobContainerClient(ShipmentCloser.ManifestContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            blobs.GetBlobContainerClient(ReconciliationLock.Container).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            blobs.GetBlobContainerClient(ReconciliationReports.Container).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            .. FeatureTables.Select(table => tables.GetTableClient(table).CreateIfNotExistsAsync(cancellationToken))]);
        await new ApplicationRowKeyMigration(tables).RunAsync(cancellationToken);
    }

    /// <summary>The tables of the feature folders' stores (each store names its own).</summary>
    static readonly string[] FeatureTables =
    [
        FingerprintSearchIndex.TableName, DemographicIndex.TableName, NotificationOutbox.TableName, RecordingNotifier.TableName,
        PrintBacklog.Table, ShipmentBacklog.Table, CardRegister.TableName, StorageNames.OperationsAuditTable,
        Escalations.TableName, RedriveAttempts.TableName, Operations.Query.ApplicationCounters.TableName, Operations.Query.ApplicationIndex.TableName, Intake.CitizenClaims.TableName, Production.PersonalNumberRegistry.InProductionTable,
        Orchestration.Deadlines.DeadlineIndex.TableName, LedgerExpiry.TableName,
        Campaign.CampaignTable.TableName, Campaign.Targets.CampaignTargets.TableName,
    ];

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
