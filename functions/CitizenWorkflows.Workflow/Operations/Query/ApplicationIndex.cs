using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Domain;

namespace CitizenWorkflows.Workflow.Operations.Query;

/// <summary>
/// Index rows written with each projection change, so every list filter is a key range over one or a few partitions
/// (table <c>applicationindex</c>; each row a copy of the list columns):
/// <list type="bullet">
/// <item><c>s-{stage}-{province}</c>: applications in a stage, by due time (row key <c>{due ticks}|{id}</c>);</item>
/// <item><c>p-{province}</c>: every application of a province, by due time;</item>
/// <item><c>o-{province}</c>: the province's applications still in flight, by due time (overdue = a range below now);</item>
/// <item><c>k-{kiosk}</c>: a kiosk's applications, by intake time (row key <c>{created ticks}|{id}</c>).</item>
/// </list>
/// No partition takes the whole country's writes: the busiest takes one province's (see docs/design.md, Operators' reads).
/// </summary>
public sealed class ApplicationIndex(TableServiceClient tables)
{
    public const string TableName = "applicationindex";

    TableClient Index => tables.GetTableClient(TableName);

    /// <summary>
    /// Moves an application's index rows from <paramref name="before"/> to <paramref name="after"/> (either may be
    /// null). Call it once per successful projection row write; every step is idempotent.
    /// </summary>
    public async Task MoveAsync(ProjectedRow? before, ProjectedRow? after, CancellationToken cancellationToken)
    {
        HashSet<(string, string)> keep = after is null ? [] : [.. Cells(after)];
        if (before is not null)
        {
            foreach ((string partition, string row) in Cells(before).Where(c => !keep.Contains(c)))
            {
                try
                {
                    await Index.DeleteEntityAsync(partition, row, ETag.All, cancellationToken);
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    // Already gone: a repeat.
                }
            }
        }

        if (after is not null)
        {
            foreach ((string partition, string row) in keep)
            {
                await Index.UpsertEntityAsync(Copy(after, partition, row), TableUpdateMode.Replace, cancellationToken);
            }
        }
    }

    /// <summary>Writes the index rows of applications not indexed before (a bulk import): one table transaction per 100
    /// rows of a partition.</summary>
    public async Task AddAsync(IReadOnlyList<ProjectedRow> rows, int parallelism, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        IEnumerable<TableTransactionAction[]> batches = rows
            .SelectMany(row => Cells(row).Select(cell => Copy(row, cell.Partition, cell.Row)))
            .GroupBy(e => e.PartitionKey, StringComparer.Ordinal)
            .SelectMany(partition => partition.Chunk(100))
            .Select(chunk => chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)).ToArray());
        await Parallel.ForEachAsync(
            batches,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken },
            async (batch, ct) => await Index.SubmitTransactionAsync(batch, ct));
    }

    /// <summary>The index rows of one application.</summary>
    internal static IEnumerable<(string Partition, string Row)> Cells(ProjectedRow row)
    {
        string province = IndexKeys.Part(row.Province);
        string byDue = $"{IndexKeys.Instant(row.DueAt)}|{row.ApplicationId}";
        yield return ($"s-{IndexKeys.Part(row.Stage)}-{province}", byDue);
        yield return ($"p-{province}", byDue);
        if (row.KnownStage is not { } stage || !stage.IsFinal())
        {
            yield return ($"o-{province}", byDue);
        }

        yield return ($"k-{IndexKeys.Part(row.KioskId)}", $"{IndexKeys.Instant(row.CreatedAt)}|{row.ApplicationId}");
    }

    static TableEntity Copy(ProjectedRow row, string partition, string rowKey)
    {
        var entity = new TableEntity(partition, rowKey) { [ApplicationIdColumn] = row.ApplicationId };
        foreach (string column in CopiedColumns)
        {
            if (row.Entity.TryGetValue(column, out object? value) && value is not null)
            {
                entity[column] = value;
            }
        }

        return entity;
    }

    /// <summary>The column of an index row naming its application (a projection row names it in its partition key).</summary>
    public const string ApplicationIdColumn = "ApplicationId";

    static readonly string[] CopiedColumns =
        ["Stage", "Type", "Province", "District", "Commune", "KioskId", "CreatedAt", "UpdatedAt", "DueAt", "WaitingFor", "WaitDeadline", "Sequence"];
}
