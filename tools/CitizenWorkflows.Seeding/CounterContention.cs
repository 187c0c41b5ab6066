using System.Diagnostics;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Operations.Query;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Seeding;

/// <summary>
/// How many changes per second one counter row takes when every writer meets on it: W writers move applications of one
/// province between two stages through <see cref="ApplicationCounters.CountAsync"/> (the product's ETag read-modify-write
/// with retries), all with application ids of the same shard, so they all update row <c>p-{province}/{shard}</c>; each
/// writer has a kiosk of its own, so the kiosk row it also updates is uncontended. Storage requests per change show
/// the retries (an uncontended change is 4: two rows read and written).
/// </summary>
public static class CounterContention
{
    /// <summary>One writer count's result.</summary>
    public sealed record Figure(int Writers, long Changes, TimeSpan Elapsed, long Requests)
    {
        public double ChangesPerSecond => Changes / Elapsed.TotalSeconds;

        public double RequestsPerChange => Changes == 0 ? 0 : (double)Requests / Changes;
    }

    public static async Task<IReadOnlyList<Figure>> RunAsync(string connectionString, int[] writers, TimeSpan duration, CancellationToken cancellationToken)
    {
        var counter = new StorageRequestCounter();
        var tables = new TableServiceClient(connectionString, counter.Count(new TableClientOptions(), StorageService.Table));
        await tables.GetTableClient(ApplicationCounters.TableName).CreateIfNotExistsAsync(cancellationToken);
        var counters = new ApplicationCounters(tables);
        string[] ids = SameShardIds(64);
        var figures = new List<Figure>();
        foreach (int w in writers)
        {
            long changes = 0;
            StorageRequestCounts before = counter.Snapshot();
            var watch = Stopwatch.StartNew();
            using var stop = new CancellationTokenSource(duration);
            await Task.WhenAll(Enumerable.Range(0, w).Select(async writer =>
            {
                string kiosk = $"CONTENTION-{w}-{writer}";
                for (int n = 0; !stop.IsCancellationRequested; n++)
                {
                    string id = ids[(writer + n) % ids.Length];
                    // Every change moves one application a stage on: −1 in one column, +1 in the next, same row.
                    await counters.CountAsync(Row(id, kiosk, n % 2 == 0 ? "Printing" : "Printed"), Row(id, kiosk, n % 2 == 0 ? "Printed" : "Printing"), cancellationToken);
                    Interlocked.Increment(ref changes);
                }
            }));
            watch.Stop();
            figures.Add(new Figure(w, changes, watch.Elapsed, counter.Snapshot().Since(before).Total));
        }

        return figures;
    }

    static ProjectedRow Row(string id, string kiosk, string stage)
    {
        DateTimeOffset at = SyntheticApplications.Epoch;
        return new ProjectedRow(id, stage, "079", null, null, kiosk, at, at, at.AddDays(9), 1, new TableEntity(id, id));
    }

    /// <summary>Application ids that all fall in shard 00 (the contended row).</summary>
    static string[] SameShardIds(int count)
    {
        var ids = new List<string>(count);
        for (int i = 0; ids.Count < count; i++)
        {
            string id = $"contention-{i:D6}";
            if (ApplicationCounters.Shard(id) == "00")
            {
                ids.Add(id);
            }
        }

        return [.. ids];
    }
}
