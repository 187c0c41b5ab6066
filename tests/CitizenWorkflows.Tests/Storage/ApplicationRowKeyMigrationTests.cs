using Azure.Data.Tables;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Notifications;
using CitizenWorkflows.Workflow.Operations.Reconciliation;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Tests.Storage;

/// <summary>
/// Rows written under the old key layout (constant or kind-only row keys) move to <see cref="ApplicationRowKey"/>
/// keys at start-up, once, keeping their columns; a row already written under the new key wins.
/// </summary>
public sealed class ApplicationRowKeyMigrationTests : IAsyncLifetime
{
    readonly AzuriteFixture azurite = new();

    public Task InitializeAsync() => azurite.InitializeAsync();

    public Task DisposeAsync() => azurite.DisposeAsync();

    [Fact]
    public async Task Old_layout_rows_move_to_keys_that_begin_with_the_application_id_once()
    {
        TableServiceClient tables = azurite.Tables;
        string a = Guid.CreateVersion7().ToString("N"), b = Guid.CreateVersion7().ToString("N");
        TableClient applications = tables.GetTableClient(StorageNames.ApplicationsTable);
        TableClient outbox = tables.GetTableClient(NotificationOutbox.TableName);
        TableClient escalations = tables.GetTableClient(Escalations.TableName);
        await Task.WhenAll(applications.CreateIfNotExistsAsync(), outbox.CreateIfNotExistsAsync(), escalations.CreateIfNotExistsAsync());
        await applications.AddEntityAsync(new TableEntity(a, "application") { ["Stage"] = "Printing", ["Sequence"] = 7 });
        await applications.AddEntityAsync(new TableEntity(b, "application") { ["Stage"] = "Received", ["Sequence"] = 1 });
        // b was written again by the new version before the migration ran: that row is newer and stays.
        await applications.AddEntityAsync(new TableEntity(b, ApplicationRowKey.Of(b)) { ["Stage"] = "Approved", ["Sequence"] = 4 });
        await outbox.AddEntityAsync(new TableEntity(a, "Delivered") { ["Pending"] = true });
        await escalations.AddEntityAsync(new TableEntity(a, "stuck-Printing-1") { ["Kind"] = "stuck" });

        int moved = await new ApplicationRowKeyMigration(tables).RunAsync(CancellationToken.None);

        Assert.Equal(4, moved);
        List<TableEntity> rows = await AsyncItems.AllAsync(applications.QueryAsync<TableEntity>());
        Assert.Equal(
            new[] { $"{a}|{a}|Printing|7", $"{b}|{b}|Approved|4" }.Order(StringComparer.Ordinal),
            rows.Select(r => $"{r.PartitionKey}|{r.RowKey}|{r.GetString("Stage")}|{r.GetInt32("Sequence")}").Order(StringComparer.Ordinal));
        TableEntity pending = Assert.Single(await AsyncItems.AllAsync(outbox.QueryAsync<TableEntity>()));
        Assert.Equal((ApplicationRowKey.Of(a, "Delivered"), true), (pending.RowKey, pending.GetBoolean("Pending") ?? false));
        Escalation? escalation = await new Escalations(tables).GetAsync(a, "stuck-Printing-1", CancellationToken.None);
        Assert.Equal("stuck", escalation?.Kind);
        Assert.Equal("stuck-Printing-1", escalation?.Key);

        // The marker makes the next start-up a single point read, even if an old-layout row appeared since.
        await applications.AddEntityAsync(new TableEntity(Guid.CreateVersion7().ToString("N"), "application"));
        Assert.Equal(0, await new ApplicationRowKeyMigration(tables).RunAsync(CancellationToken.None));
    }
}
