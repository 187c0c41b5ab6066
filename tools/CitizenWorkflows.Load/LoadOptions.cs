using System.Globalization;

namespace CitizenWorkflows.Load;

/// <summary>
/// The load run's options: <c>--count N --rate R | --max [--concurrency C] --kiosks K --registry-share S
/// --approve auto|officer --timeout-minutes M --timeline-sample T --seed S --result-file F</c> (<see cref="LoadOptionSet"/>).
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
