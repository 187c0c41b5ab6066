using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Hosting;

namespace CitizenWorkflows.Workflow.Storage;

/// <summary>
/// Creates the containers, tables and queues the features declared (<see cref="StorageDeclarations"/>) at start-up
/// (idempotent), then brings rows of an older layout to the current one: the row keys first, then each feature's
/// <see cref="StorageLayoutChange"/> in the order registered.
/// </summary>
public sealed class StorageInitializer(
    BlobServiceClient blobs, TableServiceClient tables, QueueServiceClient queues, IEnumerable<StorageDeclaration> declared,
    IEnumerable<StorageLayoutChange> changes) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(declared.Distinct().Select(d => d.Kind switch
        {
            StorageKind.Container => (Task)blobs.GetBlobContainerClient(d.Name).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            StorageKind.Table => tables.GetTableClient(d.Name).CreateIfNotExistsAsync(cancellationToken),
            StorageKind.Queue => queues.GetQueueClient(d.Name).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            _ => throw new InvalidOperationException($"Unknown storage kind {d.Kind}."),
        }));
        await new ApplicationRowKeyMigration(tables).RunAsync(cancellationToken);
        foreach (StorageLayoutChange change in changes)
        {
            await StorageLayoutStep.RunOnceAsync(tables, change.Name, change.Run, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
