using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow.Orchestration.Deadlines;
using Microsoft.DurableTask.Client;
using CitizenWorkflows.Local.Pollers;

namespace CitizenWorkflows.Local.Lifecycle;

/// <summary>The Local host's stand-in for the Functions app's deadline timer: raises the deadlines that have come.</summary>
public sealed class DeadlineRaising(DeadlineSweep sweep, DurableTaskClient client) : IDueWork
{
    public static string Section => "Deadlines:Poller";

    /// <summary>A deadline fires at most this late (plus the runtime's queue polling).</summary>
    public static TimeSpan DefaultInterval => TimeSpan.FromSeconds(1);

    public Task RunAsync(CancellationToken cancellationToken) => sweep.RunAsync(client, cancellationToken);
}
