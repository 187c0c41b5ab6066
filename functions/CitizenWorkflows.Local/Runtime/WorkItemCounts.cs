using DurableTask.Core;

namespace CitizenWorkflows.Local.Runtime;

/// <summary>
/// Work items the <see cref="TaskHubWorker"/>'s dispatchers ran, counted in their middleware pipelines (one pass per
/// orchestration episode, including each episode of an extended session, and one per activity execution), so the load
/// tools report work items per application on any provider.
/// </summary>
public sealed class WorkItemCounts
{
    long orchestrationWorkItems;
    long activityWorkItems;

    /// <summary>Orchestration episodes run (one per replay-and-run of an orchestrator).</summary>
    public long OrchestrationWorkItems => Interlocked.Read(ref orchestrationWorkItems);

    /// <summary>Activity executions run.</summary>
    public long ActivityWorkItems => Interlocked.Read(ref activityWorkItems);

    /// <summary>Counts each work item once its step of the pipeline returned without throwing.</summary>
    public void CountOn(TaskHubWorker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        worker.AddOrchestrationDispatcherMiddleware(async (_, next) =>
        {
            await next();
            Interlocked.Increment(ref orchestrationWorkItems);
        });
        worker.AddActivityDispatcherMiddleware(async (_, next) =>
        {
            await next();
            Interlocked.Increment(ref activityWorkItems);
        });
    }
}
