using System.Collections.Concurrent;
using CitizenWorkflows.Workflow.Domain;

namespace CitizenWorkflows.Workflow.Telemetry;

/// <summary>Percentiles of the time applications spent in one stage (seconds), from <see cref="Count"/> applications
/// that left it.</summary>
public sealed record StagePercentiles(ApplicationStage Stage, long Count, double P50, double P90, double P99);

/// <summary>
/// The stage durations this process recorded (<see cref="WorkflowMetrics.StageLeft"/>) since it started, counted in the
/// exported histogram's buckets per stage and province: what the dashboard's percentiles are computed from. One host's
/// view (the Local host sees every transition); across a scaled-out Functions app the exported histogram is the whole picture.
/// </summary>
public sealed class StageDurations(TimeProvider clock)
{
    /// <summary>Bucket upper bounds in seconds: automatic steps take seconds, officers, printing and delivery days.</summary>
    public static readonly double[] Bounds =
        [1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 12 * 3600, 86_400, 2 * 86_400, 3 * 86_400, 5 * 86_400, 7 * 86_400, 10 * 86_400, 14 * 86_400, 30 * 86_400];

    readonly ConcurrentDictionary<(ApplicationStage Stage, string Province), long[]> buckets = new();

    /// <summary>Since when durations are counted (the process's start).</summary>
    public DateTimeOffset Since { get; } = clock.GetUtcNow();

    public void Record(ApplicationStage stage, string province, double seconds)
    {
        long[] counts = buckets.GetOrAdd((stage, province), _ => new long[Bounds.Length + 1]);
        int bucket = Array.FindIndex(Bounds, bound => seconds <= bound);
        Interlocked.Increment(ref counts[bucket < 0 ? Bounds.Length : bucket]);
    }

    /// <summary>Per stage, in stage order, the 50th, 90th and 99th percentile (seconds) of the provinces <paramref
    /// name="province"/> selects (null: all).</summary>
    public IReadOnlyList<StagePercentiles> Percentiles(string? province)
    {
        var result = new List<StagePercentiles>();
        foreach (IGrouping<ApplicationStage, long[]> stage in buckets
            .Where(b => province is null || b.Key.Province == province)
            .GroupBy(b => b.Key.Stage, b => b.Value)
            .OrderBy(g => g.Key))
        {
            long[] sum = new long[Bounds.Length + 1];
            foreach (long[] counts in stage)
            {
                for (int i = 0; i < sum.Length; i++)
                {
                    sum[i] += Interlocked.Read(ref counts[i]);
                }
            }

            long total = sum.Sum();
            if (total > 0)
            {
                result.Add(new StagePercentiles(stage.Key, total, Quantile(sum, total, 0.50), Quantile(sum, total, 0.90), Quantile(sum, total, 0.99)));
            }
        }

        return result;
    }

    /// <summary>Linear within the bucket the rank falls in (as Prometheus' histogram_quantile); past the last bound, that bound.</summary>
    internal static double Quantile(long[] counts, long total, double q)
    {
        double rank = q * total;
        long before = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] > 0 && before + counts[i] >= rank)
            {
                if (i == Bounds.Length)
                {
                    return Bounds[^1];
                }

                double lower = i == 0 ? 0 : Bounds[i - 1];
                return lower + ((Bounds[i] - lower) * (rank - before) / counts[i]);
            }

            before += counts[i];
        }

        return Bounds[^1];
    }
}
