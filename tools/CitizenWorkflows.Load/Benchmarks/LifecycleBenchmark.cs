using System.Diagnostics;
using System.Globalization;
using CitizenWorkflows.Load;

namespace CitizenWorkflows.Load.Benchmarks;

/// <summary>
/// <c>bench-lifecycle --count N [--sessions on,off] [--settings tuned,default] [load options]</c>: the same
/// load workload on each configuration, one after another, each in its own <c>load</c> child process on a fresh task
/// hub (a given <c>--seed S</c> becomes S, S+1, … so each enrols new people); prints every child's command and summary,
/// then a table of full lifecycles per second as ratios to the first.
/// <c>--sessions off</c> runs the tuned settings without extended sessions (the provider's defaults have none).
/// <c>--telemetry off,URL</c> instead runs the tuned settings with no exporter, then exporting all three signals over
/// OTLP to the collector at URL: telemetry's overhead as a ratio.
/// </summary>
public static class LifecycleBenchmark
{
    /// <param name="sessions">Extended sessions on and/or off with the tuned settings (<c>on,off</c>).</param>
    /// <param name="settings">The provider settings to compare (<c>tuned,default</c>).</param>
    /// <param name="telemetry"><c>off</c> and/or OTLP collector URLs; instead of the settings when given.</param>
    /// <param name="passedOn">Load options and host settings given on the command line, passed to every child as they are.</param>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> sessions, IReadOnlyList<string> settings, int count, int? seed, IReadOnlyList<string> telemetry, IReadOnlyList<string> passedOn,
        string commandLine, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(telemetry);
        ArgumentNullException.ThrowIfNull(passedOn);
        ArgumentNullException.ThrowIfNull(output);
        var configurations = new List<(string Name, string[] Args)>();
        foreach (string exporter in telemetry)
        {
            configurations.Add(exporter == "off"
                ? ("telemetry/off", ["--TaskHub:Settings=Tuned"])
                : ("telemetry/otlp", ["--TaskHub:Settings=Tuned", $"--Telemetry:OtlpEndpoint={exporter}"]));
        }

        foreach (string setting in telemetry.Count > 0 ? [] : settings)
        {
            if (!setting.Equals("tuned", StringComparison.OrdinalIgnoreCase))
            {
                configurations.Add(($"azurite/{setting}", [$"--TaskHub:Settings={Capitalised(setting)}"]));
                continue;
            }

            foreach (string session in sessions)
            {
                configurations.Add(($"azurite/tuned/sessions-{session}", ["--TaskHub:Settings=Tuned", $"--TaskHub:ExtendedSessions={session.Equals("on", StringComparison.OrdinalIgnoreCase)}"]));
            }
        }

        output.WriteLine($"$ {commandLine}");
        string run = DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture);
        var results = new List<(string Name, LoadReport? Report)>();
        foreach (((string name, string[] extra), int index) in configurations.Select((c, i) => (c, i)))
        {
            // Every configuration enrols new people: on the same storage, a later one given the same seed would submit the
            // applicants an earlier one enrolled, and the duplicate search would hold them all in ManualReview.
            string[] seedArgs = seed is int s ? ["--seed", (s + index).ToString(CultureInfo.InvariantCulture)] : [];
            string resultFile = Path.Combine(Path.GetTempPath(), $"cw-bench-{run}-{index}-{name.Replace('/', '-')}.json");
            // The index keeps a configuration named twice (e.g. --telemetry off,URL,off,URL) on two fresh hubs.
            string hub = "Bench" + run + index.ToString(CultureInfo.InvariantCulture) + new string([.. name.Where(char.IsLetterOrDigit)]);
            string[] childArgs = ["load", "--count", count.ToString(CultureInfo.InvariantCulture), "--result-file", resultFile, $"--TaskHub:Name={hub}", .. extra, .. seedArgs, .. passedOn];
            output.WriteLine();
            output.WriteLine($"== {name}");
            output.Flush();
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, WorkingDirectory = Directory.GetCurrentDirectory() };
            start.ArgumentList.Add(typeof(LifecycleBenchmark).Assembly.Location);
            foreach (string a in childArgs)
            {
                start.ArgumentList.Add(a);
            }

            using Process child = Process.Start(start) ?? throw new InvalidOperationException("Could not start the load child process.");
            await child.WaitForExitAsync(cancellationToken);
            results.Add((name, File.Exists(resultFile) ? LoadReport.Read(resultFile) : null));
            File.Delete(resultFile);
        }

        output.WriteLine();
        output.WriteLine($"$ {commandLine}");
        output.WriteLine("  configuration      delivered   lifecycles/s   ratio   work items/s   intake p99 ms   .NET CPU s   Azurite CPU s   .NET peak MB");
        double? baseline = results.FirstOrDefault().Report?.CompletedPerSecond;
        foreach ((string name, LoadReport? r) in results)
        {
            output.WriteLine(r is null
                ? $"  {name,-18} (no result: the run failed)"
                : string.Create(CultureInfo.InvariantCulture,
                    $"  {name,-18} {r.Delivered,5}/{r.Submitted,-5} {r.CompletedPerSecond,12:F2} {(baseline is double b && b > 0 ? r.CompletedPerSecond / b : double.NaN),7:F2}x {r.WorkItemsPerSecond ?? double.NaN,13:F1} {r.IntakeP99Ms,15:F0} {r.DotnetCpuSeconds,12:F1} {r.AzuriteCpuSeconds,15:F1} {r.PeakDotnetRssBytes / 1048576.0,14:F0}"));
        }

        return results.All(r => r.Report is { } x && x.Delivered == x.Submitted) ? 0 : 1;
    }

    static string Capitalised(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
