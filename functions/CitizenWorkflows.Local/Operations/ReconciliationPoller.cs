using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow.Operations.Reconciliation;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Local.Operations;

/// <summary>Configuration section <c>Reconciliation:Poller</c> of the Local host.</summary>
public sealed class ReconciliationPollerOptions
{
    public const string SectionName = "Reconciliation:Poller";

    /// <summary>Off: only the endpoint starts runs.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The wait between runs (the Functions app's schedule is every 15 minutes).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// The Local host's stand-in for the Functions app's reconciliation timer. Its first run comes one interval after start,
/// like the timer's, so starting a host never races an operator's run.
/// </summary>
public sealed class ReconciliationPoller(
    Reconciler reconciler, DurableTaskClient client, IOptionsMonitor<ReconciliationPollerOptions> options, ILogger<ReconciliationPoller> log)
    : PeriodicPoller(log)
{
    bool started;

    protected override TimeSpan Interval => options.CurrentValue.PollInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        if (!started)
        {
            started = true;
            return;
        }

        if (options.CurrentValue.Enabled)
        {
            await reconciler.TryRunAsync(client, "poller", cancellationToken);
        }
    }
}
