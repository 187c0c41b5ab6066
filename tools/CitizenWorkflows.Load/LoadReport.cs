using System.Globalization;
using System.Net;
using System.Text.Json;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Load;

/// <summary>What a load run measured; printed as a summary and optionally written as JSON for <c>bench-lifecycle</c>.</summary>
public sealed record LoadReport
{
    public required string Command { get; init; }

    public required int Submitted { get; init; }

    public required int Accepted { get; init; }

    public required int Delivered { get; init; }

    public required int Finished { get; init; }

    public required double SubmitSeconds { get; init; }

    public required double WallSeconds { get; init; }

    public required double CompletedPerSecond { get; init; }

    public required double SubmissionsPerSecond { get; init; }

    public long? OrchestrationWorkItems { get; init; }

    public long? ActivityWorkItems { get; init; }

    public double? WorkItemsPerSecond { get; init; }

    /// <summary>Mean time of an orchestration episode inside the dispatcher's pipeline (the orchestrator's run).</summary>
    public double? EpisodeMeanMs { get; init; }

    /// <summary>Mean time of an activity execution inside the dispatcher's pipeline (the activity's own work, storage
    /// calls included).</summary>
    public double? ActivityMeanMs { get; init; }

    public int? PeakEpisodesAtOnce { get; init; }

    public int? PeakActivitiesAtOnce { get; init; }
    /// <summary>Storage requests the run's lifecycles caused, by service and caller; null when the host is another process.</summary>
    public IReadOnlyList<StorageRequestCount>? StorageRequests { get; init; }

    /// <summary>The same requests by caller and operation (which calls make up the runtime's share), largest first.</summary>
    public IReadOnlyList<StorageOperationCount>? StorageOperations { get; init; }

    /// <summary>Requests of the load driver itself (preparing applicants, following progress): not part of a lifecycle's cost.</summary>
    public long LoadDriverStorageRequests { get; init; }

    /// <summary>Messages left in the task hub's control queues after the run (invisible ones included).</summary>
    public int? ControlQueueMessages { get; init; }

    /// <summary>Of <see cref="ControlQueueMessages"/>, those a peek saw (visible now; at most 32 per queue).</summary>
    public int? ControlQueueVisibleMessages { get; init; }

    public required double IntakeP50Ms { get; init; }

    public required double IntakeP95Ms { get; init; }

    public required double IntakeP99Ms { get; init; }

    public required double IntakeMaxMs { get; init; }

    public required double LifecycleP50Seconds { get; init; }

    public required double LifecycleP95Seconds { get; init; }

    public required IReadOnlyList<StageLatency> Stages { get; init; }

    public required long PeakDotnetRssBytes { get; init; }

    public required long PeakManagedHeapBytes { get; init; }

    public required long PeakAzuriteRssBytes { get; init; }

    public required IReadOnlyList<string> MemoryAtQuarters { get; init; }

    /// <summary>The Local host's CPU seconds (its own process; with the driver's when both ran in one).</summary>
    public required double DotnetCpuSeconds { get; init; }

    /// <summary>The driver's own CPU seconds (submitting, following, the simulators) when the host ran in another process.</summary>
    public double? DriverCpuSeconds { get; init; }

    public required double AzuriteCpuSeconds { get; init; }

    /// <summary>Azurite's CPU seconds per service process (blob, queue, table), when it runs as three.</summary>
    public IReadOnlyDictionary<string, double> AzuriteCpuSecondsByService { get; init; } = new Dictionary<string, double>();

    /// <summary>Lifecycles finished per second in the first and in the last quarter of the run (a flat run keeps them close).</summary>
    public (double First, double Last)? QuarterRates { get; init; }

    public required IReadOnlyDictionary<string, int> Outcomes { get; init; }

