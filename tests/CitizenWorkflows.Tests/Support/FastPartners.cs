namespace CitizenWorkflows.Tests.Support;

/// <summary>Host settings for a test that runs applications to delivery: the partner simulators on, answering at once,
/// batches closing within a second.</summary>
static class FastPartners
{
    public static Dictionary<string, string> Settings(IReadOnlyDictionary<string, string>? more = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Simulators:Enabled"] = "true",
            ["Simulators:PrintCentre:Delay"] = "00:00:00.200",
            ["Simulators:Courier:Delay"] = "00:00:00.200",
            ["Simulators:Courier:LegDelay"] = "00:00:00.200",
            ["Simulators:Station:Delay"] = "00:00:00.200",
            ["PrintBatches:MaxWait"] = "00:00:00.500",
            ["Shipments:MaxWait"] = "00:00:00.500",
            ["CardBatches:Poller:PollInterval"] = "00:00:00.500",
        };
        foreach ((string key, string value) in more ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The in-process host's command-line form of <paramref name="settings"/>.</summary>
    public static string[] Arguments(IReadOnlyDictionary<string, string> settings) => [.. settings.Select(kv => $"--{kv.Key}={kv.Value}")];
}
