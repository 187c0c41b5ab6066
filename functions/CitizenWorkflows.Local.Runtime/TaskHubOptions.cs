namespace CitizenWorkflows.Local.Runtime;

/// <summary>
/// Configuration section <c>TaskHub</c>: the Azure Storage task hub the embedded runtime runs on. The defaults are
/// the settings that mattered when measured on a 2-core machine (docs/benchmarks.md, "Full lifecycle").
/// </summary>
public sealed class TaskHubOptions
{
    public const string SectionName = "TaskHub";

    /// <summary>3–45 letters and digits, starting with a letter.</summary>
    public string Name { get; set; } = "CitizenWorkflows";

    /// <summary>Control-queue partitions; workers sharing the hub split them through leases.</summary>
    public int PartitionCount { get; set; } = 4;

    /// <summary>Stable per worker so a restarted worker reclaims its own leases at once.</summary>
    public string WorkerId { get; set; } = Environment.MachineName;

    /// <summary>Timers fire late when the queue back-off grows beyond this.</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a received message stays invisible; the dispatcher renews an activity's lock before it lapses.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// For each read-and-write of the partition lease table. The provider's 2 s is retried at once when exceeded, and a
    /// single busy Azurite then answers the retries too: the queue of lease operations grows instead of draining.
    /// </summary>
    public TimeSpan PartitionTableOperationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public int MaxConcurrentOrchestrations { get; set; } = 100;

    public int MaxConcurrentActivities { get; set; } = 100;

    /// <summary>
    /// Keeps an instance's history and replay state in memory between episodes, so an episode that follows soon needs no
    /// History-table read and no replay (Durable Functions' <c>extendedSessionsEnabled</c>). Off by default: with it on,
    /// <c>faults azurite-restart --count 30 --restarts 3</c> left 1 and then 3 of 30 applications standing (the provider
    /// kept taking their re-delivered messages for duplicates of a session that failed in the outage); off, 30/30 finished.
    /// The gain it bought was small (0.54 vs 0.47 lifecycles/s, docs/benchmarks.md).
    /// </summary>
    public bool ExtendedSessions { get; set; }

    /// <summary>How long an idle session is kept in memory waiting for the instance's next message.</summary>
    public TimeSpan ExtendedSessionIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <see cref="TaskHubSettings.Tuned"/>: the values above. <see cref="TaskHubSettings.Default"/>: DurableTask.AzureStorage's
    /// own defaults (only the connection, hub name and worker id set), to measure what the tuning is worth.
    /// </summary>
    public TaskHubSettings Settings { get; set; } = TaskHubSettings.Tuned;
}

/// <summary>Which Azure Storage provider settings the runtime uses.</summary>
public enum TaskHubSettings
{
    Tuned,
    Default,
}
