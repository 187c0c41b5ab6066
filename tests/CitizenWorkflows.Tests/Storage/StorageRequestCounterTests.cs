using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Tests.Storage;

/// <summary>The storage-request counter counts what reaches Azurite, by service and by the caller's scope.</summary>
public sealed class StorageRequestCounterTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Every_request_counts_once_under_its_service_and_the_caller_of_its_scope()
    {
        var counter = new StorageRequestCounter();
        var tables = new TableServiceClient(azurite.ConnectionString, counter.Count(new TableClientOptions(), StorageService.Table));
        var queues = new QueueServiceClient(azurite.ConnectionString, counter.Count(new QueueClientOptions(), StorageService.Queue));
        var blobs = new BlobServiceClient(azurite.ConnectionString, counter.Count(new BlobClientOptions(), StorageService.Blob));
        string name = "counted" + Guid.NewGuid().ToString("N")[..8];

        TableClient table = tables.GetTableClient(name);
        await table.CreateIfNotExistsAsync();
        StorageRequestCounts before = counter.Snapshot();
        using (StorageCaller.Enter(StorageCaller.Intake))
        {
            await table.AddEntityAsync(new TableEntity("p", "r1"));
            await table.AddEntityAsync(new TableEntity("p", "r2"));
            await table.GetEntityAsync<TableEntity>("p", "r1");
            QueueClient queue = queues.GetQueueClient(name);
            await queue.CreateIfNotExistsAsync();
            await queue.SendMessageAsync("m");
        }

        using (StorageCaller.Enter(StorageCaller.Activities))
        {
            BlobContainerClient container = blobs.GetBlobContainerClient(name);
            await container.CreateIfNotExistsAsync();
            await container.GetBlobClient("b").UploadAsync(BinaryData.FromString("x"));
        }

        // Outside any scope: counted as 'other', and a missing entity still costs a request.
        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => table.GetEntityAsync<TableEntity>("p", "absent"));

        StorageRequestCounts run = counter.Snapshot().Since(before);
        Assert.Equal(3 + 1, run.For(StorageService.Table));
        Assert.Equal(2, run.For(StorageService.Queue));
        Assert.Equal(2, run.For(StorageService.Blob));
        Assert.Equal(5, run.For(StorageCaller.Intake));
        Assert.Equal(2, run.For(StorageCaller.Activities));
        Assert.Equal(1, run.For(StorageCaller.Other));
        Assert.Equal(8, run.Total);
    }

    [Fact]
    public async Task A_client_with_a_fixed_caller_ignores_the_ambient_scope()
    {
        var counter = new StorageRequestCounter();
        var tables = new TableServiceClient(azurite.ConnectionString, counter.Count(new TableClientOptions(), StorageService.Table, StorageCaller.Runtime));
        using (StorageCaller.Enter(StorageCaller.Intake))
        {
            await tables.GetTableClient("fixed" + Guid.NewGuid().ToString("N")[..8]).CreateIfNotExistsAsync();
        }

        StorageRequestCount only = Assert.Single(counter.Snapshot().Cells);
        Assert.Equal((StorageService.Table, StorageCaller.Runtime, 1L), (only.Service, only.Caller, only.Requests));
    }

    [Theory]
    [InlineData(StorageService.Queue, "GET", "http://127.0.0.1:10001/devstoreaccount1/citizenworkflows-control-03/messages?numofmessages=32", "GET queue citizenworkflows-control-##/messages")]
    [InlineData(StorageService.Queue, "DELETE", "https://acct.queue.core.windows.net/citizenworkflows-workitems/messages/5d0c?popreceipt=x", "DELETE queue citizenworkflows-workitems/messages")]
    [InlineData(StorageService.Table, "PATCH", "https://acct.table.core.windows.net/CitizenWorkflowsInstances(PartitionKey='0193ab',RowKey='')", "PATCH table CitizenWorkflowsInstances(entity)")]
    [InlineData(StorageService.Table, "GET", "http://127.0.0.1:10002/devstoreaccount1/CitizenWorkflowsHistory()?$filter=PartitionKey%20eq%20'0193ab'", "GET table CitizenWorkflowsHistory")]
    [InlineData(StorageService.Blob, "PUT", "http://127.0.0.1:10000/devstoreaccount1/documents/applications/0193ab/portrait", "PUT blob documents")]
    public void An_operation_is_named_by_method_service_and_resource_never_by_a_blob_or_entity(StorageService service, string method, string uri, string expected) =>
        Assert.Equal(expected, StorageRequestCounter.OperationOf(service, method, new Uri(uri)));
}
