using Azure.Data.Tables;

namespace CitizenWorkflows.Workflow.Campaign.Targets;

/// <summary>
/// The targets, table <c>campaigntargets</c>: partition = province, row = district (<c>~</c> for the province's own
/// target). A few hundred rows for the whole country, read whole for a report.
/// </summary>
public sealed class CampaignTargets(TableServiceClient tables)
{
    public const string TableName = "campaigntargets";

    const string WholeProvince = "~";

    TableClient Table => tables.GetTableClient(TableName);

    /// <summary>Sets each target (replacing the one of the same place): one table transaction per province.</summary>
    public async Task SetAsync(IReadOnlyList<CampaignTarget> targets, string setBy, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        foreach (IGrouping<string, CampaignTarget> province in targets.GroupBy(t => t.Province, StringComparer.Ordinal))
        {
            // The last line for a place wins, as if the lines were applied in order.
            IEnumerable<TableTransactionAction> actions = province.GroupBy(t => t.District ?? WholeProvince, StringComparer.Ordinal).Select(g => g.Last())
                .Select(t => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(t.Province, t.District ?? WholeProvince)
                {
                    ["Target"] = t.Target,
                    ["PeriodStart"] = t.PeriodStart.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    ["PeriodEnd"] = t.PeriodEnd.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    ["SetBy"] = setBy,
                    ["SetAt"] = at,
                }));
            foreach (TableTransactionAction[] chunk in actions.Chunk(100))
            {
                await Table.SubmitTransactionAsync(chunk, cancellationToken);
            }
        }
    }

    /// <summary>Every target, or those of one province (one partition).</summary>
    public async Task<IReadOnlyList<CampaignTarget>> ListAsync(string? province, CancellationToken cancellationToken)
    {
        var targets = new List<CampaignTarget>();
        string? filter = province is null ? null : TableClient.CreateQueryFilter($"PartitionKey eq {province}");
        await foreach (TableEntity row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            targets.Add(new CampaignTarget(
                row.PartitionKey, row.RowKey == WholeProvince ? null : row.RowKey, row.GetInt32("Target") ?? 0,
                DateOnly.ParseExact(row.GetString("PeriodStart")!, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                DateOnly.ParseExact(row.GetString("PeriodEnd")!, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        }

        return targets;
    }
}
