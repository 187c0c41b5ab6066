using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Orchestration;

/// <summary>Retry policies for activities, by what they touch.</summary>
public static class ActivityRetry
{
    /// <summary>Storage calls fail transiently (throttling, a restarting emulator); every storage activity is idempotent.</summary>
    public static readonly TaskOptions Storage = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 6,
        firstRetryInterval: TimeSpan.FromSeconds(1),
        backoffCoefficient: 2,
        maxRetryInterval: TimeSpan.FromSeconds(30)));
}
