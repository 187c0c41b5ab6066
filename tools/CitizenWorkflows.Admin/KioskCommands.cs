using System.CommandLine;
using CitizenWorkflows.Workflow.Kiosks;

namespace CitizenWorkflows.Admin;

/// <summary>
/// <c>kiosk register --id ID --province 001 [--commune C] [--mobile]</c> prints the new kiosk's secret once;
/// <c>kiosk disable --id ID</c> and <c>kiosk enable --id ID</c> switch it off and on.
/// </summary>
public static class KioskCommands
{
    public static Command Command(Func<CancellationToken, Task<IServiceProvider>> services, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        async Task<KioskRegistry> Registry(CancellationToken ct) => (await services(ct)).GetRequiredService<KioskRegistry>();
        static Option<string> Id() => new("--id") { Description = "The kiosk's id (e.g. HCM-Q1-007).", Required = true };

        Option<string> id = Id();
        var province = new Option<string>("--province") { Description = "The province code the kiosk serves (e.g. 079).", Required = true };
        var commune = new Option<string?>("--commune") { Description = "The commune code. Default: none." };
        var mobile = new Option<bool>("--mobile") { Description = "A mobile unit (campaign sessions). Default: a fixed kiosk." };
        var register = new Command("register", "Registers a kiosk and prints its secret once (install it on the kiosk).") { id, province, commune, mobile };
        register.SetAction(async (r, ct) =>
        {
            string kioskId = r.GetRequiredValue(id);
            Kiosk? kiosk = await (await Registry(ct)).RegisterAsync(kioskId, r.GetRequiredValue(province), r.GetValue(commune), r.GetValue(mobile), CancellationToken.None);
            if (kiosk is null)
            {
                await output.WriteLineAsync($"Kiosk {kioskId} is already registered.");
                return 1;
            }

            await output.WriteLineAsync($"Registered kiosk {kiosk.Id} (province {kiosk.ProvinceCode}{(kiosk.Mobile ? ", mobile" : "")}).");
            await output.WriteLineAsync($"Secret (shown once; install it on the kiosk): {kiosk.Secret}");
            return 0;
        });

        var kiosk = new Command("kiosk", "Kiosk registration: register, disable, enable.") { register };
        foreach ((string verb, KioskStatus status, string description) in (IEnumerable<(string, KioskStatus, string)>)
            [("disable", KioskStatus.Disabled, "Switches a kiosk off: its submissions are refused."), ("enable", KioskStatus.Active, "Switches a disabled kiosk back on.")])
        {
            Option<string> kioskId = Id();
            var command = new Command(verb, description) { kioskId };
            command.SetAction(async (r, ct) =>
            {
                string target = r.GetRequiredValue(kioskId);
                bool found = await (await Registry(ct)).SetStatusAsync(target, status, CancellationToken.None);
                await output.WriteLineAsync(found ? $"Kiosk {target} {verb}d." : $"No kiosk {target}.");
                return found ? 0 : 1;
            });
            kiosk.Subcommands.Add(command);
        }

        return kiosk;
    }
}
