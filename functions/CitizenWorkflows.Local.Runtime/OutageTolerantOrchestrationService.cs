using Azure;
using DurableTask.Core;

namespace CitizenWorkflows.Local.Runtime;

/// <summary>
/// The orchestration service as <see cref="TaskHubWorker"/> sees it: the provider, with abandons carried through a storage
/// outage. DurableTask.Core's dispatchers abandon a failed work item once; DurableTask.AzureStorage 2.11 forgets a
/// running activity only when that abandon succeeds, and until then skips the activity's message each time it comes
/// back ("being processed multiple times concurrently"), so the application never finished. Found again on this
/// runtime by <c>faults azurite-restart</c> (3 of 30 applications stood still after Azurite came back).
/// </summary>
public sealed class OutageTolerantOrchestrationService(IOrchestrationService inner) : IOrchestrationService
{
    /// <summary>How long an abandon is retried: longer than an emulator restart or a storage failover takes.</summary>
    static readonly TimeSpan OutagePatience = TimeSpan.FromMinutes(10);

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

    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState) =>
        inner.CompleteTaskOrchestrationWorkItemAsync(
            workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) =>
        AbandonUnlessLockLostAsync(() => inner.AbandonTaskOrchestrationWorkItemAsync(workItem));

    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);

    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) =>
        inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);

    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) =>
        AbandonUnlessLockLostAsync(() => inner.AbandonTaskActivityWorkItemAsync(workItem));

    /// <summary>
    /// Abandons, retrying while storage is unreachable; at once when the message's lock is lost (received again under a
    /// newer pop receipt, or gone): that abandon can never succeed, and retrying it would hold the instance's session.
    /// </summary>
    static async Task AbandonUnlessLockLostAsync(Func<Task> abandon)
    {
        DateTimeOffset givesUpAt = DateTimeOffset.UtcNow + OutagePatience;
        TimeSpan pause = TimeSpan.FromMilliseconds(500);
        while (true)
        {
            try
            {
                await abandon();
                return;
            }
            catch (Exception e) when (IsLockLost(e))
            {
                return;
            }
            catch (Exception) when (DateTimeOffset.UtcNow < givesUpAt)
            {
                await Task.Delay(pause);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    /// <summary>The provider wraps the storage error; a pop receipt that no longer matches, or a message gone, means
    /// the lock is lost.</summary>
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
}
