namespace CitizenWorkflows.Local.Runtime;

/// <summary>
/// Configuration section <c>TaskHub</c>: the Azure Storage task hub the embedded runtime runs on. The defaults are
/// the settings that mattered when measured on a 2-core machine (DESIGN §3).
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

    /// <summary>Above the longest activity: the sidecar does not renew message locks.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public int MaxConcurrentOrchestrations { get; set; } = 100;

    public int MaxConcurrentActivities { get; set; } = 100;
}