    /// <summary>
    /// Finishes per second over the first quarter of finishes (from the run's start) and over the last quarter (from
    /// the finish that began it); null under 8 finishes.
    /// </summary>
    public static (double First, double Last)? RatesByQuarter(DateTimeOffset startedAt, IEnumerable<DateTimeOffset> finishedAt)
    {
        DateTimeOffset[] at = [.. finishedAt.Order()];
        if (at.Length < 8)
        {
            return null;
        }

        int quarter = at.Length / 4;
        double first = quarter / Math.Max((at[quarter - 1] - startedAt).TotalSeconds, 0.001);
        double last = quarter / Math.Max((at[^1] - at[^(quarter + 1)]).TotalSeconds, 0.001);
        return (first, last);
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>Time spent in each stage (entering it until the next transition), over the sampled timelines, in
    /// first-seen order.</summary>
    public static IReadOnlyList<StageLatency> StageLatencies(IEnumerable<ApplicationView> views)
    {
        var order = new List<string>();
        var spans = new Dictionary<string, List<double>>();
        foreach (ApplicationView view in views)
        {
            IReadOnlyList<TimelineEntry> t = view.Timeline;
            for (int i = 0; i + 1 < t.Count; i++)
            {
                string stage = t[i].Stage.ToString();
                if (!spans.TryGetValue(stage, out List<double>? list))
                {
                    spans[stage] = list = [];
                    order.Add(stage);
                }

                list.Add((t[i + 1].At - t[i].At).TotalMilliseconds);
            }
        }

        return [.. order.Select(stage =>
        {
            double[] sorted = [.. spans[stage].Order()];
            return new StageLatency(stage, sorted.Length, Percentile(sorted, 0.5), Percentile(sorted, 0.95), sorted[^1]);
        })];
    }

    public void Print(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        IFormatProvider c = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine($"$ {Command}");
        output.WriteLine(string.Create(c, $"submitted {Submitted}, accepted {Accepted}, delivered {Delivered}, finished {Finished} ({string.Join(", ", Outcomes.Select(o => $"{o.Key} {o.Value}"))})"));
        output.WriteLine(string.Create(c, $"intake: {SubmissionsPerSecond:F1} submissions/s over {SubmitSeconds:F1} s; latency ms p50 {IntakeP50Ms:F1}  p95 {IntakeP95Ms:F1}  p99 {IntakeP99Ms:F1}  max {IntakeMaxMs:F1}"));
        output.WriteLine(string.Create(c, $"lifecycles: {CompletedPerSecond:F2} delivered/s over {WallSeconds:F1} s (first submission to last delivery); submission to delivery p50 {LifecycleP50Seconds:F1} s  p95 {LifecycleP95Seconds:F1} s"));
        output.WriteLine(WorkItemsPerSecond is double w
            ? string.Create(c, $"orchestration work items: {OrchestrationWorkItems} orchestration episodes + {ActivityWorkItems} activities = {w:F1}/s")
            : "orchestration work items: not counted (the runtime is in another process)");
        if (EpisodeMeanMs is double episodeMs && ActivityMeanMs is double activityMs && OrchestrationWorkItems + ActivityWorkItems is long items and > 0)
        {
            output.WriteLine(string.Create(c, $"dispatchers: episode mean {episodeMs:F1} ms (peak {PeakEpisodesAtOnce} at once), activity mean {activityMs:F1} ms (peak {PeakActivitiesAtOnce} at once); host CPU {1000 * DotnetCpuSeconds / items:F1} ms per work item"));
        }

        if (WorkItemsPerSecond is null)
        {
            output.WriteLine("(the host runs in child processes here: the .NET figures below are this driver's, not the host's)");
        }
        else if (Accepted > 0)
        {
            output.WriteLine(string.Create(c, $"work items per application: {(OrchestrationWorkItems + ActivityWorkItems) / (double)Accepted:F1} ({OrchestrationWorkItems / (double)Accepted:F1} episodes + {ActivityWorkItems / (double)Accepted:F1} activities)"));
        }

        PrintStorageRequests(output);
        if (ControlQueueMessages is int left)
        {
            output.WriteLine(left == 0
                ? "control-queue messages left at the end: 0"
                : string.Create(c, $"control-queue messages left at the end: {left} ({ControlQueueVisibleMessages} visible; the rest are timers or events hidden until later)"));
        }

        output.WriteLine(string.Create(c, $"memory: host peak RSS {PeakDotnetRssBytes / 1048576.0:F0} MB (managed heap peak {PeakManagedHeapBytes / 1048576.0:F0} MB); Azurite peak RSS {(PeakAzuriteRssBytes > 0 ? $"{PeakAzuriteRssBytes / 1048576.0:F0} MB" : "n/a (not found)")}"));
        output.WriteLine($"memory at 25/50/75/100% of deliveries (host RSS / heap / Azurite RSS, MB): {string.Join("  ", MemoryAtQuarters)}");
        double total = DotnetCpuSeconds + AzuriteCpuSeconds;
        string driver = DriverCpuSeconds is double d ? string.Create(c, $"; the load driver and simulators, in their own process, {d:F1} s more") : "";
        output.WriteLine(string.Create(c, $"CPU: host {DotnetCpuSeconds:F1} s ({(total > 0 ? 100 * DotnetCpuSeconds / total : 0):F0}%), Azurite {AzuriteCpuSeconds:F1} s ({(total > 0 ? 100 * AzuriteCpuSeconds / total : 0):F0}%); {total / WallSeconds:F2} cores busy on average{driver}"));
        if (Finished > 0)
        {
            string byService = AzuriteCpuSecondsByService.Count > 1
                ? " (" + string.Join(", ", AzuriteCpuSecondsByService.OrderBy(s => s.Key, StringComparer.Ordinal)
                    .Select(s => string.Format(c, "{0} {1:F0}", s.Key, 1000 * s.Value / Finished))) + ")"
                : "";
            output.WriteLine(string.Format(c, "CPU ms per finished lifecycle: host {0:F0}; Azurite {1:F0}{2}",
                1000 * DotnetCpuSeconds / Finished, 1000 * AzuriteCpuSeconds / Finished, byService));
        }

        if (QuarterRates is var (first, last))
        {
            output.WriteLine(string.Format(c, "lifecycles/s in the first quarter of finishes {0:F2}, in the last quarter {1:F2} (last/first {2:F2})", first, last, last / first));
        }

        if (Stages.Count > 0)
        {
            output.WriteLine("time in stage (from the projection timelines; entering the stage to the next transition):");
            output.WriteLine("  stage                    n     p50 ms     p95 ms     max ms");
            foreach (StageLatency s in Stages)
            {
                output.WriteLine(string.Create(c, $"  {s.Stage,-20} {s.Count,5} {s.P50Ms,10:F0} {s.P95Ms,10:F0} {s.MaxMs,10:F0}"));
            }
        }
    }

    /// <summary>Storage requests per accepted application: a row per caller, a column per service (what Azure bills per 10,000).</summary>
    void PrintStorageRequests(TextWriter output)
    {
        if (StorageRequests is not { } cells || Accepted == 0)
        {
            return;
        }

        IFormatProvider c = CultureInfo.InvariantCulture;
        double PerApplication(long requests) => requests / (double)Accepted;
        StorageService[] services = Enum.GetValues<StorageService>();
        var all = new StorageRequestCounts(cells);
        output.WriteLine(string.Create(c, $"storage requests per application: {PerApplication(all.Total):F1} ({string.Join(" + ", services.Select(s => $"{s.ToString().ToLowerInvariant()} {PerApplication(all.For(s)):F1}"))}); the driver's own reads not included ({LoadDriverStorageRequests} in all)"));
        output.WriteLine($"  {"caller",-20}{string.Concat(services.Select(s => $"{s.ToString().ToLowerInvariant(),9}"))}{"total",9}");
        foreach (IGrouping<string, StorageRequestCount> caller in cells.GroupBy(x => x.Caller).OrderByDescending(g => g.Sum(x => x.Requests)))
        {
            string columns = string.Concat(services.Select(s => string.Create(c, $"{PerApplication(caller.Where(x => x.Service == s).Sum(x => x.Requests)),9:F1}")));
            output.WriteLine(string.Create(c, $"  {caller.Key,-20}{columns}{PerApplication(caller.Sum(x => x.Requests)),9:F1}"));
        }

        foreach (IGrouping<string, StorageOperationCount> caller in (StorageOperations ?? []).GroupBy(o => o.Caller)
            .Where(g => g.Key is StorageCaller.Runtime or StorageCaller.Activities or StorageCaller.Intake))
        {
            output.WriteLine($"  {caller.Key} by operation (per application):");
            foreach (StorageOperationCount operation in caller.Take(12))
            {
                output.WriteLine(string.Create(c, $"    {PerApplication(operation.Requests),7:F1}  {operation.Operation}"));
            }
        }
    }

    public async Task WriteAsync(string path, CancellationToken cancellationToken) =>
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(this, JsonSerializerOptions.Web), cancellationToken);

    public static LoadReport Read(string path) =>
        JsonSerializer.Deserialize<LoadReport>(File.ReadAllText(path), JsonSerializerOptions.Web)
        ?? throw new InvalidDataException($"{path} holds no load report.");

    internal static Dictionary<string, int> CountOutcomes(IEnumerable<Submission> submissions, IReadOnlyDictionary<string, string> stages) =>
        submissions.Select(s => s.Accepted ? stages.GetValueOrDefault(s.ApplicationId!, "Unknown") : $"refused {(s.Status == 0 ? "no answer" : ((int)s.Status).ToString(CultureInfo.InvariantCulture))}")
            .GroupBy(s => s)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count());
}

public sealed record StageLatency(string Stage, int Count, double P50Ms, double P95Ms, double MaxMs);

