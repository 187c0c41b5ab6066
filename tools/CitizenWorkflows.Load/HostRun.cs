using CitizenWorkflows.Load.Benchmarks;
using CitizenWorkflows.Load.Demo;
using CitizenWorkflows.Local;
using CitizenWorkflows.Local.Identity;
using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Local.Credentials;

namespace CitizenWorkflows.Load;

/// <summary>
/// A parsed <c>demo</c>, <c>load</c> or <c>bench-intake</c> command: each starts the Local host in this process with
/// <paramref name="HostSettings"/> (<c>--Section:Key=value</c>) after the command's own.
/// </summary>
/// <param name="Rate">bench-intake's offered submissions per second.</param>
/// <param name="Seconds">bench-intake's duration.</param>
public sealed record HostRun(string Command, LoadOptions Load, int Rate, int Seconds, IReadOnlyList<string> HostSettings, string CommandLine, TextWriter Output)
{
    public async Task<int> RunAsync()
    {
        // A load run shortens the partners' delays so the run measures the system, not the simulated print centre (and
        // approves by rule unless --approve officer), and purges finished workflows every minute as a long-running programme
        // would (so the task hub holds what is in flight, not the whole run); the demo keeps the defaults. Later arguments still win.
        string[] loadSettings = Command == "load"
            ? ["--Simulators:PrintCentre:Delay=00:00:00.200", "--Simulators:Courier:Delay=00:00:00.200", "--Simulators:Courier:LegDelay=00:00:00.100",
                "--Simulators:Station:Delay=00:00:00.200", $"--Workflow:AutoApprove={(!Load.OfficerApproves).ToString().ToLowerInvariant()}",
                .. FinishedWorkflowPurge.EveryMinute]
            : Command == "bench-intake"
                // The benchmark measures the system's intake capacity through one kiosk: that kiosk's own limit must not be the figure.
                ? ["--RateLimits:Kiosk:PermitsPerSecond=100000", "--RateLimits:Kiosk:Burst=100000"]
                : [];

        // The demo's progress bar is the output; per-application log lines would drown it (later arguments still win).
        await using LocalHost host = await LocalHost.StartAsync(["--Logging:LogLevel:CitizenWorkflows=Warning", .. loadSettings, .. HostSettings]);

        CancellationToken stopping = host.App.Lifetime.ApplicationStopping;
        KioskRegistry kiosks = host.App.Services.GetRequiredService<KioskRegistry>();
        if (Command == "bench-intake")
        {
            LocalKiosk.Credentials kiosk = await LocalKiosk.EnsureAsync(kiosks, LocalKiosk.DefaultPath, stopping);
            return await new IntakeBenchmark(host.BaseAddress, kiosk, Output)
                .RunAsync(Rate, TimeSpan.FromSeconds(Seconds), CommandLine, stopping);
        }

        // The demo submits as the remembered demo kiosk; a load run registers its own synthetic kiosks.
        IReadOnlyList<LocalKiosk.Credentials> loadKiosks = Command == "demo"
            ? [await LocalKiosk.EnsureAsync(kiosks, LocalKiosk.DefaultPath, stopping)]
            : await SyntheticKiosks.RegisterAsync(kiosks, Load.Kiosks, stopping);
        var target = new LoadRun.Target(
            host.BaseAddress,
            host.App.Services,
            loadKiosks,
            host.WorkItems,
            Load.OfficerApproves ? SyntheticKiosks.OfficerApproval(host.BaseAddress, host.App.Services.GetRequiredService<LocalIdentities>()) : null,
            host.App.Configuration["Storage:ConnectionString"],
            (host.App.Configuration.GetSection(TaskHubOptions.SectionName).Get<TaskHubOptions>() ?? new TaskHubOptions()).Name);
        // The demo runs the campaign too: a session per province, every applicant booked and submitted through the appointment.
        using CampaignDemo? campaign = Command == "demo" ? new CampaignDemo(host.BaseAddress, host.App.Services.GetRequiredService<LocalIdentities>(), LocalKiosk.Province, Output) : null;
        LoadReport report = await new LoadRun(Load, Output) { BookAppointments = campaign is null ? null : campaign.BookAsync }
            .RunAsync(target, CommandLine, stopping);
        if (campaign is not null)
        {
            await campaign.PrintReportAsync(stopping);
        }

        return report.Delivered == report.Submitted ? 0 : 1;
    }
}
