namespace CitizenWorkflows.Workflow.Operations.History;

/// <summary>
/// Reads an orchestration's stored history from the orchestration service. A port: the Local host's gRPC sidecar serves
/// no stored history, so each host plugs in a reader of the task hub itself.
/// </summary>
public interface IOrchestrationHistory
{
    /// <summary>The latest execution's events, oldest first; <see cref="HistoryReading.Unavailable"/> says why when they cannot be read.</summary>
    Task<HistoryReading> ReadAsync(string instanceId, CancellationToken cancellationToken);
}

/// <summary>Either the events or the reason there are none to show (never both).</summary>
public sealed record HistoryReading(IReadOnlyList<HistoryItem>? Events, string? Unavailable)
{
    public static HistoryReading Of(IReadOnlyList<HistoryItem> events) => new(events, null);

    public static HistoryReading NotAvailable(string reason) => new(null, reason);
}

/// <summary>One history event: its id within the execution (-1 for events without one), its type, the task or event name where it has one, and when.</summary>
public sealed record HistoryItem(int EventId, string EventType, string? Name, DateTimeOffset Timestamp);
