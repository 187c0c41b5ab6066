using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace CitizenWorkflows.Workflow.Operations;

/// <summary>
/// The append-only record of what operators did to applications (table <c>operationsaudit</c>, partition = application
/// id, row key = time then a random suffix, so rows read back in the order they were written). Rows are only ever
/// added, never updated or deleted: a later fact (the stage an action led to) is a new row.
/// </summary>
public sealed class OperationsAudit(TableServiceClient tables, TimeProvider clock)
{
    public const string TableName = "operationsaudit";

    /// <summary>The outcome of an accepted action.</summary>
    public const string Accepted = "accepted";

    /// <summary>The outcome of a refused request (wrong role, area or stage).</summary>
    public const string Refused = "refused";

    TableClient Table => tables.GetTableClient(TableName);

    /// <summary>Appends one entry and returns its id (unique within the application).</summary>
    public async Task<string> AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        DateTimeOffset at = entry.At ?? clock.GetUtcNow();
        string id = at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..12];
        await AddAsync(id, entry with { At = at }, cancellationToken);
        return id;
    }

    /// <summary>
    /// Appends an entry under a fixed id (e.g. <c>redrive-2</c>); null when that id is already taken. Two operators
    /// re-driving at once both try the same id, and only one wins.
    /// </summary>
    public async Task<string?> AppendOnceAsync(string id, AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            await AddAsync(id, entry with { At = entry.At ?? clock.GetUtcNow() }, cancellationToken);
            return id;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return null;
        }
    }

    async Task AddAsync(string id, AuditEntry entry, CancellationToken cancellationToken)
    {
        DateTimeOffset at = entry.At!.Value;
        var row = new TableEntity(entry.ApplicationId, id)
        {
            ["At"] = at,
            ["Actor"] = entry.Actor,
            ["Role"] = entry.Role,
            ["Action"] = entry.Action,
            ["Reason"] = entry.Reason,
            ["StageBefore"] = entry.StageBefore,
            ["StageAfter"] = entry.StageAfter,
            ["Outcome"] = entry.Outcome,
            ["Detail"] = entry.Detail,
        };
        // Add, never upsert: an existing row can never be overwritten through this class.
        await Table.AddEntityAsync(row, cancellationToken);
    }

    /// <summary>Every entry of one application, oldest first.</summary>
    public async Task<IReadOnlyList<AuditRecord>> ListAsync(string applicationId, CancellationToken cancellationToken)
    {
        var records = new List<AuditRecord>();
        try
        {
            await foreach (TableEntity row in Table.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {applicationId}"), cancellationToken: cancellationToken))
            {
                records.Add(new AuditRecord(
                    row.RowKey,
                    row.GetDateTimeOffset("At") ?? row.Timestamp!.Value,
                    row.GetString("Actor") ?? "",
                    row.GetString("Role"),
                    row.GetString("Action") ?? "",
                    row.GetString("Reason"),
                    row.GetString("StageBefore"),
                    row.GetString("StageAfter"),
                    row.GetString("Outcome") ?? Accepted,
                    row.GetString("Detail")));
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No table yet: nothing was ever audited.
        }

        return [.. records.OrderBy(r => r.At).ThenBy(r => r.AuditId, StringComparer.Ordinal)];
    }

    /// <summary>How many accepted entries of <paramref name="action"/> an application has (e.g. re-drives, to bound them).</summary>
    public async Task<int> CountAcceptedAsync(string applicationId, string action, CancellationToken cancellationToken) =>
        (await ListAsync(applicationId, cancellationToken)).Count(r => r.Action == action && r.Outcome == Accepted);
}

/// <summary>One entry to append. <paramref name="At"/> null: now.</summary>
/// <param name="Actor">Who: the authenticated principal (an officer id, "reconciliation").</param>
/// <param name="Action">What: an action name (approve, redrive, …) or an access (document-download).</param>
/// <param name="Reason">Why, as the actor gave it.</param>
/// <param name="StageAfter">The stage the action led to, when it is known at the time of writing.</param>
public sealed record AuditEntry(
    string ApplicationId,
    string Actor,
    string? Role,
    string Action,
    string? Reason,
    string? StageBefore,
    string? StageAfter = null,
    string Outcome = OperationsAudit.Accepted,
    string? Detail = null,
    DateTimeOffset? At = null);

/// <summary>One stored entry, as <c>GET /api/v1/applications/{id}/audit</c> returns it.</summary>
public sealed record AuditRecord(
    string AuditId,
    DateTimeOffset At,
    string Actor,
    string? Role,
    string Action,
    string? Reason,
    string? StageBefore,
    string? StageAfter,
    string Outcome,
    string? Detail);
