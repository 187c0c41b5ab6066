using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow.Campaign.Appointments;
using CitizenWorkflows.Local.Pollers;

namespace CitizenWorkflows.Local.Campaign;

/// <summary>The Local host's stand-in for the Functions app's campaign timer: reminders for tomorrow, no-shows of ended sessions.</summary>
public sealed class CampaignFollowUp(CampaignSweep sweep) : IDueWork
{
    public static string Section => "Campaign:Poller";

    public static TimeSpan DefaultInterval => TimeSpan.FromSeconds(30);

    public Task RunAsync(CancellationToken cancellationToken) => sweep.RunAsync(cancellationToken);
}
