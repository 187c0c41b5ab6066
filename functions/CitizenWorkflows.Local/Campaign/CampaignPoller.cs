using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow.Campaign.Appointments;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Local.Campaign;

/// <summary>Configuration section <c>Campaign:Poller</c> of the Local host.</summary>
public sealed class CampaignPollerOptions
{
    public const string SectionName = "Campaign:Poller";

    /// <summary>How long to wait between passes of the campaign sweep.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>The Local host's stand-in for the Functions app's campaign timer: reminders for tomorrow, no-shows of ended sessions.</summary>
public sealed class CampaignPoller(CampaignSweep sweep, IOptionsMonitor<CampaignPollerOptions> options, ILogger<CampaignPoller> log) : PeriodicPoller(log)
{
    protected override TimeSpan Interval => options.CurrentValue.PollInterval;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => sweep.RunAsync(cancellationToken);
}
