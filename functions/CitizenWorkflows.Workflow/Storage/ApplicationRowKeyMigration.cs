using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Notifications;
using CitizenWorkflows.Workflow.Operations.Reconciliation;

namespace CitizenWorkflows.Workflow.Storage;

/// <summary>
/// Moves rows written before <see cref="ApplicationRowKey"/> (projection rows keyed <c>application</c>, outbox and
/// notification rows keyed by kind, escalations and re-drive attempts by their own key) to the new keys, once per
/// storage account (<see cref="StorageLayoutStep"/>). Safe to run from several hosts at once and to interrupt: a copy
/// that exists already is kept (it is newer), and a move is a copy then a delete.
/// </summary>
public sealed class ApplicationRowKeyMigration(TableServiceClient tables)
{
    /// <summary>The tables with rows per application, and whether a table holds one row per application.</summary>
    static readonly (string Table, bool OneRowPerApplication)[] Tables =
    [
        (StorageNames.ApplicationsTable, true),
        (NotificationOutbox.TableName, false),
        (RecordingNotifier.TableName, false),
        (Escalations.TableName, false),
        (RedriveAttempts.TableName, false),
    ];

    /// <summary>Moves what is left in the old layout; the number of rows moved (0 once the marker is there).</summary>
    public Task<int> RunAsync(CancellationToken cancellationToken) =>
        StorageLayoutStep.RunOnceAsync(tables, "application-row-keys", MoveAsync, cancellationToken);

    async Task<int> MoveAsync(CancellationToken cancellationToken)
    {
        int moved = 0;
        foreach ((string name, bool oneRow) in Tables)
        {
            TableClient table = tables.GetTableClient(name);
            await table.CreateIfNotExistsAsync(cancellationToken);
            await foreach (TableEntity row in table.QueryAsync<TableEntity>(maxPerPage: 1000, cancellationToken: cancellationToken))
            {
                if (row.RowKey.StartsWith(row.PartitionKey, StringComparison.Ordinal))
                {
                    continue;
                }

                var copy = new TableEntity(row.PartitionKey, oneRow ? ApplicationRowKey.Of(row.PartitionKey) : ApplicationRowKey.Of(row.PartitionKey, row.RowKey));
                foreach (KeyValuePair<string, object> column in row.Where(c => c.Key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")))
                {
                    copy[column.Key] = column.Value;
                }

                try
                {
                    await table.AddEntityAsync(copy, cancellationToken);
                }
                catch (RequestFailedException e) when (e.Status == 409)
                {
                    // Written under the new key since: that row is the newer one.
                }

                try
                {
                    await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    // Another host moved it.
                }

                moved++;
            }
        }

        return moved;
    }
}
