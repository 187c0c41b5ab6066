using System.Globalization;
using Azure.Data.Tables;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Load;
using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Simulators;
using CitizenWorkflows.Tools;
using CitizenWorkflows.Workflow;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Registry;
using CitizenWorkflows.Local.Credentials;

namespace CitizenWorkflows.Load.Faults;

/// <summary>
/// <c>faults kill|azurite-restart|two-workers|poison [--count N] [--kills K] [--kill-every-seconds S] [--restarts R] [load options]</c>:
/// a driver process with a private Azurite and the Local host as child process(es) on one task hub; it submits a load
/// run through the signed intake, injects the fault while the run goes on, then checks from storage what must hold
/// (<see cref="FaultVerdict"/>) and prints a verdict table. Exit code 0 when every check passed.
/// <list type="bullet">
/// <item><c>kill</c>: SIGKILL the host K times at random moments (every S·[0.5, 1.5) seconds), restarting it each time.</item>
/// <item><c>azurite-restart</c>: stop Azurite (SIGINT, so it saves its data) R times mid-run, restart it a few seconds
/// later on the same data.</item>
/// <item><c>two-workers</c>: two hosts with distinct worker ids share the hub; one is killed mid-run for good.</item>
/// <item><c>poison</c>: one renewal's registry record is corrupted behind the system's back (a malformed birth date),
/// so its registry-check activity throws on every attempt: that application must end Failed with the reason while
/// the others are delivered.</item>
/// </list>
/// </summary>
public static class FaultCommands
{
    /// <summary>The load run's defaults for a fault run: long enough to inject faults into, short enough for CI.</summary>
    public static LoadOptions LoadDefaults => new() { Count = 100, Rate = 10, Timeout = TimeSpan.FromMinutes(20), TimelineSample = 200 };

    /// <param name="scenario">kill, azurite-restart, two-workers or poison.</param>
    /// <param name="kills">SIGKILLs in a kill run.</param>
    /// <param name="every">Mean seconds between faults.</param>
    /// <param name="restarts">Azurite restarts in an azurite-restart run.</param>
    /// <param name="hostSettings"><c>--Section:Key=value</c> settings for the hosts (and this driver), after the driver's own.</param>
    public static async Task<int> RunAsync(
        string scenario, int kills, double every, int restarts, LoadOptions load, IReadOnlyList<string> hostSettings, string commandLine, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(hostSettings);
        ArgumentNullException.ThrowIfNull(output);
        var random = new Random(load.Seed);

        string run = DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture);
        string directory = Path.Combine(Path.GetTempPath(), $"cw-faults-{scenario}-{run}");
        Directory.CreateDirectory(directory);
        string taskHub = "Faults" + run;
        output.WriteLine($"$ {commandLine}");
        output.WriteLine($"fault run {scenario}: private Azurite and host logs in {directory}; task hub {taskHub}");

        await using AzuriteProcess azurite = await AzuriteProcess.StartAsync(directory, cancellationToken);
        var settings = new Dictionary<string, string>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["TaskHub:Name"] = taskHub,
            // A killed worker's locked messages come back after this; the default minute would only slow the run.
            ["TaskHub:VisibilityTimeout"] = "00:00:15",
            ["Workflow:AutoApprove"] = "true",
            ["Simulators:PrintCentre:Delay"] = "00:00:00.200",
            ["Simulators:Courier:Delay"] = "00:00:00.200",
            ["Simulators:Courier:LegDelay"] = "00:00:00.100",
            ["Simulators:Station:Delay"] = "00:00:00.200",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach ((string key, string value) in FinishedWorkflowPurge.Settings)
        {
            settings[key] = value;
        }

        foreach ((string key, string value) in HostSettings.AsConfiguration(hostSettings))
        {
            settings[key] = value;
        }

        // The driver reads and checks storage with the system's own services, on the same Azurite.
        using IHost driver = await DriverServices.StartAsync(settings, cancellationToken);
        IConfiguration tool = driver.Services.GetRequiredService<IConfiguration>();

        string log = Path.Combine(directory, "hosts.log");
        // A restarted host keeps its worker id, as a supervised process would.
        Task<HostProcess> StartWorker(string workerId, int port, CancellationToken token) => HostProcess.StartAsync(
            new HostProcess.Start(port, new Dictionary<string, string>(settings) { ["TaskHub:WorkerId"] = workerId }) { LogFile = log, LogPrefix = workerId },
            token);
        int portA = HostProcess.FreePort();
        HostProcess a = await StartWorker("fault-worker-a", portA, cancellationToken);
        HostProcess? b = scenario == "two-workers"
            ? await StartWorker("fault-worker-b", HostProcess.FreePort(), cancellationToken)
            : null;
        // The partners answer worker a (its port outlives its restarts) from this process, as real partners would from
        // theirs: a killed host does not take them down, and an order they were answering is offered again.
        await using PartnerSimulators partners = await PartnerSimulators.StartAsync(
            tool, new Uri($"http://127.0.0.1:{portA}"), cancellationToken: cancellationToken);
        IReadOnlyList<LocalKiosk.Credentials> kiosks = await SyntheticKiosks.RegisterAsync(
            driver.Services.GetRequiredService<KioskRegistry>(), load.Kiosks, cancellationToken);

