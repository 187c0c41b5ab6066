using System.CommandLine;
using System.CommandLine.Parsing;
using System.Runtime.InteropServices;
using CitizenWorkflows.Load.Benchmarks;
using CitizenWorkflows.Load.Faults;
using CitizenWorkflows.Tools;

namespace CitizenWorkflows.Load;

/// <summary>
/// The Load tool's command line: <c>demo</c>, <c>load</c>, <c>bench-intake</c>, <c>bench-lifecycle</c>,
/// <c>faults kill|azurite-restart|two-workers|poison</c>, <c>fingerprints accuracy|search-bench</c>. Host configuration
/// overrides (<c>--Section:Key=value</c>, <see cref="HostSettings"/>) are taken out first and go to the Local host(s)
/// of the commands that start one; any other unknown option, or a value that does not parse, is a usage error (exit 2).
/// </summary>
public static class LoadCommandLine
{
    const string HostSettingsHelp = " Host configuration overrides (--Section:Key=value or --Section:Key value, e.g. --Workflow:AutoApprove=false) go to the Local host; later ones win.";

    /// <param name="runHost">What demo, load and bench-intake do once parsed (the tests record the parse instead).</param>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Func<HostRun, Task<int>>? runHost = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        (string[] commandArgs, string[] settings) = HostSettings.Split(args);
        ParseResult parsed = Create(settings, PrintedCommand.Of(args), string.Join(' ', args), output, runHost ?? (run => run.RunAsync())).Parse(commandArgs);
        return CommandLineRun.InvokeAsync(parsed, output, error);
    }

    /// <summary>The commands, with the host settings already taken out of the arguments and the command line as printed
    /// beside figures.</summary>
    public static RootCommand Create(IReadOnlyList<string> hostSettings, string printedCommand, string rawCommand, TextWriter output, Func<HostRun, Task<int>> runHost)
    {
        var root = new RootCommand("The demo, load runs, benchmarks and fault drivers around the Local host (./run.sh VERB runs them).");
        var demoOptions = new LoadOptionSet(new LoadOptions { Count = 20, Kiosks = 1, Concurrency = 8, OfficerApproves = true, Timeout = TimeSpan.FromMinutes(10), TimelineSample = 100 });
        var loadOptions = new LoadOptionSet(new LoadOptions());
        root.Subcommands.Add(HostCommand(
            "demo", "Sample applications through the remembered demo kiosk and a campaign session, followed to Delivered (the simulators' normal delays)." + HostSettingsHelp,
            demoOptions, r => new HostRun("demo", demoOptions.Read(r), 0, 0, hostSettings, printedCommand, output), runHost));
        root.Subcommands.Add(HostCommand(
            "load", "Load generator with a measured summary: synthetic kiosks submit renewals and first-time applicants; partners answer after 200 ms." + HostSettingsHelp,
            loadOptions, r => new HostRun("load", loadOptions.Read(r), 0, 0, hostSettings, printedCommand, output), runHost));

        var rate = CommandOptions.Int("--rate", "Offered submissions per second.", 20, min: 1);
        var seconds = CommandOptions.Int("--seconds", "How long to offer them.", 30, min: 1);
        var intake = new Command("bench-intake", "Intake throughput and latency at a fixed offered load through one kiosk." + HostSettingsHelp) { rate, seconds };
        intake.SetAction(r => runHost(new HostRun("bench-intake", new LoadOptions(), r.GetValue(rate), r.GetValue(seconds), hostSettings, printedCommand, output)));
        root.Subcommands.Add(intake);

        root.Subcommands.Add(LifecycleCommand(hostSettings, printedCommand, output));
        root.Subcommands.Add(FaultsCommand(hostSettings, printedCommand, output));

        Command fingerprints = FingerprintCommands.Command(rawCommand, output);
        foreach (Command c in fingerprints.Subcommands)
        {
            // No host: a host setting here is a mistake, not something to drop silently.
            c.Validators.Add(r =>
            {
                if (hostSettings.Count > 0)
                {
                    r.AddError($"Unrecognized command or argument '{hostSettings[0]}': fingerprints starts no host.");
                }
            });
        }

        root.Subcommands.Add(fingerprints);
        return root;
    }

    static Command HostCommand(string name, string description, LoadOptionSet options, Func<ParseResult, HostRun> run, Func<HostRun, Task<int>> runHost)
    {
        var command = new Command(name, description);
        options.AddTo(command);
        command.SetAction(r => runHost(run(r)));
        return command;
    }

    static Command LifecycleCommand(IReadOnlyList<string> hostSettings, string printedCommand, TextWriter output)
    {
        var sessions = CommandOptions.List("--sessions", "Extended sessions on and/or off with the tuned settings, comma-separated.", "on,off", "on", "off");
        var settings = CommandOptions.List("--settings", "Provider settings to compare, comma-separated (tuned: the TaskHub values; default: DurableTask.AzureStorage's own).", "tuned,default", "tuned", "default");
        var telemetry = CommandOptions.List("--telemetry", "Instead of the settings: off and/or OTLP collector URLs, comma-separated (telemetry's overhead as a ratio). Default: none.", null);
        var count = CommandOptions.Int("--count", "Applications per configuration.", 200, min: 1);
        var seed = new Option<int?>("--seed") { Description = "Seed of the first configuration; the next ones get seed+1, seed+2, … so each enrols new people. Default: from the clock." };
        // The other load options go to every child as given (each child's defaults are a load run's).
        var passed = new LoadOptionSet(new LoadOptions());
        var command = new Command(
            "bench-lifecycle",
            "The same load workload on each configuration, each in its own `load` child process on a fresh task hub, then lifecycles/s as ratios to the first. Load options and host settings go to every child." + HostSettingsHelp)
        {
            sessions, settings, telemetry, count, seed,
        };
        foreach (Option option in passed.All.Where(o => o != passed.Count && o != passed.Seed && o != passed.ResultFile))
        {
            command.Options.Add(option);
        }

        command.SetAction((r, ct) =>
        {
            var passedOn = new List<string>();
            foreach (Option option in command.Options)
            {
                if (passed.All.Contains(option) && r.GetResult(option) is { Implicit: false } given)
                {
                    passedOn.Add(given.IdentifierToken!.Value);
                    passedOn.AddRange(given.Tokens.Select(t => t.Value));
                }
            }

            return LifecycleBenchmark.RunAsync(
                CommandOptions.Items(r.GetValue(sessions)), CommandOptions.Items(r.GetValue(settings)), r.GetValue(count), r.GetValue(seed),
                CommandOptions.Items(r.GetValue(telemetry)), [.. passedOn, .. hostSettings], printedCommand, output, ct);
        });
        return command;
    }

    static Command FaultsCommand(IReadOnlyList<string> hostSettings, string printedCommand, TextWriter output)
    {
        var faults = new Command(
            "faults",
            "Fault injection with a verdict: a private Azurite and the Local host(s) as child processes on one task hub, a load run through the signed intake, the fault injected mid-run, then checks from storage.");
        (string Name, string Description)[] scenarios =
        [
            ("kill", "SIGKILL the host --kills times at random moments (every --kill-every-seconds·[0.5, 1.5) s), restarting it each time."),
            ("azurite-restart", "Stop Azurite (SIGINT, so it saves its data) --restarts times mid-run and restart it 3 s later on the same data."),
            ("two-workers", "Two hosts with distinct worker ids share the hub; one is killed for good mid-run (after --kill-every-seconds·[0.5, 1.5) s)."),
            ("poison", "One renewal's registry record is corrupted behind the system's back: that application must end Failed with the reason while the others are delivered."),
        ];
        foreach ((string name, string description) in scenarios)
        {
            var load = new LoadOptionSet(FaultCommands.LoadDefaults);
            var command = new Command(name, description + HostSettingsHelp);
            var kills = CommandOptions.Int("--kills", "Times the host is killed.", 5, min: 0);
            var every = CommandOptions.Double("--kill-every-seconds", "Mean seconds between faults.", 8, min: 0.1);
            var restarts = CommandOptions.Int("--restarts", "Times Azurite is restarted.", 1, min: 0);
            // Each scenario takes only the fault options it uses: another is a mistake worth an error.
            Option[] own = name switch
            {
                "kill" => [kills, every],
                "azurite-restart" => [restarts, every],
                "two-workers" => [every],
                _ => [],
            };
            foreach (Option option in own)
            {
                command.Options.Add(option);
            }

            load.AddTo(command);
            command.SetAction((r, ct) => RunFaultsAsync(name, r.GetValue(kills), r.GetValue(every), r.GetValue(restarts), load.Read(r), hostSettings, printedCommand, output, ct));
            faults.Subcommands.Add(command);
        }

        return faults;
    }

    static async Task<int> RunFaultsAsync(
        string scenario, int kills, double every, int restarts, LoadOptions load, IReadOnlyList<string> hostSettings, string printedCommand, TextWriter output, CancellationToken cancellationToken)
    {
        // A driver: its own Azurite and the Local host(s) as child processes it kills and restarts. SIGTERM (timeout, CI)
        // and Ctrl+C stop the run and its children rather than orphaning them.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void Stop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.Cancel();
        }

        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        try
        {
            return await FaultCommands.RunAsync(scenario, kills, every, restarts, load, hostSettings, printedCommand, output, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await output.WriteLineAsync("fault run stopped before its verdict");
            return 1;
        }
    }
}
