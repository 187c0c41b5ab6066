using System.Globalization;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Local;
using CitizenWorkflows.Local.Benchmarks;
using CitizenWorkflows.Local.Biometrics;
using CitizenWorkflows.Local.Demo;
using CitizenWorkflows.Local.Kiosks;
using CitizenWorkflows.Local.Production;
using CitizenWorkflows.Local.Registry;
using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Security;
using Microsoft.Extensions.Options;

// Usage: CitizenWorkflows.Local [serve] [--key value …]              the API, the runtime and the simulators
//        CitizenWorkflows.Local demo [--count N] [--timeout-minutes M] sample applications followed to Delivered
//        CitizenWorkflows.Local bench-intake [--rate R] [--seconds S]      intake throughput and latency at a fixed offered load
//        CitizenWorkflows.Local fingerprints accuracy|search-bench …      matcher accuracy report and 1:N search benchmark
//        CitizenWorkflows.Local registry generate|load|show …          the population registry (see RegistryCommands)
//        CitizenWorkflows.Local kiosk register|disable|enable …         kiosk registration (see KioskCommands)
//        CitizenWorkflows.Local card verify --file F | --application ID  a card's signed chip data (see CardCommands)
string command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
string[] rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;

if (command == "fingerprints")
{
    // Synthetic fingerprints only: the accuracy report and the 1:N search benchmark need no storage.
    return await FingerprintCommands.RunAsync(rest, Console.Out);
}

if (command is "registry" or "kiosk" or "card")
{
    // Storage tools: no runtime, no API; the shared services on the configured storage (their initializers create the tables).
    HostApplicationBuilder tool = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
    {
        Args = [.. rest.Where(a => a.Contains('=', StringComparison.Ordinal))],
        ContentRootPath = AppContext.BaseDirectory,
    });
    tool.Logging.SetMinimumLevel(LogLevel.Warning);
    string cardKeyFile = tool.Configuration["Local:CardSigningKeyFile"] ?? LocalCardSigningKey.DefaultPath;
    if (File.Exists(cardKeyFile))
    {
        // Only a key the host made: verifying against a freshly generated one would prove nothing.
        LocalCardSigningKey.AddIfMissing(tool.Configuration, cardKeyFile);
    }

    tool.Services.AddCitizenWorkflows(tool.Configuration);
    using IHost storage = tool.Build();
    await storage.StartAsync();
    string[] commandArgs = [.. rest.Where(a => !a.Contains('=', StringComparison.Ordinal))];
    int exitCode = command switch
    {
        "registry" => await RegistryCommands.RunAsync(commandArgs, storage.Services, Console.Out),
        "kiosk" => await KioskCommands.RunAsync(commandArgs, storage.Services.GetRequiredService<KioskRegistry>(), Console.Out),
        _ => await CardCommands.RunAsync(commandArgs, storage.Services, Console.Out),
    };
    await storage.StopAsync();
    return exitCode;
}

bool demo = command is "demo" or "bench-intake";
int count = TakeOption(ref rest, "--count", 20);
int timeoutMinutes = TakeOption(ref rest, "--timeout-minutes", 10);
int rate = TakeOption(ref rest, "--rate", 20);
int seconds = TakeOption(ref rest, "--seconds", 30);

// The demo's progress bar is the output; per-application log lines would drown it (later arguments still win).
await using LocalHost host = await LocalHost.StartAsync(demo ? ["--Logging:LogLevel:CitizenWorkflows=Warning", .. rest] : rest);
if (!demo)
{
    await host.App.WaitForShutdownAsync();
    return 0;
}

LocalKiosk.Credentials kiosk = await LocalKiosk.EnsureAsync(
    host.App.Services.GetRequiredService<KioskRegistry>(), LocalKiosk.DefaultPath, host.App.Lifetime.ApplicationStopping);
if (command == "bench-intake")
{
    return await new IntakeBenchmark(host.BaseAddress, kiosk, Console.Out)
        .RunAsync(rate, TimeSpan.FromSeconds(seconds), $"./run.sh {string.Join(' ', args)}", host.App.Lifetime.ApplicationStopping);
}

var keys = host.App.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.ApiKeys.ToList();
return await new DemoRun(host.BaseAddress, kiosk, keys, Console.Out)
    .RunAsync(count, TimeSpan.FromMinutes(timeoutMinutes), host.App.Lifetime.ApplicationStopping);

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
