using System.Globalization;
using CitizenWorkflows.Load;
using CitizenWorkflows.Load.Benchmarks;
using CitizenWorkflows.Load.Demo;
using CitizenWorkflows.Local;
using CitizenWorkflows.Local.Identity;
using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow.Kiosks;

// Usage: CitizenWorkflows.Load demo [--count N] [--timeout-minutes M] sample applications followed to Delivered
//        CitizenWorkflows.Load load [--count N] [--rate R|--max] [--kiosks K] …  load generator with a measured summary (LoadOptions)
//        CitizenWorkflows.Load bench-intake [--rate R] [--seconds S]      intake throughput and latency at a fixed offered load
//        CitizenWorkflows.Load faults kill|azurite-restart|two-workers|poison [--count N] …  fault injection with a verdict (FaultCommands)
//        CitizenWorkflows.Load bench-lifecycle [--count N] [--backends …] [--settings …]  one workload on several runtimes, as ratios
//        CitizenWorkflows.Load fingerprints accuracy|search-bench …      matcher accuracy report and 1:N search benchmark
// Each command starts the Local host in this process (tools/CitizenWorkflows.Load: the host's tools, not the product);
// the fault drivers start it as child processes. ./run.sh demo|load|bench-*|faults|fingerprints runs this program.
string command = args.Length > 0 ? args[0] : "";
string[] rest = args.Length > 0 ? args[1..] : args;
if (command is not ("demo" or "load" or "bench-intake" or "bench-lifecycle" or "faults" or "fingerprints"))
{
    Console.Error.WriteLine("usage: CitizenWorkflows.Load demo|load|bench-intake|bench-lifecycle|faults|fingerprints [options] [--key value …]");
    return 2;
}

if (command == "fingerprints")
{
    // Synthetic fingerprints only: the accuracy report and the 1:N search benchmark need no storage.
    return await FingerprintCommands.RunAsync(rest, Console.Out);
}

if (command == "faults")
{
    // A driver: its own Azurite and the Local host(s) as child processes it kills and restarts. SIGTERM (timeout, CI)
    // and Ctrl+C stop the run and its children rather than orphaning them.
    using var stop = new CancellationTokenSource();
    void Stop(System.Runtime.InteropServices.PosixSignalContext signal)
    {
        signal.Cancel = true;
        stop.Cancel();
    }

    using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Stop);
    using var onInt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Stop);
    try
    {
        return await CitizenWorkflows.Load.Faults.FaultCommands.RunAsync(rest, PrintedCommand.Of(args), Console.Out, stop.Token);
    }
    catch (OperationCanceledException) when (stop.IsCancellationRequested)
    {
        Console.WriteLine("fault run stopped before its verdict");
        return 1;
    }
}

if (command == "bench-lifecycle")
{
    // Each configuration is a separate `load` child process, so none inherits another's warm caches or memory.
    return await LifecycleBenchmark.RunAsync(rest, PrintedCommand.Of(args), Console.Out, CancellationToken.None);
}

int rate = command == "bench-intake" ? TakeOption(ref rest, "--rate", 20) : 0;
int seconds = TakeOption(ref rest, "--seconds", 30);
LoadOptions load = LoadOptions.Take(ref rest, command == "demo"
    ? new LoadOptions { Count = 20, Kiosks = 1, Concurrency = 8, OfficerApproves = true, Timeout = TimeSpan.FromMinutes(10), TimelineSample = 100 }
    : new LoadOptions());

// A load run shortens the partners' delays so the run measures the system, not the simulated print centre (and
// approves by rule unless --approve officer), and purges finished workflows every minute as a long-running programme
// would (so the task hub holds what is in flight, not the whole run); the demo keeps the defaults. Later arguments still win.
string[] loadSettings = command == "load"
    ? ["--Simulators:PrintCentre:Delay=00:00:00.200", "--Simulators:Courier:Delay=00:00:00.200", "--Simulators:Courier:LegDelay=00:00:00.100",
        "--Simulators:Station:Delay=00:00:00.200", $"--Workflow:AutoApprove={(!load.OfficerApproves).ToString().ToLowerInvariant()}",
        .. FinishedWorkflowPurge.EveryMinute]
    : command == "bench-intake"
        // The benchmark measures the system's intake capacity through one kiosk: that kiosk's own limit must not be the figure.
        ? ["--RateLimits:Kiosk:PermitsPerSecond=100000", "--RateLimits:Kiosk:Burst=100000"]
        : [];

// The demo's progress bar is the output; per-application log lines would drown it (later arguments still win).
await using LocalHost host = await LocalHost.StartAsync(["--Logging:LogLevel:CitizenWorkflows=Warning", .. loadSettings, .. rest]);

CancellationToken stopping = host.App.Lifetime.ApplicationStopping;
KioskRegistry kiosks = host.App.Services.GetRequiredService<KioskRegistry>();
if (command == "bench-intake")
{
    LocalKiosk.Credentials kiosk = await LocalKiosk.EnsureAsync(kiosks, LocalKiosk.DefaultPath, stopping);
    return await new IntakeBenchmark(host.BaseAddress, kiosk, Console.Out)
        .RunAsync(rate, TimeSpan.FromSeconds(seconds), PrintedCommand.Of(args), stopping);
}

// The demo submits as the remembered demo kiosk; a load run registers its own synthetic kiosks.
IReadOnlyList<LocalKiosk.Credentials> loadKiosks = command == "demo"
    ? [await LocalKiosk.EnsureAsync(kiosks, LocalKiosk.DefaultPath, stopping)]
    : await SyntheticKiosks.RegisterAsync(kiosks, load.Kiosks, stopping);
var target = new LoadRun.Target(
    host.BaseAddress,
    host.App.Services,
    loadKiosks,
    host.WorkItems,
    load.OfficerApproves ? SyntheticKiosks.OfficerApproval(host.BaseAddress, host.App.Services.GetRequiredService<LocalIdentities>()) : null,
    host.App.Configuration["Storage:ConnectionString"],
    (host.App.Configuration.GetSection(TaskHubOptions.SectionName).Get<TaskHubOptions>() ?? new TaskHubOptions()).Name);
// The demo runs the campaign too: a session per province, every applicant booked and submitted through the appointment.
using CampaignDemo? campaign = command == "demo" ? new CampaignDemo(host.BaseAddress, host.App.Services.GetRequiredService<LocalIdentities>(), LocalKiosk.Province, Console.Out) : null;
LoadReport report = await new LoadRun(load, Console.Out) { BookAppointments = campaign is null ? null : campaign.BookAsync }
    .RunAsync(target, PrintedCommand.Of(args), stopping);
if (campaign is not null)
{
    await campaign.PrintReportAsync(stopping);
}

return report.Delivered == report.Submitted ? 0 : 1;

static int TakeOption(ref string[] args, string name, int fallback)
{
    int at = Array.IndexOf(args, name);
    if (at < 0 || at + 1 >= args.Length)
    {
        return fallback;
    }

    int value = int.Parse(args[at + 1], CultureInfo.InvariantCulture);
    args = [.. args[..at], .. args[(at + 2)..]];
    return value;
}
