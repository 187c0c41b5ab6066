using System.CommandLine;
using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Tools;
using CitizenWorkflows.Workflow;
using CitizenWorkflows.Local.Credentials;

namespace CitizenWorkflows.Admin;

/// <summary>
/// The Admin tool's command line: <c>registry generate|load|show</c>, <c>kiosk register|disable|enable</c>,
/// <c>card verify</c>. Configuration as for the host (<c>Storage:ConnectionString=…</c> or <c>--Storage:AccountName=…</c>,
/// <see cref="HostSettings"/>) is taken out first; any other unknown option is a usage error (exit 2).
/// </summary>
public static class AdminCommandLine
{
    public static RootCommand Create(Func<CancellationToken, Task<IServiceProvider>> services, TextWriter output) =>
        new("The operator's registry, kiosk and card commands on the configured storage (./run.sh registry|kiosk|card … runs them). Configuration as for the host: --Section:Key=value or Section:Key=value.")
        {
            RegistryCommands.Command(services, output),
            KioskCommands.Command(services, output),
            CardCommands.Command(services, output),
        };

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        (string[] commandArgs, string[] settings) = HostSettings.Split(args);
        IHost? storage = null;
        async Task<IServiceProvider> Services(CancellationToken cancellationToken)
        {
            // No runtime, no API: the shared services on the configured storage (their initializers create the tables),
            // started only for the commands that read or write it.
            HostApplicationBuilder tool = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                Args = settings,
                ContentRootPath = AppContext.BaseDirectory,
            });
            tool.Logging.SetMinimumLevel(LogLevel.Warning);
            // Only a key the host made: verifying against a freshly generated one would prove nothing.
            LocalCardSigningKeyFile.UseUnlessKeyConfigured(tool.Configuration, onlyIfItExists: true);
            tool.Services.AddCitizenWorkflows(tool.Configuration);
            storage = tool.Build();
            await storage.StartAsync(cancellationToken);
            return storage.Services;
        }

        try
        {
            return await CommandLineRun.InvokeAsync(Create(Services, output).Parse(commandArgs), output, error);
        }
        finally
        {
            if (storage is not null)
            {
                await storage.StopAsync();
                storage.Dispose();
            }
        }
    }
}
