using Azure;
using Azure.Data.Tables;

namespace CitizenWorkflows.Workflow.Storage;

/// <summary>A bounded read of a table, for passes that work through a backlog a batch at a time.</summary>
public static class TableBatchRead
{
    /// <summary>
    /// The first <paramref name="max"/> rows that match <paramref name="filter"/>, and whether more are left; none when
    /// the table was never created.
    /// </summary>
    public static async Task<(List<TableEntity> Rows, bool MoreLeft)> FirstAsync(
        TableClient table, string filter, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var rows = new List<TableEntity>();
        try
        {
            await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Clamp(max, 1, 1000), cancellationToken: cancellationToken))
            {
                if (rows.Count == max)
                {
                    return (rows, true);
                }

                rows.Add(row);
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return ([], false);
        }

        return (rows, false);
    }
}
