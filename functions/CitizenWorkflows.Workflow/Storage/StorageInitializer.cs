using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Hosting;

namespace CitizenWorkflows.Workflow.Storage;

/// <summary>Creates the workflow's containers, tables and queues at start-up (idempotent).</summary>
public sealed class StorageInitializer(BlobServiceClient blobs, TableServiceClient tables, QueueServiceClient queues) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(
            blobs.GetBlobContainerClient(StorageNames.DocumentsContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            tables.GetTableClient(StorageNames.ApplicationsTable).CreateIfNotExistsAsync(cancellationToken),
            tables.GetTableClient(StorageNames.TimelineTable).CreateIfNotExistsAsync(cancellationToken),
            tables.GetTableClient(StorageNames.PersonalNumbersTable).CreateIfNotExistsAsync(cancellationToken),
            tables.GetTableClient(StorageNames.IdempotencyTable).CreateIfNotExistsAsync(cancellationToken),
            queues.GetQueueClient(StorageNames.PrintOrdersQueue).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            queues.GetQueueClient(StorageNames.CourierOrdersQueue).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            queues.GetQueueClient(StorageNames.BiometricSearchesQueue).CreateIfNotExistsAsync(cancellationToken: cancellationToken));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
