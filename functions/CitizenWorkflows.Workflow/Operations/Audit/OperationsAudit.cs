using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Operations.Audit;

/// <summary>
/// The append-only audit of what operators did and read (table <c>operationsaudit</c>, partition = application id,
/// rows in the order written). Rows are only ever inserted, never updated or deleted by the application: a later fact
/// (the stage an action led to) is a new row.
/// </summary>
public sealed class OperationsAudit(TableServiceClient tables, TimeProvider clock)
{
    /// <summary>The outcome of an accepted action (and of every row that names none).</summary>
    public const string Accepted = "accepted";

    /// <summary>The outcome of a refused request (outside the area, wrong stage).</summary>
    public const string Refused = "refused";

    TableClient Table => tables.GetTableClient(StorageNames.OperationsAuditTable);

    /// <summary>Inserts one row and returns it with its id; fails rather than overwrite (insert, never upsert).</summary>
    public async Task<AuditEntry> AppendAsync(string applicationId, AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        DateTimeOffset at = clock.GetUtcNow();
        // Sortable time first so a partition reads in the order written; the GUID keeps same-tick rows apart.
        string auditId = $"{at.UtcTicks:D19}-{Guid.CreateVersion7(at):N}";
        await Table.AddEntityAsync(Row(applicationId, auditId, at, record), cancellationToken);
        return new AuditEntry(auditId, at, record);
    }

    /// <summary>
    /// Inserts a row under a fixed id (e.g. <c>redrive-2</c>); null when that id is already taken. Two operators
    /// re-driving at once both try the same id, and only one wins.
    /// </summary>
    public async Task<AuditEntry?> AppendOnceAsync(string applicationId, string auditId, AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        DateTimeOffset at = clock.GetUtcNow();
        try
        {
            await Table.AddEntityAsync(Row(applicationId, auditId, at, record), cancellationToken);
            return new AuditEntry(auditId, at, record);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return null;
        }
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
                    e.GetString("Detail"),
                    e.GetString("Outcome") ?? Accepted,
                    e.GetString("ActorName"))));
        }

        // Fixed ids (redrive-n) do not sort by time, so order by the time written.
        return [.. entries.OrderBy(e => e.At).ThenBy(e => e.AuditId, StringComparer.Ordinal)];
    }

    /// <summary>How many accepted rows of <paramref name="action"/> an application has.</summary>
    public async Task<int> CountAcceptedAsync(string applicationId, string action, CancellationToken cancellationToken) =>
        (await ListAsync(applicationId, cancellationToken)).Count(e => e.Record.Action == action && e.Record.Outcome == Accepted);

    static TableEntity Row(string applicationId, string auditId, DateTimeOffset at, AuditRecord record) =>
        new(applicationId, auditId)
        {
            ["At"] = at,
            ["Actor"] = record.Actor,
            ["Role"] = record.Role,
            ["Action"] = record.Action,
            ["Reason"] = record.Reason,
            ["StageBefore"] = record.StageBefore,
            ["StageAfter"] = record.StageAfter,
            ["Detail"] = record.Detail,
            ["Outcome"] = record.Outcome,
            ["ActorName"] = record.ActorName,
        };
}

/// <summary>What one audit row says: who (principal and role), did what, why, and the stage before/after where it applies.</summary>
/// <param name="Detail">What the action concerned beyond the application, e.g. the document read.</param>
/// <param name="Outcome"><see cref="OperationsAudit.Accepted"/> or <see cref="OperationsAudit.Refused"/>.</param>
/// <param name="ActorName">The person's name (a token's <c>name</c>) beside <paramref name="Actor"/>, the token's
/// subject; null for keys and the system.</param>
public sealed record AuditRecord(
    string Actor, string Role, string Action, string? Reason, string? StageBefore, string? StageAfter, string? Detail = null,
    string Outcome = OperationsAudit.Accepted, string? ActorName = null);

/// <summary>A stored audit row: its id (the row key), when it was written, and what it says.</summary>
public sealed record AuditEntry(string AuditId, DateTimeOffset At, AuditRecord Record);
