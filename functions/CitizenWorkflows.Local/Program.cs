using System.Globalization;
using CitizenWorkflows.Local;
using CitizenWorkflows.Local.Demo;
using CitizenWorkflows.Workflow.Security;
using Microsoft.Extensions.Options;

// Usage: CitizenWorkflows.Local [serve] [--key value …]
//        CitizenWorkflows.Local demo [--count N] [--timeout-minutes M] [--key value …]
bool demo = args.Length > 0 && args[0] == "demo";
string[] rest = args.Length > 0 && args[0] is "demo" or "serve" ? args[1..] : args;
int count = TakeOption(ref rest, "--count", 20);
int timeoutMinutes = TakeOption(ref rest, "--timeout-minutes", 10);

// The demo's progress bar is the output; per-application log lines would drown it (later arguments still win).
await using LocalHost host = await LocalHost.StartAsync(demo ? ["--Logging:LogLevel:CitizenWorkflows=Warning", .. rest] : rest);
if (!demo)
{
    await host.App.WaitForShutdownAsync();
    return 0;
}

var keys = host.App.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.ApiKeys.ToList();
return await new DemoRun(host.BaseAddress, keys, Console.Out)
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
