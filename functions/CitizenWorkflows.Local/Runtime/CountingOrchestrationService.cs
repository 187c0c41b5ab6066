using System.Collections;
using System.Reflection;
using Azure;
using DurableTask.Core;
using DurableTask.Core.History;

namespace CitizenWorkflows.Local.Runtime;

/// <summary>
/// The orchestration service the sidecar dispatches from, counting the work items it completes (orchestration episodes
/// and activity executions), so the load tools report work items per second on any backend. It also carries abandons
/// through a storage outage (see <see cref="AbandonTaskActivityWorkItemAsync"/>).
/// </summary>
public sealed class CountingOrchestrationService(IOrchestrationService inner) : IOrchestrationService
{
    long orchestrationWorkItems;
    long activityWorkItems;

    /// <summary>Orchestration episodes completed (one per replay-and-run of an orchestrator).</summary>
    public long OrchestrationWorkItems => Interlocked.Read(ref orchestrationWorkItems);

    /// <summary>Activity executions completed.</summary>
    public long ActivityWorkItems => Interlocked.Read(ref activityWorkItems);

    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;

    public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;

    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;

    public int MaxConcurrentTaskActivityWorkItems => inner.MaxConcurrentTaskActivityWorkItems;

    public Task StartAsync() => inner.StartAsync();

    public Task StopAsync() => inner.StopAsync();

    public Task StopAsync(bool isForced) => inner.StopAsync(isForced);

    public Task CreateAsync() => inner.CreateAsync();

    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);

    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();

    public Task DeleteAsync() => inner.DeleteAsync();

    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
        inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);

    public async Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        TaskOrchestrationWorkItem workItem = await inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);
        if (workItem is not null)
        {
            DropRepeatedStarts(workItem);
        }

        return workItem!;
    }

    /// <summary>
    /// Drops a start message for an instance that has started already (or a second one in the same batch). A start
    /// whose delete was lost to a <c>kill -9</c> comes back after the instance ran; DurableTask.Core's dispatcher drops
    /// it, but the sidecar's adds every message to the history, and each episode then failed with "Multiple
    /// ExecutionStartedEvent found" (seen in <c>faults kill</c>: the application never finished). The provider still
    /// deletes the dropped message with the rest of the batch.
    /// </summary>
    public static void DropRepeatedStarts(TaskOrchestrationWorkItem workItem)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        bool started = workItem.OrchestrationRuntimeState?.ExecutionStartedEvent is not null;
        var kept = new List<TaskMessage>(workItem.NewMessages.Count);
        foreach (TaskMessage message in workItem.NewMessages)
        {
            if (message.Event is ExecutionStartedEvent)
            {
                if (started)
                {
                    continue;
                }

                started = true;
            }

            kept.Add(message);
        }

        if (kept.Count != workItem.NewMessages.Count)
        {
            workItem.NewMessages = kept;
        }
    }

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public async Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState)
    {
        await inner.CompleteTaskOrchestrationWorkItemAsync(
            workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);
        Interlocked.Increment(ref orchestrationWorkItems);
    }

    /// <summary>
    /// Abandons an orchestration episode, retrying while storage is unreachable, but not once its message's lock is
    /// lost: the message was received again (its visibility timeout lapsed during an outage, or under load before the
    /// episode ended), so this copy's pop receipt can never match. Retrying that held the instance's session for the
    /// whole ten-minute patience, and every later message for the instance waited behind it (found by
    /// <c>faults azurite-restart</c>: applications stood still for minutes after Azurite came back). Giving up lets the
    /// sidecar release the session; the copy received again is processed as usual.
    /// </summary>
    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) =>
        AbandonUnlessLockLostAsync(() => inner.AbandonTaskOrchestrationWorkItemAsync(workItem));

    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);

    public async Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
    {
        await inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);
        Interlocked.Increment(ref activityWorkItems);
    }

    /// <summary>
    /// Abandons an activity, retrying while storage is unreachable. The sidecar abandons once, after the completion
    /// failed; DurableTask.AzureStorage forgets the activity only when that abandon succeeds, and until it does it skips
    /// the activity's message as "being processed multiple times concurrently" each time it comes back. Found by
    /// <c>faults azurite-restart</c>: applications never finished after Azurite came back.
    /// </summary>
    public async Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        if (!await AbandonUnlessLockLostAsync(() => inner.AbandonTaskActivityWorkItemAsync(workItem)))
        {
            // The message's lock lapsed during the outage and it was received again, so no abandon can ever succeed:
            // forget the activity, so its message, when it comes back, is run rather than skipped.
            ForgetActivity(workItem.Id);
        }
    }

    /// <summary>The provider wraps the storage error; a pop receipt that no longer matches, or a message gone, means the lock is lost.</summary>
    static bool IsLockLost(Exception e)
    {
        for (Exception? cause = e; cause is not null; cause = cause.InnerException)
        {
            if (cause is RequestFailedException { ErrorCode: "PopReceiptMismatch" } or RequestFailedException { Status: 404 })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// DurableTask.AzureStorage 2.11 keeps running activities in a private dictionary and offers no public way to drop
    /// one whose lock is lost. Read by name; if a later version renames it, nothing is dropped (the behaviour before).
    /// </summary>
    void ForgetActivity(string workItemId)
    {
        if (inner.GetType().GetField("activeActivitySessions", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(inner) is IDictionary sessions)
        {
            sessions.Remove(workItemId);
        }
    }

    /// <summary>
    /// Abandons, retrying while storage is unreachable; false, at once, when the message's lock is lost (received again
    /// under a newer pop receipt, or gone): that abandon can never succeed.
    /// </summary>
    static async Task<bool> AbandonUnlessLockLostAsync(Func<Task> abandon)
    {
        DateTimeOffset givesUpAt = DateTimeOffset.UtcNow + OutagePatience;
        TimeSpan pause = TimeSpan.FromMilliseconds(500);
        while (true)
        {
            try
            {
                await abandon();
                return true;
            }
            catch (Exception e) when (IsLockLost(e))
            {
                return false;
            }
            catch (Exception) when (DateTimeOffset.UtcNow < givesUpAt)
            {
                await Task.Delay(pause);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    /// <summary>How long an abandon is retried: longer than an emulator restart or a storage failover takes.</summary>
    static readonly TimeSpan OutagePatience = TimeSpan.FromMinutes(10);
}
