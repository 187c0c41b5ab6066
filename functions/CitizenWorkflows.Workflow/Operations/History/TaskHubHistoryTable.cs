using Azure;
using Azure.Data.Tables;

namespace CitizenWorkflows.Workflow.Operations.History;

/// <summary>
/// Reads history from the <c>{TaskHub}History</c> table that DurableTask.AzureStorage (the storage provider of Durable
/// Functions and of the Local host) writes: partition = instance id, one row per event, each tagged with its
/// execution. Used by the Functions app (whose client's history call depends on the host extension's version and cannot
/// be tried here); only small columns are read (inputs and outputs stay where they are).
/// </summary>
public sealed class TaskHubHistoryTable(TableServiceClient tables, string taskHubName) : IOrchestrationHistory
{
    static readonly string[] Columns = ["RowKey", "ExecutionId", "EventType", "EventId", "Name", "_Timestamp", "Timestamp"];

    public string TableName { get; } = taskHubName + "History";

    public async Task<HistoryReading> ReadAsync(string instanceId, CancellationToken cancellationToken)
    {
        var rows = new List<(string ExecutionId, HistoryItem Item)>();
        try
        {
            await foreach (TableEntity row in tables.GetTableClient(TableName).QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {instanceId}"), select: Columns, cancellationToken: cancellationToken))
            {
                // The sentinel row (no event type) guards the instance's writes; it is not an event.
                if (row.GetString("EventType") is not { Length: > 0 } eventType)
                {
                    continue;
                }

                rows.Add((
                    row.GetString("ExecutionId") ?? "",
                    new HistoryItem(
                        row.GetInt32("EventId") ?? -1,
                        eventType,
                        row.GetString("Name"),
                        row.GetDateTimeOffset("_Timestamp") ?? row.Timestamp ?? DateTimeOffset.MinValue)));
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return HistoryReading.NotAvailable($"The task hub's history table '{TableName}' does not exist in this storage account.");
        }

        // Row keys are the events' sequence numbers; after ContinueAsNew only the latest execution is the current history.
        string? latest = rows.Count == 0 ? null : rows[^1].ExecutionId;
        return HistoryReading.Of([.. rows.Where(r => r.ExecutionId == latest).Select(r => r.Item)]);
    }
}
