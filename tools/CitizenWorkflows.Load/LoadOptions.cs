using System.Globalization;

namespace CitizenWorkflows.Load;

/// <summary>
/// The load run's options: <c>--count N --rate R | --max [--concurrency C] --kiosks K --registry-share S
/// --approve auto|officer --timeout-minutes M --timeline-sample T --seed S --result-file F</c>.
/// </summary>
public sealed record LoadOptions
{
    public int Count { get; init; } = 200;

    /// <summary>Offered submissions per second (open loop); null with <see cref="Max"/>.</summary>
    public double? Rate { get; init; }

    /// <summary>As fast as the host answers, <see cref="Concurrency"/> requests in flight.</summary>
    public bool Max { get; init; }

    public int Concurrency { get; init; } = 16;

    public int Kiosks { get; init; } = 4;

    /// <summary>Share of applications that are renewals by registry citizens (the rest are first-time applicants).</summary>
    public double RegistryShare { get; init; } = 0.5;

    /// <summary>Approve by rule (<c>Workflow:AutoApprove</c>) or as an officer over HTTP, as the demo does.</summary>
    public bool OfficerApproves { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Timelines read back for the per-stage latencies (evenly spaced over the run).</summary>
    public int TimelineSample { get; init; } = 500;

    public int Seed { get; init; } = Environment.TickCount & 0x7fffffff;

    public string? ResultFile { get; init; }

    /// <summary>Takes the load options out of <paramref name="args"/>; what is left is host configuration.</summary>
    public static LoadOptions Take(ref string[] args, LoadOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        var o = defaults with
        {
            Count = (int)(CommandOption.Number(ref args, "--count") ?? defaults.Count),
            Rate = CommandOption.Number(ref args, "--rate") ?? defaults.Rate,
            Max = CommandOption.Flag(ref args, "--max") || defaults.Max,
            Concurrency = (int)(CommandOption.Number(ref args, "--concurrency") ?? defaults.Concurrency),
            Kiosks = (int)(CommandOption.Number(ref args, "--kiosks") ?? defaults.Kiosks),
            RegistryShare = CommandOption.Number(ref args, "--registry-share") ?? defaults.RegistryShare,
            Timeout = CommandOption.Number(ref args, "--timeout-minutes") is double m ? TimeSpan.FromMinutes(m) : defaults.Timeout,
            TimelineSample = (int)(CommandOption.Number(ref args, "--timeline-sample") ?? defaults.TimelineSample),
            Seed = (int)(CommandOption.Number(ref args, "--seed") ?? defaults.Seed),
            ResultFile = CommandOption.Text(ref args, "--result-file") ?? defaults.ResultFile,
        };
        string? approve = CommandOption.Text(ref args, "--approve");
        o = approve switch
        {
            null => o,
            "officer" => o with { OfficerApproves = true },
            "auto" => o with { OfficerApproves = false },
            _ => throw new ArgumentException($"--approve is 'auto' or 'officer', not '{approve}'."),
        };
        return o.Rate is null && !o.Max ? o with { Max = true } : o;
    }

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Count} applications, {(Rate is double r ? $"{r}/s offered (open loop)" : $"as fast as possible ({Concurrency} in flight)")}, {Kiosks} kiosk(s), {RegistryShare:P0} registry renewals, approval {(OfficerApproves ? "by an officer over HTTP" : "by rule")}, seed {Seed}");
}

/// <summary>The command line as printed beside figures, with storage account keys blanked.</summary>
public static partial class PrintedCommand
{
    public static string Of(IEnumerable<string> args) => "./run.sh " + AccountKey().Replace(string.Join(' ', args), "AccountKey=***");

    [System.Text.RegularExpressions.GeneratedRegex("AccountKey=[^;\\s]*")]
    private static partial System.Text.RegularExpressions.Regex AccountKey();
}

/// <summary>Takes <c>--name value</c> and <c>--flag</c> options out of an argument list.</summary>
public static class CommandOption
{
    public static string? Text(ref string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        if (at < 0 || at + 1 >= args.Length)
        {
            return null;
        }

        string value = args[at + 1];
        args = [.. args[..at], .. args[(at + 2)..]];
        return value;
    }

    public static double? Number(ref string[] args, string name) =>
        Text(ref args, name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : null;

    public static bool Flag(ref string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        if (at < 0)
        {
            return false;
        }

        args = [.. args[..at], .. args[(at + 1)..]];
        return true;
    }
}
