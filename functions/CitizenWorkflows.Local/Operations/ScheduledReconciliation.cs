using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow.Operations.Reconciliation;
using Microsoft.DurableTask.Client;
using CitizenWorkflows.Local.Pollers;

namespace CitizenWorkflows.Local.Operations;

/// <summary>
/// The Local host's stand-in for the Functions app's reconciliation timer (<c>Reconciliation:Poller:Enabled</c> off: only
/// the endpoint starts runs). Its first run comes one interval after start, like the timer's, so starting a host never
/// races an operator's run.
/// </summary>
public sealed class ScheduledReconciliation(Reconciler reconciler, DurableTaskClient client) : IDueWork
{
    bool started;

    public static string Section => "Reconciliation:Poller";

    /// <summary>The Functions app's schedule: every 15 minutes.</summary>
    public static TimeSpan DefaultInterval => TimeSpan.FromMinutes(15);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!started)
        {
            started = true;
            return;
        }

        await reconciler.TryRunAsync(client, "poller", cancellationToken);
    }
}
