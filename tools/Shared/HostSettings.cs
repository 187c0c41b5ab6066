namespace CitizenWorkflows.Tools;

/// <summary>
/// Host configuration overrides on a tool's command line, taken out before the command's own options are parsed:
/// <c>--Section:Key=value</c>, <c>--Section:Key value</c>, <c>Section:Key=value</c>, and the host's top-level keys
/// (<c>--urls=…</c>, <c>--environment …</c>). They are returned as <c>--Key=value</c>, in their order, so later ones
/// still win in the host's configuration. Any other unknown <c>--option</c> stays for the parser, which names it.
/// </summary>
internal static class HostSettings
{
    /// <summary>Keys without a section that the web and generic hosts read from their command line.</summary>
    static readonly string[] TopLevelKeys = ["urls", "environment", "contentRoot", "applicationName"];

    public static (string[] CommandArgs, string[] Settings) Split(IReadOnlyList<string> args)
    {
        var command = new List<string>(args.Count);
        var settings = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            bool dashed = arg.StartsWith("--", StringComparison.Ordinal);
            string body = dashed ? arg[2..] : arg;
            int equals = body.IndexOf('=', StringComparison.Ordinal);
            string key = equals < 0 ? body : body[..equals];
            // A bare word is a setting only with its '=' (otherwise it is a command or a value); '--Key' alone takes
            // the next argument as its value, as the host's own command-line configuration does.
            if (!IsSettingKey(key) || (!dashed && equals < 0))
            {
                command.Add(arg);
            }
            else if (equals >= 0)
            {
                settings.Add($"--{body}");
            }
            else if (i + 1 < args.Count)
            {
                settings.Add($"--{key}={args[++i]}");
            }
            else
            {
                // No value: left to the parser, whose error names it.
                command.Add(arg);
            }
        }

        return ([.. command], [.. settings]);
    }

    /// <summary>Settings as <see cref="Split"/> returns them (<c>--Key=value</c>) as configuration keys and values, later ones winning.</summary>
    public static Dictionary<string, string> AsConfiguration(IEnumerable<string> settings)
    {
        var configuration = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string setting in settings.Where(s => s.StartsWith("--", StringComparison.Ordinal) && s.Contains('=', StringComparison.Ordinal)))
        {
            string[] kv = setting[2..].Split('=', 2);
            configuration[kv[0]] = kv[1];
        }

        return configuration;
    }

    // Section:Key, never a URL or a path that happens to hold a ':' (a value such as http://host:4318/?a=b).
    static bool IsSettingKey(string key) =>
        (key.Length > 0 && key.Contains(':', StringComparison.Ordinal) && key[0] is not (':' or '-' or '/') && key.IndexOfAny(['/', '\\', '?', ' ']) < 0)
        || TopLevelKeys.Contains(key, StringComparer.OrdinalIgnoreCase);
}
