namespace CitizenWorkflows.Load;

/// <summary>
/// Settings for load and fault runs: reconciliation every minute, and its housekeeping purges completed workflows at
/// once, as a programme running for months keeps its task hub to what is in flight (production keeps them 30 days).
/// </summary>
public static class FinishedWorkflowPurge
{
    public static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["Reconciliation:Poller:PollInterval"] = "00:01:00",
        ["Reconciliation:Housekeeping:CompletedWorkflowRetention"] = "00:00:00",
    };

    /// <summary>The same settings as command-line arguments.</summary>
    public static string[] EveryMinute => [.. Settings.Select(kv => $"--{kv.Key}={kv.Value}")];
}
