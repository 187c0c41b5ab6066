using CitizenWorkflows.Workflow.Orchestration.Deadlines;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Orchestration;

/// <summary>Which of several awaited events arrived first, or that the deadline passed (<see cref="EventName"/> null).</summary>
public sealed record EventOrDeadline<T>(string? EventName, T? Payload)
{
    public bool DeadlinePassed => EventName is null;
}

public static class EventWaiting
{
    /// <summary>
    /// Waits for the first of <paramref name="eventNames"/> or the <see cref="ApplicationEvents.Deadline"/> event of
    /// <paramref name="deadline"/>'s wait (the deadline index raises it; no durable timer is left behind when an event
    /// wins), then cancels the rest. A deadline event of an earlier wait (swept late, or raised twice) is skipped.
    /// </summary>
    public static async Task<EventOrDeadline<T>> WaitForFirstEventAsync<T>(
        this TaskOrchestrationContext context, IReadOnlyList<string> eventNames, WaitDeadline deadline)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(deadline);
        using var cancel = new CancellationTokenSource();
        var waits = eventNames.Select(name => context.WaitForExternalEvent<T>(name, cancel.Token)).ToList();
        Task<DeadlinePassed> passed = context.WaitForExternalEvent<DeadlinePassed>(ApplicationEvents.Deadline, cancel.Token);
        Task first = await Task.WhenAny([.. waits, passed]);
        while (first == passed && (await passed).Wait != deadline.Wait)
        {
            passed = context.WaitForExternalEvent<DeadlinePassed>(ApplicationEvents.Deadline, cancel.Token);
            first = await Task.WhenAny([.. waits, passed]);
        }

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
