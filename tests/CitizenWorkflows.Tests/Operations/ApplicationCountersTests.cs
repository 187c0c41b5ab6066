using Azure.Data.Tables;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Operations.Query;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CitizenWorkflows.Tests.Operations;

/// <summary>
/// The counters and the list index kept by the projection's write path, on Azurite: a concurrent run's transitions,
/// delivered repeatedly and out of order (with suspensions racing them), leave counters equal to a brute-force count of
/// the projection rows and index partitions listing exactly the rows' applications; the recount finds nothing to
/// correct, then finds and repairs a counter changed behind the system's back.
/// </summary>
public sealed class ApplicationCountersTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    static readonly string[] Provinces = ["001", "079", "048"];

    static readonly ApplicationStage[] Path =
    [
        ApplicationStage.Received, ApplicationStage.DocumentsStored, ApplicationStage.BiometricCheck, ApplicationStage.AwaitingApproval,
        ApplicationStage.Approved, ApplicationStage.Personalised, ApplicationStage.Printing, ApplicationStage.Printed, ApplicationStage.Shipped,
        ApplicationStage.InTransit, ApplicationStage.AtStation, ApplicationStage.Delivered,
    ];

    [Fact]
    public async Task Concurrent_repeated_and_out_of_order_transitions_leave_counters_and_index_equal_to_a_brute_force_recount()
    {
        await new StorageInitializer(azurite.Blobs, azurite.Tables, azurite.Queues, DeclaredStorage(), []).StartAsync(CancellationToken.None);
        var projection = new ApplicationProjection(azurite.Tables);
        var counters = new ApplicationCounters(azurite.Tables);
        var random = new Random(26);
        DateTimeOffset start = new(2026, 11, 10, 1, 0, 0, TimeSpan.Zero);

        // 90 applications over three days, three provinces, two districts, four communes, six kiosks; each goes part
        // of the way; some fail or are rejected, one in three is re-driven out of Failed to Printing.
        var deliveries = new List<Func<Task>>();
        var lastTransition = new Dictionary<string, ApplicationTransition>();
        for (int i = 0; i < 90; i++)
        {
            string province = Provinces[i % 3];
            DateTimeOffset received = start.AddMinutes(i * 47);
            var header = new ApplicationHeader(
                Guid.CreateVersion7(received).ToString("N"), i % 5 == 0 ? ApplicationType.Renewal : ApplicationType.New, province,
                $"K-{province}-{i % 2}", received, received.AddDays(9), Commune: $"C{i % 4}", District: $"D{i % 2}");
            var stages = Path.Take(1 + (i * 7 % Path.Length)).ToList();
            if (i % 10 == 0)
            {
                stages.Add(ApplicationStage.Failed);
                if (i % 30 == 0)
                {
                    stages.Add(ApplicationStage.Printing);
                }
            }
            else if (i % 13 == 0)
            {
                stages.Add(ApplicationStage.Rejected);
            }

            ApplicationTransition[] transitions = [.. stages.Select((stage, n) => new ApplicationTransition(
                header, n + 1, stage, received.AddHours(n * 5), "test", null, [], null))];
            lastTransition[header.ApplicationId] = transitions[^1];
            foreach (ApplicationTransition transition in transitions)
            {
                for (int copies = 1 + random.Next(3); copies > 0; copies--)
                {
                    deliveries.Add(() => projection.ApplyAsync(transition, CancellationToken.None));
                }
            }

            // The journal also delivers batches (the row is written once, with the last of them).
            if (transitions.Length > 3)
            {
                ApplicationTransition[] batch = [transitions[^2], transitions[1]];
                deliveries.Add(() => projection.ApplyAsync(batch, CancellationToken.None));
            }

            if (i % 6 == 0)
            {
                string id = header.ApplicationId;
                deliveries.Add(() => projection.MarkSuspendedAsync(id, suspended: true, CancellationToken.None));
            }
        }

        Func<Task>[] shuffled = [.. deliveries.OrderBy(_ => random.Next())];
        await Parallel.ForEachAsync(shuffled, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (delivery, _) => await delivery());

        List<ProjectedRow> rows = await ProjectionRowsAsync();
        Assert.Equal(90, rows.Count);
        foreach (ProjectedRow row in rows)
        {
            // The highest sequence won everywhere (or a suspension on top of it).
            Assert.Equal(lastTransition[row.ApplicationId].Sequence, row.Sequence);
            Assert.True(row.Stage == lastTransition[row.ApplicationId].Stage.ToString() || row.Stage == nameof(ApplicationStage.Suspended), row.Stage);
        }

        Assert.Contains(rows, r => r.Stage == nameof(ApplicationStage.Suspended));
        await AssertCountersMatchAsync(counters, rows);
        await AssertListsMatchAsync(rows);

        // The recount, in small resumable batches, agrees: nothing to correct.
        var recount = new CounterRecount(azurite.Tables, azurite.Blobs);
        RecountProgress progress;
        int calls = 0;
        do
        {
            progress = await recount.RunAsync(maxRows: 25, reindex: false, CancellationToken.None);
            calls++;
        }
        while (!progress.Finished);
        Assert.Equal(4, calls);
        Assert.Equal(90, progress.RowsRead);
        Assert.Empty(progress.Corrections);

        // A counter changed behind the system's back is found, reported and put right.
        TableClient table = azurite.Tables.GetTableClient(ApplicationCounters.TableName);
        TableEntity cell = await FirstAsync(table.QueryAsync<TableEntity>("PartitionKey eq 'p-079'"));
        string column = cell.Keys.First(k => Enum.GetNames<ApplicationStage>().Contains(k));
        long held = cell.GetInt64(column)!.Value;
        await table.UpdateEntityAsync(new TableEntity(cell.PartitionKey, cell.RowKey) { [column] = held + 5 }, Azure.ETag.All, TableUpdateMode.Merge);
        do
        {
            progress = await recount.RunAsync(maxRows: 1000, reindex: false, CancellationToken.None);
        }
        while (!progress.Finished);
        Assert.Equal([new CounterCorrection(cell.PartitionKey, cell.RowKey, column, held + 5, held)], progress.Corrections);
        await AssertCountersMatchAsync(counters, rows);

        // The scheduled recount (confirm) writes a difference only when a second full pass finds it the same, and
        // reports each repair as a metric.
        using ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var backlog = new Workflow.Telemetry.StageBacklog(counters, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<Workflow.Telemetry.StageBacklog>.Instance);
        var metrics = new Workflow.Telemetry.WorkflowMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), new StorageRequestCounter(),
            backlog, new Workflow.Telemetry.StageDurations(TimeProvider.System));
        long repaired = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "citizenworkflows.reconciliation.repairs")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            if (tags.ToArray().Contains(new KeyValuePair<string, object?>("kind", "counter")))
            {
                Interlocked.Add(ref repaired, value);
            }
        });
        listener.Start();
        var scheduled = new CounterRecount(azurite.Tables, azurite.Blobs, metrics);
        await table.UpdateEntityAsync(new TableEntity(cell.PartitionKey, cell.RowKey) { [column] = held - 2 }, Azure.ETag.All, TableUpdateMode.Merge);
        var drift = new CounterCorrection(cell.PartitionKey, cell.RowKey, column, held - 2, held);
        RecountProgress first = await PassAsync(scheduled);
        Assert.Empty(first.Corrections);
        Assert.Equal([drift], first.Suspected);
        RecountProgress second = await PassAsync(scheduled);
        Assert.Equal([drift], second.Corrections);
        Assert.Empty(second.Suspected);
        Assert.Equal(1, Interlocked.Read(ref repaired));
        await AssertCountersMatchAsync(counters, rows);
        RecountProgress third = await PassAsync(scheduled);
        Assert.Empty(third.Corrections);
        Assert.Empty(third.Suspected);
    }

    static async Task<RecountProgress> PassAsync(CounterRecount recount)
    {
        RecountProgress progress;
        do
        {
            progress = await recount.RunAsync(maxRows: 40, reindex: false, CancellationToken.None, confirm: true);
        }
        while (!progress.Finished);
        return progress;
    }

    async Task<List<ProjectedRow>> ProjectionRowsAsync()
    {
        var rows = new List<ProjectedRow>();
        await foreach (TableEntity e in azurite.Tables.GetTableClient(StorageNames.ApplicationsTable).QueryAsync<TableEntity>())
        {
            rows.Add(ProjectedRow.From(e)!);
        }

        return rows;
    }

    static async Task AssertCountersMatchAsync(ApplicationCounters counters, List<ProjectedRow> rows)
    {
        ApplicationCounts national = await counters.ReadAsync(new CountScope(null, null, null, null), null, CancellationToken.None);
        Assert.Equal(Expected(rows), national.ByStage);
        Assert.Equal(rows.GroupBy(r => r.Province).ToDictionary(g => g.Key, g => g.Count()), national.ByProvince);
        Assert.Equal(rows.Count, national.Total);

        foreach (IGrouping<string, ProjectedRow> province in rows.GroupBy(r => r.Province))
        {
            Assert.Equal(Expected(province), (await counters.ReadAsync(new CountScope(province.Key, null, null, null), null, CancellationToken.None)).ByStage);
            foreach (IGrouping<string?, ProjectedRow> district in province.GroupBy(r => r.District))
            {
                Assert.Equal(Expected(district), (await counters.ReadAsync(new CountScope(province.Key, district.Key, null, null), null, CancellationToken.None)).ByStage);
                foreach (IGrouping<string?, ProjectedRow> commune in district.GroupBy(r => r.Commune))
                {
                    Assert.Equal(Expected(commune), (await counters.ReadAsync(new CountScope(province.Key, district.Key, commune.Key, null), null, CancellationToken.None)).ByStage);
                }
            }
        }

        foreach (IGrouping<string, ProjectedRow> kiosk in rows.GroupBy(r => r.KioskId))
        {
            Assert.Equal(Expected(kiosk), (await counters.ReadAsync(new CountScope(null, null, null, kiosk.Key), null, CancellationToken.None)).ByStage);
        }

        ApplicationCounts printing = await counters.ReadAsync(new CountScope(null, null, null, null), ApplicationStage.Printing, CancellationToken.None);
        Assert.Equal(rows.Count(r => r.Stage == nameof(ApplicationStage.Printing)), printing.Total);

        // Per day (Vietnam time) and province: taken that day, and ended that day in each final stage.
        IReadOnlyList<DailyCount> days = await counters.ReadDaysAsync(new DateOnly(2026, 11, 1), new DateOnly(2026, 12, 31), null, CancellationToken.None);
        var expectedDays = new Dictionary<(DateOnly, string, string), long>();
        foreach (ProjectedRow row in rows)
        {
            Bump(expectedDays, (ApplicationCounters.Day(row.CreatedAt), row.Province, ApplicationCounters.Received));
            if (row.KnownStage is { } stage && stage.IsFinal())
            {
                Bump(expectedDays, (ApplicationCounters.Day(row.UpdatedAt), row.Province, row.Stage));
            }
        }

        Assert.Equal(
            expectedDays.OrderBy(d => d.Key).ToList(),
            days.SelectMany(d => d.Counts.Where(c => c.Value != 0).Select(c => KeyValuePair.Create((d.Day, d.Province, c.Key), c.Value))).OrderBy(d => d.Key).ToList());
    }

    async Task AssertListsMatchAsync(List<ProjectedRow> rows)
    {
        var search = new ApplicationSearch(azurite.Tables, TimeProvider.System, NullLogger<ApplicationSearch>.Instance);
        foreach (ApplicationStage stage in Enum.GetValues<ApplicationStage>())
        {
            Assert.Equal(Ids(rows.Where(r => r.Stage == stage.ToString())), await ListAsync(search, new ApplicationFilter(stage, null, null, null, null, null, null)));
            foreach (string province in Provinces)
            {
                Assert.Equal(
                    Ids(rows.Where(r => r.Stage == stage.ToString() && r.Province == province)),
                    await ListAsync(search, new ApplicationFilter(stage, province, null, null, null, null, null)));
            }
        }

        foreach (IGrouping<string, ProjectedRow> kiosk in rows.GroupBy(r => r.KioskId))
        {
            Assert.Equal(Ids(kiosk), await ListAsync(search, new ApplicationFilter(null, null, kiosk.Key, null, null, null, null)));
        }

        // Due dates are 9 days after intake (mid-November): all in flight are overdue now, none finished is.
        Assert.Equal(Ids(rows.Where(r => r.KnownStage?.IsFinal() == false)), await ListAsync(search, new ApplicationFilter(null, null, null, null, null, null, true)));
        Assert.Equal(Ids(rows.Where(r => r.Province == "079")), await ListAsync(search, new ApplicationFilter(null, "079", null, null, null, null, null)));
    }

    static async Task<List<string>> ListAsync(ApplicationSearch search, ApplicationFilter filter)
    {
        var ids = new List<string>();
        ContinuationToken? token = null;
        do
        {
            ApplicationPage page = await search.ListAsync(filter, 7, token, CancellationToken.None);
            Assert.Empty(page.Unreadable);
            ids.AddRange(page.Items.Select(i => i.ApplicationId));
            token = page.Continuation is null ? null : ContinuationToken.Decode(page.Continuation);
        }
        while (token is not null);

        return [.. ids.Order(StringComparer.Ordinal)];
    }

    static List<string> Ids(IEnumerable<ProjectedRow> rows) => [.. rows.Select(r => r.ApplicationId).Order(StringComparer.Ordinal)];

    static Dictionary<string, int> Expected(IEnumerable<ProjectedRow> rows)
    {
        Dictionary<string, int> byStage = Enum.GetNames<ApplicationStage>().ToDictionary(s => s, _ => 0);
        foreach (ProjectedRow row in rows)
        {
            byStage[row.Stage]++;
        }

        return byStage;
    }

    static void Bump<TKey>(Dictionary<TKey, long> counts, TKey key)
        where TKey : notnull =>
        counts[key] = counts.GetValueOrDefault(key) + 1;

    static async Task<T> FirstAsync<T>(Azure.AsyncPageable<T> items)
        where T : notnull
    {
        await foreach (T item in items)
        {
            return item;
        }

        throw new InvalidOperationException("empty");
    }

    /// <summary>The containers, tables and queues the features declare, as the hosts' start-up creates them.</summary>
    List<StorageDeclaration> DeclaredStorage()
    {
        var services = new ServiceCollection();
        services.AddCitizenWorkflows(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:ConnectionString"] = azurite.ConnectionString }).Build());
        using ServiceProvider provider = services.BuildServiceProvider();
        return [.. provider.GetServices<StorageDeclaration>()];
    }
}
