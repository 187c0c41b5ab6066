using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CitizenWorkflows.Workflow.Biometrics.Fingerprints;
using CitizenWorkflows.TestData;
using CitizenWorkflows.Tools;

namespace CitizenWorkflows.Load.Benchmarks;

/// <summary>
/// <c>fingerprints accuracy [--identities N] [--seed S] [--impostors M]</c>: genuine and impostor score distributions
/// of <see cref="MinutiaeMatcher"/> on synthetic fingerprints and FNMR at FMR ≤ 0.1% / 0.01%.
/// <c>fingerprints search-bench [--gallery 1000,10000,…] [--probes P] [--seed S] [--candidates K] [--growth C]</c>: gallery build
/// time, search time per probe and rank-1 hit rate of <see cref="FingerprintGallery"/> per gallery size.
/// Both print their results; neither asserts anything.
/// </summary>
public static class FingerprintCommands
{
    /// <summary>The <c>fingerprints accuracy|search-bench</c> commands; <paramref name="commandLine"/> is printed with
    /// the results.</summary>
    public static Command Command(string commandLine, TextWriter output)
    {
        var identities = CommandOptions.Int("--identities", "Synthetic identities (one enrolment and two probe impressions each).", 1000, min: 2);
        var seed = CommandOptions.Int("--seed", "Seed of the synthetic fingerprints.", 1, min: int.MinValue);
        var impostors = CommandOptions.Int("--impostors", "Random impostor comparisons (probe against another identity's enrolment).", 100_000, min: 1);
        var accuracy = new Command("accuracy", "Genuine and impostor score distributions of the minutiae matcher, FNMR at FMR ≤ 0.1% and 0.01%.")
        {
            identities, seed, impostors,
        };
        accuracy.SetAction(r => Accuracy(r.GetValue(identities), r.GetValue(seed), r.GetValue(impostors), commandLine, output));

        var gallery = CommandOptions.List("--gallery", "Gallery sizes, comma-separated; one run each.", "1000,10000,100000");
        gallery.Validators.Add(r =>
        {
            foreach (string size in CommandOptions.Items(r.Tokens.Count == 1 ? r.Tokens[0].Value : ""))
            {
                if (!int.TryParse(size, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < 1)
                {
                    r.AddError($"--gallery: '{size}' is not a gallery size (a whole number, at least 1).");
                }
            }
        });
        var probes = CommandOptions.Int("--probes", "Genuine probes searched per gallery.", 200, min: 1);
        var searchSeed = CommandOptions.Int("--seed", "Seed of the synthetic fingerprints.", 1, min: int.MinValue);
        var candidates = CommandOptions.Int("--candidates", "Minimum candidates pre-selected for full comparison.", 50, min: 1);
        var growth = CommandOptions.Double("--growth", "Candidates grow as this times √N.", 0.3, min: 0);
        var searchBench = new Command("search-bench", "Gallery build time, search time per probe and rank-1 hit rate of the 1:N search per gallery size.")
        {
            gallery, probes, searchSeed, candidates, growth,
        };
        searchBench.SetAction(r => SearchBench(
            [.. CommandOptions.Items(r.GetValue(gallery)).Select(s => int.Parse(s, CultureInfo.InvariantCulture))],
            r.GetValue(probes), r.GetValue(searchSeed), r.GetValue(candidates), r.GetValue(growth), commandLine, output));

        return new Command("fingerprints", "The fingerprint matcher on synthetic fingerprints (no storage, no host); prints results, asserts nothing.")
        {
            accuracy, searchBench,
        };
    }

    static int Accuracy(int identities, int seed, int impostorCount, string commandLine, TextWriter output)
    {
        const int probesPerIdentity = 2;
        output.WriteLine($"$ {commandLine}");
        var matcher = new MinutiaeMatcher();
        var clock = Stopwatch.StartNew();
        var enrolled = new MatchTemplate[identities];
        var probes = new MatchTemplate[identities * probesPerIdentity];
        Parallel.For(0, identities, i =>
        {
            MinutiaeRecord master = SyntheticFingerprints.Master(i, seed);
            var random = new Random(HashCode32(seed, i));
            enrolled[i] = matcher.Prepare(SyntheticFingerprints.Impression(master, random));
            for (int p = 0; p < probesPerIdentity; p++)
            {
                probes[(i * probesPerIdentity) + p] = matcher.Prepare(SyntheticFingerprints.Impression(master, random));
            }
        });
        output.WriteLine(Inv($"{identities} synthetic identities, 1 enrolment + {probesPerIdentity} probe impressions each, prepared in {clock.Elapsed.TotalSeconds:F1} s"));

        var genuine = new double[probes.Length];
        clock.Restart();
        Parallel.For(0, probes.Length, p => genuine[p] = matcher.Compare(probes[p], enrolled[p / probesPerIdentity]));
        output.WriteLine(Inv($"{genuine.Length} genuine comparisons in {clock.Elapsed.TotalSeconds:F1} s"));

        var pairs = new (int Probe, int Gallery)[impostorCount];
        var pick = new Random(seed);
        for (int k = 0; k < impostorCount; k++)
        {
            int probe = pick.Next(probes.Length), gallery;
            do
            {
                gallery = pick.Next(identities);
            }
            while (gallery == probe / probesPerIdentity);
            pairs[k] = (probe, gallery);
        }

        var impostor = new double[impostorCount];
        clock.Restart();
        int done = 0;
        Parallel.For(0, (impostorCount + 9_999) / 10_000, chunk =>
        {
            for (int k = chunk * 10_000; k < Math.Min(impostorCount, (chunk + 1) * 10_000); k++)
            {
                impostor[k] = matcher.Compare(probes[pairs[k].Probe], enrolled[pairs[k].Gallery]);
            }

            int finished = Interlocked.Add(ref done, Math.Min(10_000, impostorCount - (chunk * 10_000)));
            lock (output)
            {
                output.WriteLine(Inv($"  impostor comparisons: {finished}/{impostorCount}"));
            }
        });
        double seconds = clock.Elapsed.TotalSeconds;
        output.WriteLine(Inv($"{impostorCount} impostor comparisons (random probe/enrolment pairs) in {seconds:F1} s, {seconds * 1e6 / impostorCount:F0} µs each (2 threads)"));
        output.WriteLine();
        output.WriteLine(Inv($"genuine:  mean {genuine.Average():F1}, median {Percentile(genuine, 0.5):F0}, min {genuine.Min():F0}"));
        output.WriteLine(Inv($"impostor: mean {impostor.Average():F2}, median {Percentile(impostor, 0.5):F0}, 99.99th percentile {Percentile(impostor, 0.9999):F0}, max {impostor.Max():F0}"));
        output.WriteLine();
        Histogram(genuine, impostor, output);
        output.WriteLine();
        double[] descending = [.. impostor.OrderDescending()];
        foreach (double target in (double[])[0.001, 0.0001])
        {
            // Scores are whole numbers: the threshold is one above the impostor score at the allowed rank.
            int allowed = (int)Math.Floor(target * impostorCount);
            double threshold = (allowed < descending.Length ? descending[allowed] : 0) + 1;
            double fmr = impostor.Count(s => s >= threshold) / (double)impostorCount;
            double fnmr = genuine.Count(s => s < threshold) / (double)genuine.Length;
            output.WriteLine(Inv($"FMR ≤ {target * 100:0.##}%: threshold {threshold:F0} (observed FMR {fmr * 100:0.000}%), FNMR {fnmr * 100:0.00}% ({genuine.Count(s => s < threshold)}/{genuine.Length})"));
        }

        return 0;
    }

    static int SearchBench(int[] sizes, int probeCount, int seed, int candidates, double growth, string commandLine, TextWriter output)
    {
        output.WriteLine($"$ {commandLine}");
        output.WriteLine(Inv($"1 finger (right thumb) per identity, {probeCount} genuine probes (fresh impressions of enrolled identities), top-max({candidates}, {growth}·√N) pre-selection, {Environment.ProcessorCount} cores"));
        var matcher = new MinutiaeMatcher();
        var results = new List<(int Size, double Build, double Mean, double P95, double HitRate, long Comparisons)>();
        foreach (int size in sizes)
        {
            var clock = Stopwatch.StartNew();
            var templates = new MatchTemplate[size];
            int prepared = 0;
            Parallel.For(0, (size + 9_999) / 10_000, chunk =>
            {
                for (int i = chunk * 10_000; i < Math.Min(size, (chunk + 1) * 10_000); i++)
                {
                    MinutiaeRecord master = SyntheticFingerprints.Master(i, seed);
                    templates[i] = matcher.Prepare(SyntheticFingerprints.Impression(master, new Random(HashCode32(seed, i))));
                }

                int finished = Interlocked.Add(ref prepared, Math.Min(10_000, size - (chunk * 10_000)));
                if (size >= 10_000)
                {
                    lock (output)
                    {
                        output.WriteLine(Inv($"  gallery {size}: {finished} enrolment templates generated and prepared ({clock.Elapsed.TotalSeconds:F1} s)"));
                    }
                }
            });
            double prepare = clock.Elapsed.TotalSeconds;
            clock.Restart();
            using var gallery = new FingerprintGallery(matcher, new GalleryOptions { CandidateCount = candidates, CandidateGrowth = growth });
            for (int i = 0; i < size; i++)
            {
                gallery.Enrol(Id(i), [templates[i]]);
            }

            double build = clock.Elapsed.TotalSeconds;
            templates = [];
            GC.Collect();
            long memory = GC.GetTotalMemory(forceFullCollection: true);

            var pick = new Random(seed + size);
            var times = new double[probeCount];
            int hits = 0;
            long before = gallery.FullComparisons;
            for (int p = 0; p < probeCount; p++)
            {
                int identity = pick.Next(size);
                MatchTemplate probe = matcher.Prepare(SyntheticFingerprints.Impression(SyntheticFingerprints.Master(identity, seed), new Random(HashCode32(seed + 7919, identity))));
                long start = Stopwatch.GetTimestamp();
                IReadOnlyList<GalleryHit> found = gallery.Search([probe], threshold: 1);
                times[p] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (found.Count > 0 && found[0].IdentityId == Id(identity))
                {
                    hits++;
                }
            }

            long comparisons = gallery.FullComparisons - before;
            results.Add((size, build, times.Average(), Percentile(times, 0.95), hits / (double)probeCount, comparisons));
            output.WriteLine(Inv($"gallery {size,7}: templates generated+prepared {prepare,6:F1} s, index built {build,5:F2} s, managed heap {memory / (1024.0 * 1024):F0} MB; search mean {times.Average():F2} ms, p95 {Percentile(times, 0.95):F2} ms, full comparisons/probe {comparisons / (double)probeCount:F0}, rank-1 hit rate {hits * 100.0 / probeCount:F1}%"));
        }

        output.WriteLine();
        output.WriteLine("  gallery   build s   mean ms   p95 ms   rank-1   time vs smallest");
        foreach ((int size, double build, double mean, double p95, double hitRate, _) in results)
        {
            output.WriteLine(Inv($"{size,9} {build,9:F2} {mean,9:F2} {p95,8:F2} {hitRate * 100,7:F1}% {mean / results[0].Mean,10:F1}x"));
        }

        return 0;
    }

    static string Id(int identity) => identity.ToString("D7", CultureInfo.InvariantCulture);

    static void Histogram(double[] genuine, double[] impostor, TextWriter output)
    {
        double[] edges = [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, double.PositiveInfinity];
        output.WriteLine("  score range   genuine                          impostor");
        for (int b = 0; b + 1 < edges.Length; b++)
        {
            double low = edges[b], high = edges[b + 1];
            double g = genuine.Count(s => s >= low && s < high) / (double)genuine.Length;
            double i = impostor.Count(s => s >= low && s < high) / (double)impostor.Length;
            string range = double.IsPositiveInfinity(high) ? Inv($"{low}+") : high - low == 1 ? Inv($"{low}") : Inv($"{low}–{high - 1}");
            output.WriteLine(Inv($"  {range,-11} {g * 100,6:F2}% {Bar(g),-22} {i * 100,7:F3}% {Bar(i)}"));
        }
    }

    static string Bar(double fraction) => new('#', (int)Math.Ceiling(fraction * 20));

    static double Percentile(double[] values, double q)
    {
        double[] sorted = [.. values.Order()];
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    static int HashCode32(int seed, int identity) => (int)((((uint)seed * 2654435761u) ^ ((uint)identity * 40503u) ^ 0x5bd1e995u) & 0x7FFFFFFF);

    static string Inv(FormattableString text) => FormattableString.Invariant(text);
}
