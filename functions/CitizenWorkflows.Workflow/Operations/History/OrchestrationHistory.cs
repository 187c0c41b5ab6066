using DurableTask.Core.History;
using Microsoft.DurableTask.Client;

namespace CitizenWorkflows.Workflow.Operations.History;

/// <summary>
/// An orchestration's stored history through the durable client's own API (<see cref="DurableTaskClient.GetOrchestrationHistoryAsync"/>),
/// so no reader depends on one storage provider's schema: in Azure the Functions host's durable extension streams it from
/// its provider; the Local host's client asks its orchestration service.
/// </summary>
public static class OrchestrationHistory
{
    /// <summary>The latest execution's events, oldest first, reduced to what an operator reads (no inputs or outputs).</summary>
    public static async Task<HistoryReading> ReadAsync(DurableTaskClient client, string instanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        IList<HistoryEvent> events = await client.GetOrchestrationHistoryAsync(instanceId, cancellationToken);
        return HistoryReading.Of([.. events.Select(e => new HistoryItem(e.EventId, e.EventType.ToString(), NameOf(e), AsUtc(e.Timestamp)))]);
    }

    static string? NameOf(HistoryEvent historyEvent) => historyEvent switch
    {
        ExecutionStartedEvent started => started.Name,
        TaskScheduledEvent scheduled => scheduled.Name,
        EventRaisedEvent raised => raised.Name,
        EventSentEvent sent => sent.Name,
        SubOrchestrationInstanceCreatedEvent created => created.Name,
        _ => null,
    };

    // Providers store UTC; a deserialised timestamp may have lost its kind on the way.
    static DateTimeOffset AsUtc(DateTime timestamp) =>
        new(timestamp.Kind == DateTimeKind.Local ? timestamp.ToUniversalTime() : DateTime.SpecifyKind(timestamp, DateTimeKind.Utc));
}

/// <summary>Either the events or the reason there are none to show (never both).</summary>
public sealed record HistoryReading(IReadOnlyList<HistoryItem>? Events, string? Unavailable)
{
    public static HistoryReading Of(IReadOnlyList<HistoryItem> events) => new(events, null);

    public static HistoryReading NotAvailable(string reason) => new(null, reason);
}

/// <summary>One history event: its id within the execution (-1 for events without one), its type, the task or event
/// name where it has one, and when.</summary>
public sealed record HistoryItem(int EventId, string EventType, string? Name, DateTimeOffset Timestamp);
