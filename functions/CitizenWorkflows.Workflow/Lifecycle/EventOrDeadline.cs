using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Lifecycle;

/// <summary>Which of several awaited events arrived first, or that the deadline passed (<see cref="EventName"/> null).</summary>
public sealed record EventOrDeadline<T>(string? EventName, T? Payload)
{
    public bool DeadlinePassed => EventName is null;
}

public static class EventWaiting
{
    /// <summary>
    /// Waits for the first of <paramref name="eventNames"/> or a durable timer at <paramref name="deadline"/>,
    /// then cancels the rest so no timer or wait is left behind.
    /// </summary>
    public static async Task<EventOrDeadline<T>> WaitForFirstEventAsync<T>(
        this TaskOrchestrationContext context, IReadOnlyList<string> eventNames, DateTime deadline)
    {
        using var cancel = new CancellationTokenSource();
        var waits = eventNames.Select(name => context.WaitForExternalEvent<T>(name, cancel.Token)).ToList();
        Task timer = context.CreateTimer(deadline, cancel.Token);
        Task first = await Task.WhenAny([.. waits, timer]);
        // Cancel synchronously: CancelAsync runs the callbacks on the thread pool, outside the orchestrator's
        // single thread, which makes replay non-deterministic.
#pragma warning disable CA1849
        cancel.Cancel();
#pragma warning restore CA1849
        int index = first is Task<T> arrived ? waits.IndexOf(arrived) : -1;
        return index < 0
            ? new EventOrDeadline<T>(null, default)
            : new EventOrDeadline<T>(eventNames[index], await waits[index]);
    }
}
