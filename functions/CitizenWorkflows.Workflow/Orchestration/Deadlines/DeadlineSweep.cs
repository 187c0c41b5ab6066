using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Workflow.Orchestration.Deadlines;

/// <summary>
/// The scheduled side of the deadline index (a timer function in Azure, a poller in the Local host): raises the
/// <see cref="ApplicationEvents.Deadline"/> event, carrying the wait, to every workflow whose wait's deadline has come.
/// </summary>
public sealed partial class DeadlineSweep(DeadlineIndex index, ILogger<DeadlineSweep> log)
{
    /// <summary>One pass; returns how many deadlines were raised (or found to belong to workflows that have ended).</summary>
    public async Task<int> RunAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        int raised = await index.SweepAsync(
            async (deadline, token) =>
            {
                try
                {
                    await client.RaiseEventAsync(deadline.ApplicationId, ApplicationEvents.Deadline, new DeadlinePassed(deadline.Wait), token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A workflow that has ended (or was purged) needs no deadline: the row goes; else it stays for the next pass.
                    OrchestrationMetadata? instance = await client.GetInstanceAsync(deadline.ApplicationId, token);
                    if (instance is not null && !instance.IsCompleted)
                    {
                        throw;
                    }
                }
            },
            cancellationToken);
        if (raised > 0)
        {
            LogRaised(log, raised);
        }

        return raised;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Raised {Count} wait deadline(s)")]
    static partial void LogRaised(ILogger logger, int count);
}
