using Azure.Data.Tables;

namespace CitizenWorkflows.Workflow.Storage;

/// <summary>A feature's change of its stored layout, registered beside its tables and run once per storage account by
/// <see cref="StorageInitializer"/> (<see cref="StorageLayoutStep"/>): the name of its marker, and the step (rows changed).</summary>
public sealed record StorageLayoutChange(string Name, Func<CancellationToken, Task<int>> Run);

/// <summary>
/// A change of the stored layout made once per storage account: a marker row in table <c>storagelayout</c> records that
/// the step ran to the end, so every later start-up pays one point read. A step must be safe to repeat (an interrupted
/// run, or several hosts starting at once, run it again).
/// </summary>
public static class StorageLayoutStep
{
    public const string MarkerTable = "storagelayout";
    const string MarkerPartition = "layout";

    /// <summary>Runs <paramref name="step"/> unless its marker is there; the number of rows it changed (0 when it had run).</summary>
    public static async Task<int> RunOnceAsync(TableServiceClient tables, string name, Func<CancellationToken, Task<int>> step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(step);
        TableClient markers = tables.GetTableClient(MarkerTable);
        await markers.CreateIfNotExistsAsync(cancellationToken);
        if ((await markers.GetEntityIfExistsAsync<TableEntity>(MarkerPartition, name, cancellationToken: cancellationToken)).HasValue)
        {
            return 0;
        }

        int changed = await step(cancellationToken);
        await markers.UpsertEntityAsync(new TableEntity(MarkerPartition, name) { ["ChangedRows"] = changed }, TableUpdateMode.Replace, cancellationToken);
        return changed;
    }
}
