using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow.Lifecycle.Deadlines;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Local.Lifecycle;

/// <summary>Configuration section <c>Deadlines:Poller</c> of the Local host.</summary>
public sealed class DeadlinePollerOptions
{
    public const string SectionName = "Deadlines:Poller";

    /// <summary>How long to wait between sweeps: a deadline fires at most this late (plus the runtime's queue polling).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>The Local host's stand-in for the Functions app's deadline timer: raises the deadlines that have come.</summary>
public sealed class DeadlinePoller(
    DeadlineSweep sweep, DurableTaskClient client, IOptionsMonitor<DeadlinePollerOptions> options, ILogger<DeadlinePoller> log) : PeriodicPoller(log)
{
    protected override TimeSpan Interval => options.CurrentValue.PollInterval;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => sweep.RunAsync(client, cancellationToken);
}
