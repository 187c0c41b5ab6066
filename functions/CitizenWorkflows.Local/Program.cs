using CitizenWorkflows.Local;

// Usage: CitizenWorkflows.Local [serve] [--key value …]   the API, the embedded runtime and the pollers (./run.sh starts the
// partner simulators, tools/CitizenWorkflows.Simulators, beside it).
// The demo, load runs, benchmarks and fault drivers are tools/CitizenWorkflows.Load; the registry, kiosk and card
// commands are tools/CitizenWorkflows.Admin. ./run.sh sends each verb to the program that has it.
string[] settings = args.Length > 0 && args[0] == "serve" ? args[1..] : args;
if (settings.Length > 0 && !settings[0].StartsWith('-') && !settings[0].Contains('=', StringComparison.Ordinal))
{
    Console.Error.WriteLine(
        $"CitizenWorkflows.Local only serves; '{settings[0]}' is a command of a tool: ./run.sh {settings[0]} … runs it "
        + "(demo, load, bench-*, faults, fingerprints: tools/CitizenWorkflows.Load; registry, kiosk, card: tools/CitizenWorkflows.Admin).");
    return 2;
}

await using LocalHost host = await LocalHost.StartAsync(settings);
await host.App.WaitForShutdownAsync();
return 0;
