using System.Text.Json;
using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Local;

/// <summary>
/// What the host counted since it started: its runtime's work items (episodes and activities, their summed time in the
/// dispatchers and the most at once), its storage requests by service and caller and by operation, its managed heap.
/// A tool in another process (the load driver) reads them from <c>Local:CountersFile</c> to say what a run cost the host.
/// </summary>
public sealed record HostCounters(
    DateTimeOffset WrittenAt,
    int ProcessId,
    long Episodes,
    long Activities,
    double EpisodeBusyMs,
    double ActivityBusyMs,
    int PeakEpisodes,
    int PeakActivities,
    IReadOnlyList<StorageRequestCount> StorageRequests,
    IReadOnlyList<StorageOperationCount> StorageOperations,
    long ManagedHeapBytes)
{
    /// <summary>The setting naming the file the host writes them to (none: not written).</summary>
    public const string FileSetting = "Local:CountersFile";

    static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web);

    public static HostCounters Of(WorkItemCounts workItems, StorageRequestCounter storageRequests)
    {
        ArgumentNullException.ThrowIfNull(workItems);
        ArgumentNullException.ThrowIfNull(storageRequests);
        return new(
            DateTimeOffset.UtcNow,
            Environment.ProcessId,
            workItems.OrchestrationWorkItems,
            workItems.ActivityWorkItems,
            workItems.Orchestrations.BusyTime.TotalMilliseconds,
            workItems.Activities.BusyTime.TotalMilliseconds,
            workItems.Orchestrations.PeakInFlight,
            workItems.Activities.PeakInFlight,
            storageRequests.Snapshot().Cells,
            storageRequests.Operations(),
            GC.GetTotalMemory(forceFullCollection: false));
    }

    /// <summary>The counters last written to <paramref name="path"/>; null while there are none yet.</summary>
    public static HostCounters? Read(string path)
    {
        try
        {
            using FileStream file = File.OpenRead(path);
            return JsonSerializer.Deserialize<HostCounters>(file, Json);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Writes the file whole (a reader never sees half of it): a temporary file, then a rename over the old one.</summary>
    public void Write(string path)
    {
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>Writes <see cref="HostCounters"/> to <see cref="HostCounters.FileSetting"/> every second and as the host stops.</summary>
sealed class HostCountersFile(string path, WorkItemCounts workItems, StorageRequestCounter storageRequests) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            do
            {
                HostCounters.Of(workItems, storageRequests).Write(path);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        HostCounters.Of(workItems, storageRequests).Write(path);
    }
}
