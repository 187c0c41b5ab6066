namespace CitizenWorkflows.Local.Pollers;

/// <summary>What a <see cref="PeriodicPoller{TWork}"/> does on each pass, and where its <see cref="PollerOptions"/> are.</summary>
public interface IDueWork
{
    /// <summary>The configuration section of this work's <see cref="PollerOptions"/>, also their options name.</summary>
    static abstract string Section { get; }

    /// <summary>The wait between passes when the section sets no <c>PollInterval</c>.</summary>
    static abstract TimeSpan DefaultInterval { get; }

    /// <summary>One pass: whatever has come due by now.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