        var events = new List<string>();
        TimeSpan nextFault = TimeSpan.FromSeconds(every * (0.5 + random.NextDouble()));
        int faults = 0;
        string? poisonNumber = null;
        int poisonIndex = -1;
        async Task OnTick(TimeSpan elapsed, ApplicationTracker tracker, CancellationToken token)
        {
            if (a.HasExited)
            {
                // Not our doing: recorded (the verdict shows it) and restarted, as a process supervisor would.
                events.Add(string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:F0}s: host a EXITED ON ITS OWN (see {log}); restarted"));
                await a.DisposeAsync();
                a = await StartWorker("fault-worker-a", portA, token);
            }

            bool due = elapsed >= nextFault && !tracker.AllFinished;
            switch (scenario)
            {
                case "kill" when due && faults < kills:
                    await a.KillAsync();
                    await a.DisposeAsync();
                    events.Add(string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:F0}s: SIGKILL host ({tracker.Finished}/{load.Count} finished)"));
                    a = await StartWorker("fault-worker-a", portA, token);
                    faults++;
                    nextFault = elapsed + TimeSpan.FromSeconds(every * (0.5 + random.NextDouble()));
                    break;
                case "azurite-restart" when due && faults < restarts:
                    await azurite.StopAsync();
                    events.Add(string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:F0}s: Azurite stopped ({tracker.Finished}/{load.Count} finished); restarted 3 s later"));
                    await Task.Delay(TimeSpan.FromSeconds(3), token);
                    await azurite.StartAgainAsync(token);
                    faults++;
                    nextFault = elapsed + TimeSpan.FromSeconds(every * (0.5 + random.NextDouble()));
                    break;
                case "two-workers" when due && b is not null:
                    await b.DisposeAsync();
                    b = null;
                    events.Add(string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:F0}s: SIGKILL worker b for good ({tracker.Finished}/{load.Count} finished); worker a must take over its partitions"));
                    faults++;
                    break;
            }
        }

        async Task OnPrepared(IReadOnlyList<ApplicationUpload> uploads, CancellationToken token)
        {
            if (scenario != "poison")
            {
                return;
            }

            poisonIndex = uploads.ToList().FindIndex(u => ((ApplicationSubmission)u.Application).Type == "renewal");
            if (poisonIndex < 0)
            {
                throw new InvalidOperationException("The poison run needs a registry renewal among the applications (--registry-share > 0).");
            }

            // Behind the system's back, as a bad registry import would: the row stays, its birth date no longer parses.
            poisonNumber = ((ApplicationSubmission)uploads[poisonIndex].Application).Applicant!.PersonalNumber!;
            PersonalNumber number = PersonalNumber.Parse(poisonNumber);
            await driver.Services.GetRequiredService<TableServiceClient>().GetTableClient(PopulationRegistry.TableName).UpdateEntityAsync(
                new TableEntity(number.Prefix, number.Value) { ["DateOfBirth"] = "31/02/19xx" }, Azure.ETag.All, TableUpdateMode.Merge, token);
            events.Add($"application #{poisonIndex}: its registry record's DateOfBirth overwritten with '31/02/19xx' before submission");
        }

        var loadRun = new LoadRun(load, output)
        {
            OnTick = OnTick,
            OnPrepared = OnPrepared,
            SubmitRetryFor = TimeSpan.FromMinutes(3),
        };
        try
        {
            LoadReport report = await loadRun.RunAsync(
                new LoadRun.Target(a.BaseAddress, driver.Services, kiosks, null, null, azurite.ConnectionString, taskHub),
                commandLine,
                cancellationToken);
            string? poisonId = poisonIndex >= 0 ? loadRun.Submissions.FirstOrDefault(s => s.Index == poisonIndex)?.ApplicationId : null;
            FaultVerdict verdict = await FaultVerdict.CheckAsync(
                loadRun, poisonId is null ? new HashSet<string>() : [poisonId], driver.Services, taskHub, kiosks.Select(k => k.Id), cancellationToken);
            output.WriteLine();
            output.WriteLine($"faults injected: {faults}");
            if (events.Any(e => e.Contains("EXITED ON ITS OWN", StringComparison.Ordinal)))
            {
                output.WriteLine("  (a host exited without being killed: see the events below and the host log)");
            }

            foreach (string e in events)
            {
                output.WriteLine($"  {e}");
            }

            if (poisonId is not null && loadRun.Tracker is { } tracker)
            {
                // The others must not wait for the poison: their lifecycle against the poison's time to fail.
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"poison: application {poisonId}; the others' submission-to-delivery p50 {report.LifecycleP50Seconds:F1} s, p95 {report.LifecycleP95Seconds:F1} s"));
            }

            verdict.Print(output, scenario, commandLine);
            return verdict.Passed && (scenario != "poison" || poisonId is not null) ? 0 : 1;
        }
        finally
        {
            await a.DisposeAsync();
            if (b is not null)
            {
                await b.DisposeAsync();
            }

            await driver.StopAsync(CancellationToken.None);
        }
    }
}
