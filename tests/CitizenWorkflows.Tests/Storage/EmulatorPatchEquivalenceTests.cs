using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using CitizenWorkflows.Tests.Support;

namespace CitizenWorkflows.Tests.Storage;

/// <summary>
/// The repository's Azurite patch (patches/) changes how the emulator finds entities and messages, never what it
/// answers: one script of table and queue calls runs against stock Azurite and the patched one, and every answer
/// (entities, pages, continuation tokens, status and error codes, message order, dequeue counts) must be the same.
/// </summary>
public sealed class EmulatorPatchEquivalenceTests(AzuriteFixture patched, StockAzuriteFixture stock)
    : IClassFixture<AzuriteFixture>, IClassFixture<StockAzuriteFixture>
{
    [Fact]
    public void The_two_emulators_are_the_stock_and_the_patched_build()
    {
        Assert.NotEqual(stock.Script, patched.Script);
        Assert.False(IsPatched(stock.Script), $"{stock.Script} carries the patch");
        Assert.True(IsPatched(patched.Script), $"{patched.Script} lacks the patch: run 'npm ci' (its postinstall applies patches/)");
    }

    [Fact]
    public async Task The_patched_table_store_answers_every_call_as_the_stock_one()
    {
        IReadOnlyList<string> expected = await TableScript.RunAsync(stock.Tables);
        IReadOnlyList<string> actual = await TableScript.RunAsync(patched.Tables);

        AssertSameAnswers(expected, actual);
        // The script reached what it is about: a query that names two partitions under 'or' found both, a failed
        // batch was refused, and paging handed out continuation tokens.
        Assert.Contains(actual, line => line.StartsWith("query PartitionKey eq 'a' and RowKey eq 'x' or PartitionKey eq 'b':", StringComparison.Ordinal) && line.Contains("a|x|", StringComparison.Ordinal) && line.Contains("b|y|", StringComparison.Ordinal));
        Assert.Contains(actual, line => line.StartsWith("batch with a duplicate insert:", StringComparison.Ordinal) && line.Contains("409", StringComparison.Ordinal));
        Assert.Contains(actual, line => line.Contains(" next=", StringComparison.Ordinal) && !line.Contains(" next= ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_patched_queue_store_answers_every_call_as_the_stock_one()
    {
        IReadOnlyList<string> expected = await QueueScript.RunAsync(stock.Queues);
        IReadOnlyList<string> actual = await QueueScript.RunAsync(patched.Queues);

        AssertSameAnswers(expected, actual);
        Assert.Contains("peek work: [m1 dc0, m3 dc0, m4 dc0]", actual);
        Assert.Contains("receive work again: [m1-updated dc2]", actual);
    }

    /// <summary>Names the first call whose answers differ, both answers in full (xunit would cut them short).</summary>
    static void AssertSameAnswers(IReadOnlyList<string> stockAnswers, IReadOnlyList<string> patchedAnswers)
    {
        for (int i = 0; i < Math.Min(stockAnswers.Count, patchedAnswers.Count); i++)
        {
            Assert.True(stockAnswers[i] == patchedAnswers[i], $"answer {i} differs.\nstock:   {stockAnswers[i]}\npatched: {patchedAnswers[i]}");
        }

        Assert.Equal(stockAnswers.Count, patchedAnswers.Count);
    }

    static bool IsPatched(string azuriteScript) =>
        File.ReadAllText(Path.Combine(Path.GetDirectoryName(azuriteScript)!, "table", "persistence", "LokiTableStoreQueryGenerator.js"))
            .Contains("getRequiredPartitionKey", StringComparison.Ordinal);

    /// <summary>Runs steps in order and writes down each answer, or the status and error code it failed with.</summary>
    sealed class Transcript
    {
        readonly List<string> lines = [];
        readonly Dictionary<string, string> aliases = [];

        public IReadOnlyList<string> Lines => lines;

        public async Task Step(string name, Func<Task<string>> call)
        {
            string answer;
            try
            {
                answer = await call();
            }
            catch (TableTransactionFailedException e)
            {
                answer = $"failed {e.Status} {e.ErrorCode} at action {e.FailedTransactionActionIndex}";
            }
            catch (RequestFailedException e)
            {
                answer = $"failed {e.Status} {e.ErrorCode}";
            }

            lines.Add($"{name}: {answer}");
        }

        /// <summary>Message ids and pop receipts are random: each is written as the order it first appeared in.</summary>
        public string Alias(string kind, string value)
        {
            string key = kind + ":" + value;
            if (!aliases.TryGetValue(key, out string? alias))
            {
                alias = $"{kind}#{aliases.Keys.Count(k => k.StartsWith(kind + ":", StringComparison.Ordinal)) + 1}";
                aliases[key] = alias;
            }

            return alias;
        }
    }

    static class TableScript
    {
        static readonly string[] Filters =
        [
            "PartitionKey eq 'a'",
            "PartitionKey eq 'a' and RowKey eq 'x' or PartitionKey eq 'b'",
            "PartitionKey eq 'b' or PartitionKey eq 'a' and RowKey eq 'x'",
            "(PartitionKey eq 'a' or PartitionKey eq 'c') and Age gt 1",
            "PartitionKey eq 'a' and (RowKey eq 'x' or Age ge 9)",
            "(PartitionKey eq 'a') and (RowKey ge 'r02' and RowKey lt 'r07')",
            "RowKey lt 'r05' and Age ge 2 and PartitionKey eq 'a'",
            "not (PartitionKey eq 'a')",
            "not (PartitionKey eq 'a') and RowKey eq 'x'",
            "PartitionKey eq 'a' and not (RowKey eq 'x')",
            "PartitionKey ne 'a' and RowKey eq 'x'",
            "'b' eq PartitionKey",
            "PartitionKey eq 'a' and PartitionKey eq 'b'",
            "PartitionKey eq 'it''s'",
            "PartitionKey eq 'ünï' and RowKey gt 'a'",
            "PartitionKey eq '日本'",
            "PartitionKey eq '1'",
            "PartitionKey eq '01' or PartitionKey eq '1.0'",
            "PartitionKey eq 1",
            "PartitionKey gt 'a' and PartitionKey le 'c'",
            // PartitionKey ranges start from the index: numeric-looking and empty keys sort apart in LokiJS's index.
            "PartitionKey ge '0' and PartitionKey lt 'b'",
            "PartitionKey ge '01' and PartitionKey le '1.0'",
            "PartitionKey gt '' and PartitionKey lt 'a'",
            "'b' gt PartitionKey",
            "PartitionKey ge 'a' and PartitionKey lt 'c' and RowKey eq 'x'",
            "PartitionKey ge 'ü'",
            "PartitionKey ge 'b' and PartitionKey ge 'c' and PartitionKey lt 'zz'",
            "PartitionKey lt '1' or PartitionKey ge 'c'",
            // RowKey ranges start from the RowKey index when it places fewer entities in them than the partition holds.
            "PartitionKey eq 'a' and RowKey ge 'r02' and RowKey lt 'r04'",
            "RowKey ge 'x' and RowKey lt 'y'",
            "'r05' gt RowKey and PartitionKey eq 'a'",
            "PartitionKey ge 'a' and PartitionKey lt 'c' and RowKey ge 'x'",
            "RowKey ge '0' and RowKey lt 'r03'",
            "PartitionKey eq 'n' and RowKey gt ''",
            "RowKey le '9' and Age ge 0",
            "RowKey ge 'x' or PartitionKey eq 'a'",
            "PartitionKey eq 'b' and RowKey ge 'r00' and RowKey le 'r11'",
            "PartitionKey ge 'c' and PartitionKey lt 'b'",
            "PartitionKey eq 'nowhere'",
            "partitionkey eq 'a'",
            "RowKey eq 'x'",
            "Age gt 8",
            "PartitionKey eq 'a' and",
        ];

        public static async Task<IReadOnlyList<string>> RunAsync(TableServiceClient service)
        {
            var log = new Transcript();
            TableClient table = service.GetTableClient("equivalence");
            await table.CreateIfNotExistsAsync();

            // RowKey 'x' recurs in every partition, so a lookup that starts from the RowKey index and one that starts
            // from the PartitionKey index walk different candidates; '1', '01' and '1.0' are equal as numbers (LokiJS
            // orders its indexes numerically where it can).
            for (int i = 0; i < 12; i++)
            {
                await table.AddEntityAsync(new TableEntity("a", $"r{i:00}") { ["Age"] = i, ["Name"] = $"a{i}" });
            }

            foreach ((string partition, string row) in new[]
            {
                ("a", "x"), ("b", "x"), ("b", "y"), ("b", "z"), ("c", "x"), ("it's", "row'q"), ("it's", "x"), ("ünï", "ß"),
                ("ünï", "x"), ("ünï", "日本"), ("日本", "x"), ("1", "x"), ("01", "x"), ("1.0", "x"), ("", "x"), ("n", "10"), ("n", "9"), ("n", ""),
            })
            {
                await table.AddEntityAsync(new TableEntity(partition, row) { ["Age"] = partition.Length + row.Length, ["Name"] = partition + row });
            }

            await Queries(table, log, "");
            await PointOperations(table, log);
            await Batches(table, log);
            await Queries(table, log, "after writes, ");
            await Pages(table, log);
            return log.Lines;
        }

        static async Task Queries(TableClient table, Transcript log, string when)
        {
            foreach (string filter in Filters)
            {
                await log.Step($"{when}query {filter}", () => QueryAsync(table, filter));
            }

            await log.Step($"{when}query PartitionKey eq 'a' selecting Name", () => QueryAsync(table, "PartitionKey eq 'a'", select: ["Name"]));
            await log.Step($"{when}query PartitionKey eq 'a' top 1", () => QueryAsync(table, "PartitionKey eq 'a'", perPage: 1, firstPageOnly: true));
        }

        static async Task PointOperations(TableClient table, Transcript log)
        {
            foreach ((string partition, string row) in new[] { ("a", "r03"), ("a", "missing"), ("it's", "row'q"), ("ünï", "日本"), ("1", "x"), ("01", "x"), ("1.0", "x"), ("", "x"), ("x", "a") })
            {
                await log.Step($"get {partition}/{row}", () => GetAsync(table, partition, row));
            }

            await log.Step("add a duplicate", async () => Status(await table.AddEntityAsync(new TableEntity("a", "r03"))));
            await log.Step("upsert replace existing", async () => Status(await table.UpsertEntityAsync(new TableEntity("a", "r04") { ["Name"] = "replaced" }, TableUpdateMode.Replace)));
            await log.Step("upsert merge existing", async () => Status(await table.UpsertEntityAsync(new TableEntity("a", "r05") { ["Extra"] = 1.5 }, TableUpdateMode.Merge)));
            await log.Step("upsert merge new", async () => Status(await table.UpsertEntityAsync(new TableEntity("a", "r50") { ["Extra"] = 2L }, TableUpdateMode.Merge)));
            await log.Step("upsert replace new", async () => Status(await table.UpsertEntityAsync(new TableEntity("b", "new") { ["Name"] = "new" }, TableUpdateMode.Replace)));
            foreach ((string partition, string row) in new[] { ("a", "r04"), ("a", "r05"), ("a", "r50"), ("b", "new") })
            {
                await log.Step($"get {partition}/{row}", () => GetAsync(table, partition, row));
            }

            ETag first = (await table.GetEntityAsync<TableEntity>("c", "x")).Value.ETag;
            await log.Step("merge with the current ETag", async () => Status(await table.UpdateEntityAsync(new TableEntity("c", "x") { ["Age"] = 40 }, first, TableUpdateMode.Merge)));
            await log.Step("merge with a stale ETag", async () => Status(await table.UpdateEntityAsync(new TableEntity("c", "x") { ["Age"] = 41 }, first, TableUpdateMode.Merge)));
            await log.Step("replace with a stale ETag", async () => Status(await table.UpdateEntityAsync(new TableEntity("c", "x") { ["Age"] = 42 }, first, TableUpdateMode.Replace)));
            await log.Step("replace with ETag *", async () => Status(await table.UpdateEntityAsync(new TableEntity("c", "x") { ["Age"] = 43 }, ETag.All, TableUpdateMode.Replace)));
            await log.Step("update a missing entity", async () => Status(await table.UpdateEntityAsync(new TableEntity("c", "nothing"), ETag.All, TableUpdateMode.Merge)));
            await log.Step("get c/x", () => GetAsync(table, "c", "x"));

            ETag current = (await table.GetEntityAsync<TableEntity>("a", "r06")).Value.ETag;
            await table.UpdateEntityAsync(new TableEntity("a", "r06") { ["Age"] = 60 }, current, TableUpdateMode.Merge);
            await log.Step("delete with a stale ETag", async () => Status(await table.DeleteEntityAsync("a", "r06", current)));
            await log.Step("delete with ETag *", async () => Status(await table.DeleteEntityAsync("a", "r06", ETag.All)));
            await log.Step("get the deleted entity", () => GetAsync(table, "a", "r06"));
            await log.Step("delete it again", async () => Status(await table.DeleteEntityAsync("a", "r06", ETag.All)));
            await log.Step("delete x/x (that RowKey exists in other partitions)", async () => Status(await table.DeleteEntityAsync("x", "x", ETag.All)));
        }

        static async Task Batches(TableClient table, Transcript log)
        {
            ETag stale = (await table.GetEntityAsync<TableEntity>("b", "z")).Value.ETag;
            await table.UpdateEntityAsync(new TableEntity("b", "z") { ["Age"] = 26 }, stale, TableUpdateMode.Merge);

            await log.Step("batch with a duplicate insert", async () => Statuses(await table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("b", "w") { ["Name"] = "w" }),
                new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity("b", "x") { ["Name"] = "merged" }),
                new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity("b", "y")),
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("b", "z")),
            ])));
            await log.Step("partition b after the failed batch", () => QueryAsync(table, "PartitionKey eq 'b'"));

            await log.Step("batch with a stale ETag", async () => Statuses(await table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("b", "x") { ["Name"] = "replaced" }),
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity("b", "z") { ["Name"] = "stale" }, stale),
            ])));
            await log.Step("partition b after the stale batch", () => QueryAsync(table, "PartitionKey eq 'b'"));

            await log.Step("batch that succeeds", async () => Statuses(await table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("b", "w") { ["Name"] = "w" }),
                new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity("b", "x") { ["Name"] = "merged" }),
                new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity("b", "y")),
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("b", "v") { ["Name"] = "v" }),
            ])));
            await log.Step("partition b after the batch", () => QueryAsync(table, "PartitionKey eq 'b'"));
        }

        static async Task Pages(TableClient table, Transcript log)
        {
            // Continuation tokens across partitions (the whole table, and a filter spanning partitions) and within one.
            await log.Step("whole table in pages of 5", () => QueryAsync(table, null, perPage: 5));
            await log.Step("RowKey eq 'x' in pages of 2", () => QueryAsync(table, "RowKey eq 'x'", perPage: 2));
            await log.Step("partition a in pages of 3", () => QueryAsync(table, "PartitionKey eq 'a'", perPage: 3));
            await log.Step("partition a and Age ge 3 in pages of 2", () => QueryAsync(table, "PartitionKey eq 'a' and Age ge 3", perPage: 2));
            await log.Step("PartitionKey range a..c in pages of 3", () => QueryAsync(table, "PartitionKey ge 'a' and PartitionKey lt 'c'", perPage: 3));
            await log.Step("partition a, RowKey range, in pages of 2", () => QueryAsync(table, "PartitionKey eq 'a' and RowKey gt 'r01' and RowKey le 'r09'", perPage: 2));

            // A page asked for with a continuation token taken from another query's page (from partition 'a' into 'b').
            string? token = null;
            await foreach (Page<TableEntity> page in table.QueryAsync<TableEntity>(filter: (string?)null, maxPerPage: 14).AsPages())
            {
                token = page.ContinuationToken;
                break;
            }

            await log.Step($"partition b resumed from token {token}", () => QueryAsync(table, "PartitionKey eq 'b'", perPage: 2, continuation: token));
            await log.Step($"partition a resumed from token {token}", () => QueryAsync(table, "PartitionKey eq 'a'", perPage: 2, continuation: token));
        }

        static async Task<string> QueryAsync(TableClient table, string? filter, int? perPage = null, IEnumerable<string>? select = null, bool firstPageOnly = false, string? continuation = null)
        {
            var pages = new List<string>();
            await foreach (Page<TableEntity> page in table.QueryAsync<TableEntity>(filter, perPage, select).AsPages(continuation))
            {
                pages.Add($"[{string.Join(", ", page.Values.Select(Describe))}] next={page.ContinuationToken}");
                if (firstPageOnly)
                {
                    break;
                }
            }

            return string.Join(" / ", pages);
        }

        static async Task<string> GetAsync(TableClient table, string partition, string row) =>
            Describe((await table.GetEntityAsync<TableEntity>(partition, row)).Value);

        static string Describe(TableEntity entity) =>
            $"{entity.PartitionKey}|{entity.RowKey}|" + string.Join(";", entity.Keys
                .Where(key => key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag"))
                .Order(StringComparer.Ordinal)
                .Select(key => $"{key}={Convert.ToString(entity[key], CultureInfo.InvariantCulture)}:{entity[key]?.GetType().Name}"));

        static string Status(Response response) => response.Status.ToString(CultureInfo.InvariantCulture);

        static string Statuses(Response<IReadOnlyList<Response>> responses) => string.Join(",", responses.Value.Select(Status));
    }

    static class QueueScript
    {
        public static async Task<IReadOnlyList<string>> RunAsync(QueueServiceClient service)
        {
            var log = new Transcript();
            QueueClient work = service.GetQueueClient("work");
            QueueClient other = service.GetQueueClient("other");
            QueueClient empty = service.GetQueueClient("empty");
            foreach (QueueClient queue in new[] { work, other, empty })
            {
                await queue.CreateAsync();
            }

            // Messages of another queue, invisible and visible, must neither show up nor change the order here.
            for (int i = 0; i < 40; i++)
            {
                await other.SendMessageAsync($"o{i}", visibilityTimeout: i % 4 == 0 ? TimeSpan.Zero : TimeSpan.FromMinutes(5));
            }

            await work.SendMessageAsync("m1");
            await work.SendMessageAsync("m2", visibilityTimeout: TimeSpan.FromMinutes(5));
            await work.SendMessageAsync("m3");
            await work.SendMessageAsync("m4");

            await log.Step("peek work", async () => Peeked((await work.PeekMessagesAsync(32)).Value));
            await log.Step("peek other", async () => Peeked((await other.PeekMessagesAsync(32)).Value));
            await log.Step("receive empty", async () => Received(log, (await empty.ReceiveMessagesAsync(32)).Value));

            QueueMessage m1 = (await work.ReceiveMessageAsync(TimeSpan.FromMinutes(5))).Value;
            await log.Step("received", () => Task.FromResult(Received(log, [m1])));
            await log.Step("peek work after one receive", async () => Peeked((await work.PeekMessagesAsync(32)).Value));
            await log.Step("receive two", async () => Received(log, (await work.ReceiveMessagesAsync(2, TimeSpan.FromMinutes(5))).Value));
            await log.Step("receive from a queue with nothing visible", async () => Received(log, (await work.ReceiveMessagesAsync(32)).Value));

            UpdateReceipt updated = (await work.UpdateMessageAsync(m1.MessageId, m1.PopReceipt, "m1-updated", TimeSpan.Zero)).Value;
            await log.Step("update m1", () => Task.FromResult($"receipt {log.Alias("receipt", updated.PopReceipt)}"));
            await log.Step("delete m1 with its old receipt", async () => Status(await work.DeleteMessageAsync(m1.MessageId, m1.PopReceipt)));
            await log.Step("update a message of the wrong queue", async () => Status((await other.UpdateMessageAsync(m1.MessageId, updated.PopReceipt, "x")).GetRawResponse()));

            QueueMessage[] again = (await work.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(1))).Value;
            await log.Step("receive work again", () => Task.FromResult(Received(log, again, withIds: false)));
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            await log.Step("peek after its visibility ran out", async () => Peeked((await work.PeekMessagesAsync(32)).Value));
            QueueMessage third = (await work.ReceiveMessageAsync()).Value;
            await log.Step("its dequeue count", () => Task.FromResult($"{third.MessageText} dc{third.DequeueCount} same id {third.MessageId == m1.MessageId}"));
            await log.Step("delete it with an older receipt", async () => Status(await work.DeleteMessageAsync(third.MessageId, again[0].PopReceipt)));
            await log.Step("delete it", async () => Status(await work.DeleteMessageAsync(third.MessageId, third.PopReceipt)));
            await log.Step("delete it again", async () => Status(await work.DeleteMessageAsync(third.MessageId, third.PopReceipt)));

            await work.SendMessageAsync("short-lived", timeToLive: TimeSpan.FromSeconds(1));
            await log.Step("peek with a short-lived message", async () => Peeked((await work.PeekMessagesAsync(32)).Value));
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            await log.Step("peek after it expired", async () => Peeked((await work.PeekMessagesAsync(32)).Value));
            await log.Step("receive after it expired", async () => Received(log, (await work.ReceiveMessagesAsync(32)).Value));

            foreach (QueueClient queue in new[] { work, other, empty })
            {
                await log.Step($"count {queue.Name}", async () => $"{(await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount}");
            }

            await log.Step("clear other", async () => Status(await other.ClearMessagesAsync()));
            await log.Step("count other", async () => $"{(await other.GetPropertiesAsync()).Value.ApproximateMessagesCount}");
            await log.Step("peek work after clearing other", async () => Peeked((await work.PeekMessagesAsync(32)).Value));
            await log.Step("delete work", async () => Status(await work.DeleteAsync()));
            await log.Step("peek the deleted queue", async () => Peeked((await work.PeekMessagesAsync(32)).Value));
            await log.Step("recreate work", async () => Status(await work.CreateAsync()));
            await log.Step("peek the recreated queue", async () => Peeked((await work.PeekMessagesAsync(32)).Value));
            return log.Lines;
        }

        static string Peeked(IEnumerable<PeekedMessage> messages) =>
            $"[{string.Join(", ", messages.Select(m => $"{m.MessageText} dc{m.DequeueCount}"))}]";

        static string Received(Transcript log, IEnumerable<QueueMessage> messages, bool withIds = true) =>
            $"[{string.Join(", ", messages.Select(m => $"{m.MessageText} dc{m.DequeueCount}" + (withIds ? $" {log.Alias("id", m.MessageId)} {log.Alias("receipt", m.PopReceipt)} ttl {(m.ExpiresOn - m.InsertedOn)?.TotalDays:0}d" : "")))}]";

        static string Status(Response response) => response.Status.ToString(CultureInfo.InvariantCulture);
    }
}
