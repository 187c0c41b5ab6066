using CitizenWorkflows.Admin;
using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow;
using CitizenWorkflows.Workflow.Kiosks;

// Usage: CitizenWorkflows.Admin registry generate|load|show …   the population registry (RegistryCommands)
//        CitizenWorkflows.Admin kiosk register|disable|enable …  kiosk registration (KioskCommands)
//        CitizenWorkflows.Admin card verify --file F | --application ID   a card's signed chip data (CardCommands)
// Configuration as for the host, as key=value arguments (e.g. Storage:ConnectionString=…); ./run.sh registry … runs it.
string command = args.Length > 0 ? args[0] : "";
if (command is not ("registry" or "kiosk" or "card"))
{
    Console.Error.WriteLine("usage: CitizenWorkflows.Admin registry|kiosk|card … [key=value …] (each command prints its own usage)");
    return 2;
}

string[] rest = args[1..];

// No runtime, no API: the shared services on the configured storage (their initializers create the tables).
HostApplicationBuilder tool = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = [.. rest.Where(a => a.Contains('=', StringComparison.Ordinal))],
    ContentRootPath = AppContext.BaseDirectory,
});
tool.Logging.SetMinimumLevel(LogLevel.Warning);
// Only a key the host made: verifying against a freshly generated one would prove nothing.
LocalCardSigningKeyFile.UseUnlessKeyConfigured(tool.Configuration, onlyIfItExists: true);

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
