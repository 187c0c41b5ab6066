using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Operations.Reconciliation;

/// <summary>An application reconciliation could not put right by itself, for an operator to look at.</summary>
public sealed record Escalation(string ApplicationId, string Key, string Kind, string? Stage, string Detail, string RunId, DateTimeOffset RaisedAt);

/// <summary>
/// Table <c>escalations</c> (PK = application id, RK = the finding's escalation key, e.g. <c>stuck-Printing-000009</c>):
/// written once per key, so running reconciliation again raises nothing new. The application's projection row is
/// flagged too (<see cref="ReconciliationColumns.Escalation"/>), where the operators' list shows it.
/// </summary>
public sealed class Escalations(TableServiceClient tables)
{
    public const string TableName = "escalations";

    TableClient Table => tables.GetTableClient(TableName);

    TableClient Applications => tables.GetTableClient(StorageNames.ApplicationsTable);

    /// <summary>Records the escalation unless its key was raised before; returns the one that holds and whether it is new.</summary>
    public async Task<(Escalation Held, bool Raised)> RaiseAsync(Escalation escalation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        Escalation held = escalation;
        bool raised = true;
        try
        {
            await Table.AddEntityAsync(
                new TableEntity(escalation.ApplicationId, ApplicationRowKey.Of(escalation.ApplicationId, escalation.Key))
                {
                    ["Kind"] = escalation.Kind,
                    ["Stage"] = escalation.Stage,
                    ["Detail"] = escalation.Detail,
                    ["RunId"] = escalation.RunId,
                    ["RaisedAt"] = escalation.RaisedAt,
                },
                cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            raised = false;
            held = await GetAsync(escalation.ApplicationId, escalation.Key, cancellationToken) ?? escalation;
        }

        try
        {
            // Merge: the journal's next transition replaces the row and with it the flag, which is right once it moves on.
            await Applications.UpdateEntityAsync(
                new TableEntity(escalation.ApplicationId, ApplicationRowKey.Of(escalation.ApplicationId))
                {
                    [ReconciliationColumns.Escalation] = held.Kind,
                    [ReconciliationColumns.EscalatedAt] = held.RaisedAt,
                },
                ETag.All,
                TableUpdateMode.Merge,
                cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No row to flag (it is rebuilt by the next run); the escalation itself is recorded.
        }

        return (held, raised);
    }

    public async Task<Escalation?> GetAsync(string applicationId, string key, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> row = await Table.GetEntityIfExistsAsync<TableEntity>(applicationId, ApplicationRowKey.Of(applicationId, key), cancellationToken: cancellationToken);
        return row.HasValue ? From(row.Value!) : null;
    }

    /// <summary>Every escalation raised for one application, oldest first.</summary>
    public async Task<IReadOnlyList<Escalation>> ForApplicationAsync(string applicationId, CancellationToken cancellationToken)
    {
        var found = new List<Escalation>();
        await foreach (TableEntity row in Table.QueryAsync<TableEntity>(e => e.PartitionKey == applicationId, cancellationToken: cancellationToken))
        {
            found.Add(From(row));
        }

        return [.. found.OrderBy(e => e.RaisedAt)];
    }

    static Escalation From(TableEntity row) => new(
        row.PartitionKey, ApplicationRowKey.PartOf(row.RowKey), row.GetString("Kind") ?? "", row.GetString("Stage"), row.GetString("Detail") ?? "",
        row.GetString("RunId") ?? "", row.GetDateTimeOffset("RaisedAt") ?? row.Timestamp ?? DateTimeOffset.MinValue);
}
