namespace CitizenWorkflows.Local.Pollers;

/// <summary>
/// One poller's settings. Every poller binds its own instance by name from its own section
/// (<see cref="IDueWork.Section"/>), so each keeps its keys: <c>Packets:Enabled</c>, <c>Deadlines:Poller:PollInterval</c>, ….
/// </summary>
public sealed class PollerOptions
{
    /// <summary>Run the poller at all (default true). Off at start, it stops there; switched off later, it skips its passes.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The wait after a pass before the next; unset, the work's <see cref="IDueWork.DefaultInterval"/>.</summary>
    public TimeSpan PollInterval { get; set; }
}
