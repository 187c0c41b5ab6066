using System.Diagnostics;
using System.Text.Json;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Notifications;
using CitizenWorkflows.Workflow.Production.PrintBatches;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Seeding;

/// <summary>
/// What the scheduled passes that poll cost when there is nothing to do, against a growing number of finished items:
/// the notification dispatcher's read (N notifications sent, kept as records) and a print centre's batch closer (N cards
/// printed in one centre's partition, in batches of 50), through the product's own reads, each beside the filters the
/// flagged layout read with (<c>Pending eq true</c> over the records; <c>Assigned eq false</c> over the centre's cards and
/// <c>Sent eq false</c> over its batches). Storage requests and the median wall time of 5 passes.
/// </summary>
public static class PollCosts
{
    const string Centre = "poll-costs-centre";

    /// <summary>One pass at one size.</summary>
    public sealed record Figure(int Finished, string Pass, long Requests, TimeSpan Median);

    public static async Task<IReadOnlyList<Figure>> RunAsync(string connectionString, int[] sizes, Action<string> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(progress);
        var counter = new StorageRequestCounter();
        var tables = new TableServiceClient(connectionString, counter.Count(new TableClientOptions(), StorageService.Table));
        foreach (string table in new[] { NotificationOutbox.TableName, NotificationOutbox.PendingTableName, PrintBacklog.Table })
        {
            await tables.GetTableClient(table).CreateIfNotExistsAsync(cancellationToken);
        }

        var outbox = new NotificationOutbox(tables);
        var backlog = new PrintBacklog(tables);
        TableClient records = tables.GetTableClient(NotificationOutbox.TableName);
        TableClient cards = tables.GetTableClient(PrintBacklog.Table);
        string cardRange = TableClient.CreateQueryFilter($"PartitionKey eq {Centre} and RowKey ge {"card-"} and RowKey lt {"card."}");
        string batchRange = TableClient.CreateQueryFilter($"PartitionKey eq {Centre} and RowKey ge {"batch-"} and RowKey lt {"batch."}");
        (string Pass, Func<Task> Read)[] passes =
        [
            ("dispatcher: pending list", async () => await outbox.PendingAsync(100, cancellationToken)),
            ("dispatcher: flagged layout's filter", async () => await FirstPageAsync(records, "Pending eq true", cancellationToken)),
            ("closer: waiting entries + open batches", async () =>
            {
                await backlog.WaitingAsync(Centre, cancellationToken);
                await backlog.UnsentAsync(Centre, cancellationToken);
            }),
            ("closer: flagged layout's filters", async () =>
            {
                await AllAsync(cards, cardRange + " and Assigned eq false", cancellationToken);
                await AllAsync(cards, batchRange + " and Sent eq false", cancellationToken);
            }),
        ];

        var figures = new List<Figure>();
        int seeded = 0;
        foreach (int size in sizes.Distinct().Order())
        {
            var watch = Stopwatch.StartNew();
            await SeedAsync(records, cards, seeded, size, cancellationToken);
            progress($"seeded {size - seeded} sent notifications and printed cards (to {size}) in {watch.Elapsed.TotalSeconds:F0} s");
            seeded = size;
            foreach ((string pass, Func<Task> read) in passes)
            {
                await read(); // warm: indexes built, connections open
                var times = new List<TimeSpan>();
                long requests = 0;
                for (int i = 0; i < 5; i++)
                {
                    StorageRequestCounts before = counter.Snapshot();
                    var one = Stopwatch.StartNew();
                    await read();
                    times.Add(one.Elapsed);
                    requests = counter.Snapshot().Since(before).Total;
                }

                figures.Add(new Figure(size, pass, requests, times.Order().ElementAt(2)));
            }
        }

        return figures;
    }

    /// <summary>Notifications from..to-1 recorded and sent; cards from..to-1 queued and printed in batches of 50.</summary>
    static async Task SeedAsync(TableClient records, TableClient cards, int from, int to, CancellationToken cancellationToken)
    {
        DateTimeOffset at = SyntheticApplications.Epoch;
        await Parallel.ForEachAsync(Enumerable.Range(from, to - from), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            string id = Id(i);
            var notification = new CitizenNotification(id, NotificationKind.Delivered, CitizenNotification.TextFor(NotificationKind.Delivered, id, null), at);
            await records.UpsertEntityAsync(
                new TableEntity(id, ApplicationRowKey.Of(id, nameof(NotificationKind.Delivered)))
                {
                    ["Notification"] = JsonSerializer.Serialize(notification, JsonSerializerOptions.Web), ["Pending"] = false, ["SentAt"] = at,
                },
                TableUpdateMode.Replace,
                ct);
        });

        // One transaction per batch: its 50 card records and the batch row, all sent.
        int first = from - (from % 50);
        await Parallel.ForEachAsync(Enumerable.Range(first / 50, (to - first + 49) / 50), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (b, ct) =>
        {
            int start = Math.Max(from, b * 50), end = Math.Min(to, (b + 1) * 50);
            if (start >= end)
            {
                return;
            }

            var actions = new List<TableTransactionAction>
            {
                new(TableTransactionActionType.UpsertReplace, new TableEntity(Centre, $"batch-{Id(b * 50)}-01") { ["ClosedAt"] = at, ["Cards"] = "[]" }),
            };
            actions.AddRange(Enumerable.Range(start, end - start).Select(i => new TableTransactionAction(
                TableTransactionActionType.UpsertReplace,
                new TableEntity(Centre, $"card-{Id(i)}-01") { ["ApplicationId"] = Id(i), ["Attempt"] = 1, ["QueuedAt"] = at })));
            await cards.SubmitTransactionAsync(actions, ct);
        });
    }

    static string Id(int i) => $"pollcosts{i:D23}";

    static async Task FirstPageAsync(TableClient table, string filter, CancellationToken cancellationToken)
    {
        await foreach (Azure.Page<TableEntity> _ in table.QueryAsync<TableEntity>(filter, maxPerPage: 100, cancellationToken: cancellationToken).AsPages())
        {
            return;
        }
    }

    static async Task AllAsync(TableClient table, string filter, CancellationToken cancellationToken)
    {
        await foreach (TableEntity _ in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
        }
    }
}
