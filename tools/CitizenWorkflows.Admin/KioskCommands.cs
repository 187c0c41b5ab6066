using CitizenWorkflows.Workflow.Kiosks;

namespace CitizenWorkflows.Admin;

/// <summary>
/// <c>kiosk register --id ID --province 001 [--commune C] [--mobile]</c> prints the new kiosk's secret once;
/// <c>kiosk disable --id ID</c> and <c>kiosk enable --id ID</c> switch it off and on.
/// </summary>
public static class KioskCommands
{
    public static async Task<int> RunAsync(string[] args, KioskRegistry registry, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(output);
        string? Option(string name) => Array.IndexOf(args, name) is int at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        string? id = Option("--id");
        switch (args.FirstOrDefault(), id)
        {
            case ("register", not null) when Option("--province") is { } province:
                Kiosk? kiosk = await registry.RegisterAsync(id, province, Option("--commune"), args.Contains("--mobile"), CancellationToken.None);
                if (kiosk is null)
                {
                    await output.WriteLineAsync($"Kiosk {id} is already registered.");
                    return 1;
                }

                await output.WriteLineAsync($"Registered kiosk {kiosk.Id} (province {kiosk.ProvinceCode}{(kiosk.Mobile ? ", mobile" : "")}).");
                await output.WriteLineAsync($"Secret (shown once; install it on the kiosk): {kiosk.Secret}");
                return 0;
            case ("disable" or "enable", not null):
                bool found = await registry.SetStatusAsync(id, args[0] == "disable" ? KioskStatus.Disabled : KioskStatus.Active, CancellationToken.None);
                await output.WriteLineAsync(found ? $"Kiosk {id} {args[0]}d." : $"No kiosk {id}.");
                return found ? 0 : 1;
            default:
                await output.WriteLineAsync("usage: kiosk register --id ID --province CODE [--commune CODE] [--mobile] | kiosk disable --id ID | kiosk enable --id ID");
                return 2;
        }
    }
}
