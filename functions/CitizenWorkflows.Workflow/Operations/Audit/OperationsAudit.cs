using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Operations.Audit;

/// <summary>
/// The append-only audit of what operators did and read (table <c>operationsaudit</c>, partition = application id,
/// rows in the order written). Rows are only ever inserted, never updated or deleted by the application.
/// </summary>
public sealed class OperationsAudit(TableServiceClient tables, TimeProvider clock)
{
    TableClient Table => tables.GetTableClient(StorageNames.OperationsAuditTable);

    /// <summary>Inserts one row and returns it with its id; fails rather than overwrite (insert, never upsert).</summary>
    public async Task<AuditEntry> AppendAsync(string applicationId, AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        DateTimeOffset at = clock.GetUtcNow();
        // Sortable time first so a partition reads in the order written; the GUID keeps same-tick rows apart.
        string auditId = $"{at.UtcTicks:D19}-{Guid.CreateVersion7(at):N}";
        await Table.AddEntityAsync(
            new TableEntity(applicationId, auditId)
            {
                ["At"] = at,
                ["Actor"] = record.Actor,
                ["Role"] = record.Role,
                ["Action"] = record.Action,
                ["Reason"] = record.Reason,
                ["StageBefore"] = record.StageBefore,
                ["StageAfter"] = record.StageAfter,
                ["Detail"] = record.Detail,
            },
            cancellationToken);
        return new AuditEntry(auditId, at, record);
    }

    /// <summary>An application's audit rows, oldest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ListAsync(string applicationId, CancellationToken cancellationToken)
    {
        var entries = new List<AuditEntry>();
        await foreach (TableEntity e in Table.QueryAsync<TableEntity>(x => x.PartitionKey == applicationId, cancellationToken: cancellationToken))
        {
            entries.Add(new AuditEntry(
                e.RowKey,
                e.GetDateTimeOffset("At")!.Value,
                new AuditRecord(
                    e.GetString("Actor") ?? "",
                    e.GetString("Role") ?? "",
                    e.GetString("Action") ?? "",
                    e.GetString("Reason"),
                    e.GetString("StageBefore"),
                    e.GetString("StageAfter"),
                    e.GetString("Detail"))));
        }

        return entries;
    }
}

/// <summary>What one audit row says: who (principal and role), did what, why, and the stage before/after where it applies.</summary>
/// <param name="Detail">What the action concerned beyond the application, e.g. the document read.</param>
public sealed record AuditRecord(
    string Actor, string Role, string Action, string? Reason, string? StageBefore, string? StageAfter, string? Detail = null);

/// <summary>A stored audit row: its id (the row key), when it was written, and what it says.</summary>
public sealed record AuditEntry(string AuditId, DateTimeOffset At, AuditRecord Record);
