using System.Diagnostics;
using DurableTask.Core;

namespace CitizenWorkflows.Local.Runtime;

/// <summary>
/// Work items the <see cref="TaskHubWorker"/>'s dispatchers ran, counted in their middleware pipelines (one pass per
/// orchestration episode, including each episode of an extended session, and one per activity execution), so the load
/// tools report work items per application on any provider; also how long each ran and how many ran at once, the
/// figures host.json's <c>maxConcurrent*</c> limits are sized from (docs/design.md, Concurrency limits of the Functions host).
/// </summary>
public sealed class WorkItemCounts
{
    /// <summary>Orchestration episodes (one per replay-and-run of an orchestrator).</summary>
    public DispatcherGauge Orchestrations { get; } = new();

    /// <summary>Activity executions.</summary>
    public DispatcherGauge Activities { get; } = new();

    /// <summary>Orchestration episodes run.</summary>
    public long OrchestrationWorkItems => Orchestrations.Completed;

    /// <summary>Activity executions run.</summary>
    public long ActivityWorkItems => Activities.Completed;

    /// <summary>Counts each work item once its step of the pipeline returned without throwing.</summary>
    public void CountOn(TaskHubWorker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        worker.AddOrchestrationDispatcherMiddleware((_, next) => Orchestrations.MeasureAsync(next));
        worker.AddActivityDispatcherMiddleware((_, next) => Activities.MeasureAsync(next));
    }
}

/// <summary>One dispatcher's work items: how many completed, their summed time in the pipeline and the most at once.</summary>
public sealed class DispatcherGauge
{
    long completed;
    long busyTicks;
    int inFlight;
    int peakInFlight;

    public long Completed => Interlocked.Read(ref completed);

    /// <summary>Summed wall time of completed work items inside the middleware (the orchestrator's or activity's own run).</summary>
    public TimeSpan BusyTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref busyTicks));

    /// <summary>The most work items of this kind that were in the pipeline at the same moment since the host started.</summary>
    public int PeakInFlight => Volatile.Read(ref peakInFlight);

    /// <summary>Runs one work item (the rest of the dispatcher's pipeline), counting it, timing it and tracking how
    /// many run at once.</summary>
    public async Task MeasureAsync(Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        int now = Interlocked.Increment(ref inFlight);
        for (int peak = Volatile.Read(ref peakInFlight); now > peak; peak = Volatile.Read(ref peakInFlight))
        {
            if (Interlocked.CompareExchange(ref peakInFlight, now, peak) == peak)
            {
                break;
            }
        }

        long started = Stopwatch.GetTimestamp();
        try
        {
            await next();
            Interlocked.Add(ref busyTicks, Stopwatch.GetTimestamp() - started);
            Interlocked.Increment(ref completed);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }
}
