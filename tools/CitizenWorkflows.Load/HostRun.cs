using CitizenWorkflows.Load.Benchmarks;
using CitizenWorkflows.Load.Demo;
using CitizenWorkflows.Local;
using CitizenWorkflows.Local.Credentials;
using CitizenWorkflows.Local.Identity;
using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Simulators;
using CitizenWorkflows.Tools;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Load;

/// <summary>
/// A parsed <c>demo</c>, <c>load</c> or <c>bench-intake</c> command: each starts the Local host as a child process with
/// <paramref name="HostSettings"/> (<c>--Section:Key=value</c>) after the command's own, the partner simulators beside
/// it in this process, and drives the host over HTTP only, so the host's CPU and memory are its own.
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
        string logs = Path.Combine(Path.GetTempPath(), $"cw-{Command}-{DateTime.UtcNow:MMddHHmmss}");
        Directory.CreateDirectory(logs);
        string countersFile = Path.Combine(logs, "host-counters.json");
        // The demo's progress bar is the output; per-application log lines would drown it (later arguments still win).
        Dictionary<string, string> settings = Tools.HostSettings.AsConfiguration(
            ["--Logging:LogLevel:CitizenWorkflows=Warning", .. loadSettings, $"--{HostCounters.FileSetting}={countersFile}", .. HostSettings]);
        int port = PortOf(settings.Remove("urls", out string? urls) ? urls : Environment.GetEnvironmentVariable("ASPNETCORE_URLS"));

        // Ctrl+C or SIGTERM stops the driver's host: the run is cancelled and the Local host stopped with it.
        using IHost driver = await DriverServices.StartAsync(settings, CancellationToken.None);
        CancellationToken stopping = driver.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        IConfiguration configuration = driver.Services.GetRequiredService<IConfiguration>();
        string hostLog = Path.Combine(logs, "host.log");
        Output.WriteLine($"Local host on port {port} in its own process (log: {hostLog})");
        await using HostProcess host = await HostProcess.StartAsync(new HostProcess.Start(port, settings) { LogFile = hostLog }, stopping);
        // The partners answer from beside the host, through its queues and API; their queue calls count as the simulators'.
        await using PartnerSimulators partners = await PartnerSimulators.StartAsync(
            configuration, host.BaseAddress, driver.Services.GetRequiredService<StorageRequestCounter>(), stopping);

        KioskRegistry kiosks = driver.Services.GetRequiredService<KioskRegistry>();
        if (Command == "bench-intake")
        {
            LocalKiosk.Credentials kiosk = await LocalKiosk.EnsureAsync(kiosks, LocalKiosk.DefaultPath, stopping);
            return await new IntakeBenchmark(host.BaseAddress, kiosk, Output)
                .RunAsync(Rate, TimeSpan.FromSeconds(Seconds), CommandLine, stopping);
        }

        // The host wrote its OpenID provider's accounts as it started; the officers sign in with them.
        LocalIdentities identities = LocalIdentities.LoadOrCreate(LocalIdentityProvider.AccountsFile(configuration));
        // The demo submits as the remembered demo kiosk; a load run registers its own synthetic kiosks.
        IReadOnlyList<LocalKiosk.Credentials> loadKiosks = Command == "demo"
            ? [await LocalKiosk.EnsureAsync(kiosks, LocalKiosk.DefaultPath, stopping)]
            : await SyntheticKiosks.RegisterAsync(kiosks, Load.Kiosks, stopping);
        var target = new LoadRun.Target(
            host.BaseAddress,
            driver.Services,
            loadKiosks,
            new LoadRun.HostMeasures(host.Pid, countersFile),
            Load.OfficerApproves ? SyntheticKiosks.OfficerApproval(host.BaseAddress, identities) : null,
            configuration["Storage:ConnectionString"],
            (configuration.GetSection(TaskHubOptions.SectionName).Get<TaskHubOptions>() ?? new TaskHubOptions()).Name);
        // The demo runs the campaign too: a session per province, every applicant booked and submitted through the appointment.
        using CampaignDemo? campaign = Command == "demo" ? new CampaignDemo(host.BaseAddress, identities, LocalKiosk.Province, Output) : null;
        LoadReport report = await new LoadRun(Load, Output) { BookAppointments = campaign is null ? null : campaign.BookAsync }
            .RunAsync(target, CommandLine, stopping);
        if (campaign is not null)
        {
            await campaign.PrintReportAsync(stopping);
        }

        return report.Delivered == report.Submitted ? 0 : 1;
    }

    /// <summary>The port of the first of <paramref name="urls"/> (<c>--urls</c> or ASPNETCORE_URLS); the host's default otherwise.</summary>
    static int PortOf(string? urls) =>
        LoopbackAddress.From(string.IsNullOrEmpty(urls) ? LocalHost.DefaultUrl : urls.Split(';')[0]).Port;
}
