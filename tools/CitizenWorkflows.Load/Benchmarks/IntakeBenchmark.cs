using System.Diagnostics;
using System.Globalization;
using System.Net;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.TestData;
using CitizenWorkflows.Load;
using CitizenWorkflows.Local.Runtime;
using SkiaSharp;
using CitizenWorkflows.Local.Credentials;

namespace CitizenWorkflows.Load.Benchmarks;

/// <summary>
/// <c>bench-intake --rate R --seconds S</c>: signed submissions with realistic parts (a ~200 KB JPEG portrait and ten
/// minutiae templates) at a fixed offered load (open loop: requests leave on schedule whether or not earlier ones
/// have answered), against the Local host on Azurite. Prints throughput and latency percentiles; asserts nothing.
/// </summary>
public sealed class IntakeBenchmark(Uri baseAddress, LocalKiosk.Credentials kiosk, TextWriter output)
{
    public async Task<int> RunAsync(double rate, TimeSpan duration, string commandLine, CancellationToken cancellationToken)
    {
        output.WriteLine($"$ {commandLine}");
        output.WriteLine("Preparing uploads (portrait JPEG + 10 ISO/IEC 19794-2 templates each) …");
        var random = new Random(42);
        byte[] portrait = NoisyPortraitJpeg(random);
        // People of their own each run: one citizen has one application in flight, and an earlier run's applications
        // may still be under way on the same storage (their renewals would get 409 application-in-flight).
        var samples = new SampleApplicants(seed: Environment.TickCount);
        int total = (int)Math.Ceiling(rate * duration.TotalSeconds);
        List<ApplicationUpload> uploads = [.. Enumerable.Range(0, total).Select(_ => new ApplicationUpload
        {
            Application = WithFingerprintTime(samples.NextForm(DateTimeOffset.UtcNow)),
            Portrait = portrait,
            Fingerprints = Enumerable.Range(1, 10).ToDictionary(p => p, p => SampleFingerprints.Template(p, random)),
        })];
        long requestBytes = (await uploads[0].ToContent().ReadAsByteArrayAsync(cancellationToken)).Length;
        output.WriteLine($"{total} submissions of ~{requestBytes / 1024} KB (portrait {portrait.Length / 1024} KB) at {rate}/s for {duration.TotalSeconds:F0} s");

        using var submitter = new KioskSubmitter(baseAddress, [kiosk]);

        // Warm-up: JIT, connections, storage tables.
        for (int i = 0; i < 5; i++)
        {
            await submitter.SubmitAsync(i, uploads[i], cancellationToken);
        }

        var clock = Stopwatch.StartNew();
        int answered = 0;
        Submission[] results = await submitter.RunAtRateAsync(
            uploads,
            rate,
            _ =>
            {
                int n = Interlocked.Increment(ref answered);
                if (n % Math.Max(1, (int)rate) == 0)
                {
                    output.Write($"\r  answered {n}/{total}");
                }
            },
            cancellationToken);
        TimeSpan elapsed = clock.Elapsed;
        output.WriteLine();
        HttpStatusCode[] statuses = [.. results.Select(r => r.Status)];
        double[] latencies = [.. results.Select(r => r.LatencyMs)];

        int accepted = statuses.Count(s => s == HttpStatusCode.Accepted);
        double[] sorted = [.. latencies.Order()];
        output.WriteLine($"accepted {accepted}/{total} ({string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{(int)g.Key}: {g.Count()}"))})");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"throughput {accepted / elapsed.TotalSeconds:F1} submissions/s (offered {rate}/s) over {elapsed.TotalSeconds:F1} s"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"latency ms: p50 {Percentile(sorted, 0.50):F1}  p95 {Percentile(sorted, 0.95):F1}  p99 {Percentile(sorted, 0.99):F1}  max {sorted[^1]:F1}"));
        return accepted == total ? 0 : 1;
    }

    static Workflow.Intake.ApplicationSubmission WithFingerprintTime(Workflow.Intake.ApplicationSubmission form) =>
        form with { Capture = form.Capture! with { FingerprintsCapturedAt = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) } };

    static double Percentile(double[] sorted, double p) => LoadReport.Percentile(sorted, p);

    /// <summary>A 600x800 JPEG with sensor-like noise, so it weighs what a real capture does (~200 KB).</summary>
    static byte[] NoisyPortraitJpeg(Random random)
    {
        using var bitmap = new SKBitmap(600, 800);
        for (int y = 0; y < 800; y++)
        {
            for (int x = 0; x < 600; x++)
            {
                byte v = (byte)(160 + random.Next(-60, 60));
                bitmap.SetPixel(x, y, new SKColor(v, (byte)(v - 20), (byte)(v - 40)));
            }
        }

        using SKImage image = SKImage.FromBitmap(bitmap);
        using SKData jpeg = image.Encode(SKEncodedImageFormat.Jpeg, 85);
        return jpeg.ToArray();
    }
}
