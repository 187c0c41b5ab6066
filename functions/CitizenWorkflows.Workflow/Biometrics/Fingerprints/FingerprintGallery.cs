using System.Buffers;

namespace CitizenWorkflows.Workflow.Biometrics.Fingerprints;

/// <summary>Settings of <see cref="FingerprintGallery"/>.</summary>
public sealed record GalleryOptions
{
    /// <summary>How many pre-selected identities a probe is fully matched against at least (K).</summary>
    public int CandidateCount { get; init; } = 50;

    /// <summary>
    /// K grows as <c>max(CandidateCount, CandidateGrowth × √N)</c> for a gallery of N identities: the chance that
    /// impostors crowd the true identity out of a fixed K rises with N, while full comparisons only grow with √N.
    /// 0 keeps K fixed.
    /// </summary>
    public double CandidateGrowth { get; init; } = 0.3;

    /// <summary>Off: every identity is fully matched (for comparison; linear in the gallery size).</summary>
    public bool Preselection { get; init; } = true;
}

/// <summary>A search result: the identity and its summed score over the probe's fingers.</summary>
public sealed record GalleryHit(string IdentityId, double Score);

/// <summary>
/// In-memory 1:N fingerprint search. Each enrolled template contributes "tokens" — its minutia pairs 20–90 px apart,
/// quantised by distance, the two relative angles, coarsely (45°) the pair's direction and the two minutia types
/// (bifurcation or not) — to an inverted index token → (identity, exact pair direction), per finger position. A
/// probe's tokens (with the neighbouring quantisation bins, both pair orientations) vote for identities at the rotation
/// their pair directions imply; an identity's votes count in the 22.5° rotation window that holds most of them, so
/// only votes agreeing on one rotation add up, as they do for the same finger. Only the K identities with most such
/// votes above chance are compared with <see cref="MinutiaeMatcher"/>. The direction bin and the rotation windows
/// assume live-scan captures rotated by less than about ±30° (votes beyond ±45° are dropped).
/// Enrolment takes a write lock; any number of searches may run concurrently.
/// </summary>
public sealed class FingerprintGallery : IDisposable
{
    const int MinTokenDistance16 = 20 * 16, MaxTokenDistance16 = 90 * 16, DistanceBin16 = 5 * 16;
    const int DistanceBins = (MaxTokenDistance16 - MinTokenDistance16) / DistanceBin16 + 1;
    const int AngleBinUnits = 8, AngleBins = 256 / AngleBinUnits;
    const int DirectionBinUnits = 32, DirectionBins = 256 / DirectionBinUnits;
    const int KindCombinations = 4;
    const int TokensPerPosition = DistanceBins * AngleBins * AngleBins * DirectionBins * KindCombinations;

    // Rotation histogram per identity: 8 bins of 11.25° over ±45°; the score is the best pair of adjacent bins.
    const int RotationBinUnits = 8, RotationBins = 8, RotationRange = RotationBins * RotationBinUnits;

    // Chance votes of an identity fall into the best window with roughly this share (a 22.5° window of the ~90° the
    // direction bins let through); only the balance of the two terms of the score depends on it, and that weakly.
    const double WindowShare = 0.25;

    // A posting is identity << 8 | pair direction, so identities must fit in 23 bits.
    const int MaxIdentities = 1 << 23;

    readonly MinutiaeMatcher matcher;
    readonly GalleryOptions options;
    readonly ReaderWriterLockSlim gate = new(LockRecursionPolicy.NoRecursion);
    readonly List<string> identities = [];
    readonly List<MatchTemplate?[]> templates = [];
    readonly List<int> tokenCounts = [];
    readonly List<int>?[]?[] postings = new List<int>?[11][];
    readonly long[] postingCounts = new long[11];
    long fullComparisons;

    public FingerprintGallery(MinutiaeMatcher matcher, GalleryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(matcher);
        this.matcher = matcher;
        this.options = options ?? new GalleryOptions();
    }

    public void Dispose() => gate.Dispose();

    public int Count
    {
        get
        {
            gate.EnterReadLock();
            try
            {
                return identities.Count;
            }
            finally
            {
                gate.ExitReadLock();
            }
        }
    }

    /// <summary>Full template comparisons made by searches so far (pre-selection keeps this at ≤ K per probe finger).</summary>
    public long FullComparisons => Interlocked.Read(ref fullComparisons);

    public void Enrol(string identityId, IReadOnlyList<MatchTemplate> fingers)
    {
        ArgumentException.ThrowIfNullOrEmpty(identityId);
        ArgumentNullException.ThrowIfNull(fingers);
        var byPosition = new MatchTemplate?[11];
        var tokens = new List<int>(256);
        foreach (MatchTemplate finger in fingers)
        {
            byPosition[finger.FingerPosition] = finger;
        }

        gate.EnterWriteLock();
        try
        {
            int index = identities.Count;
            if (index >= MaxIdentities)
            {
                throw new InvalidOperationException($"The gallery holds at most {MaxIdentities} identities.");
            }

            identities.Add(identityId);
            templates.Add(byPosition);
            int total = 0;
            for (int position = 0; position < byPosition.Length; position++)
            {
                if (byPosition[position] is not { } template)
                {
                    continue;
                }

                tokens.Clear();
                foreach (MinutiaPair pair in template.PairTable)
                {
                    if (pair.Distance16 >= MinTokenDistance16 && pair.Distance16 <= MaxTokenDistance16)
                    {
                        tokens.Add((Token((pair.Distance16 - MinTokenDistance16) / DistanceBin16, pair.BetaI / AngleBinUnits, pair.BetaJ / AngleBinUnits, pair.Direction / DirectionBinUnits, Kinds(template, pair.I, pair.J)) << 8) | pair.Direction);
                    }
                }

                tokens.Sort();
                int previous = -1;
                foreach (int packed in tokens)
                {
                    int token = packed >> 8;
                    if (token != previous)
                    {
                        postingCounts[position]++;

                        // Allocated on first use: most galleries hold few finger positions.
                        List<int>?[] byToken = postings[position] ??= new List<int>?[TokensPerPosition];
                        (byToken[token] ??= new List<int>(8)).Add((index << 8) | (packed & 0xFF));
                        previous = token;
                        total++;
                    }
                }
            }

            tokenCounts.Add(total);
        }
        finally
        {
            gate.ExitWriteLock();
        }
    }

    /// <summary>Identities whose summed score over the probe fingers reaches <paramref name="threshold"/>, best first.</summary>
    public IReadOnlyList<GalleryHit> Search(IReadOnlyList<MatchTemplate> probes, double threshold)
    {
        ArgumentNullException.ThrowIfNull(probes);
        gate.EnterReadLock();
        try
        {
            int n = identities.Count;
            int k = CandidatesFor(n);
            IEnumerable<int> candidates = options.Preselection && n > k
                ? Preselect(probes, n, k)
                : Enumerable.Range(0, n);
            var hits = new List<(int Index, double Score)>();
            long compared = 0;
            foreach (int candidate in candidates)
            {
                double score = 0;
                bool common = false;
                foreach (MatchTemplate probe in probes)
                {
                    if (templates[candidate][probe.FingerPosition] is { } enrolled)
                    {
                        score += matcher.Compare(probe, enrolled);
                        compared++;
                        common = true;
                    }
                }

                // An identity without any of the probe's fingers is no hit, whatever the threshold.
                if (common && score >= threshold)
                {
                    hits.Add((candidate, score));
                }
            }

            Interlocked.Add(ref fullComparisons, compared);
            return [.. hits.OrderByDescending(h => h.Score).ThenBy(h => h.Index).Select(h => new GalleryHit(identities[h.Index], h.Score))];
        }
        finally
        {
            gate.ExitReadLock();
        }
    }

    int CandidatesFor(int n) =>
        Math.Max(options.CandidateCount, (int)Math.Ceiling(options.CandidateGrowth * Math.Sqrt(n)));

    List<int> Preselect(IReadOnlyList<MatchTemplate> probes, int n, int k)
    {
        // ushort keeps the histograms small enough (1.6 MB at 100k identities) to stay mostly in cache.
        ushort[] votes = ArrayPool<ushort>.Shared.Rent(n * RotationBins);
        Array.Clear(votes, 0, n * RotationBins);
        var queried = new List<int>(32);
        double chance = 0;
        try
        {
            foreach (MatchTemplate probe in probes)
            {
                if (postings[probe.FingerPosition] is not { } index)
                {
                    continue;
                }

                long hitsQueried = 0;
                foreach (MinutiaPair pair in probe.PairTable)
                {
                    if (pair.Distance16 < MinTokenDistance16 - (DistanceBin16 / 2) || pair.Distance16 > MaxTokenDistance16 + (DistanceBin16 / 2))
                    {
                        continue;
                    }

                    // Both orientations of the pair (i→j and j→i), each with its neighbouring bins.
                    for (int orientation = 0; orientation < 2; orientation++)
                    {
                        queried.Clear();
                        byte direction = orientation == 0 ? pair.Direction : (byte)(pair.Direction + 128);
                        if (orientation == 0)
                        {
                            Expand(pair.Distance16, pair.BetaI, pair.BetaJ, direction, Kinds(probe, pair.I, pair.J), queried);
                        }
                        else
                        {
                            Expand(pair.Distance16, (byte)(pair.BetaJ - 128), (byte)(pair.BetaI - 128), direction, Kinds(probe, pair.J, pair.I), queried);
                        }

                        foreach (int token in queried)
                        {
                            if (index[token] is not { } list)
                            {
                                continue;
                            }

                            hitsQueried += list.Count;
                            foreach (int entry in list)
                            {
                                // The rotation from probe to gallery this pair implies, as in MinutiaeMatcher.
                                int rotation = (sbyte)(byte)(entry - direction) + (RotationRange / 2);
                                if ((uint)rotation < RotationRange)
                                {
                                    ref ushort vote = ref votes[((entry >> 8) * RotationBins) + (rotation / RotationBinUnits)];
                                    if (vote < ushort.MaxValue)
                                    {
                                        vote++;
                                    }
                                }
                            }
                        }
                    }
                }

                // The share of all postings this probe touched: what chance gives each gallery token.
                chance += hitsQueried / (double)Math.Max(1, postingCounts[probe.FingerPosition]);
            }

            var best = new PriorityQueue<int, float>(k + 1);
            for (int i = 0; i < n; i++)
            {
                int row = i * RotationBins, peak = 0;
                for (int b = 0; b + 1 < RotationBins; b++)
                {
                    peak = Math.Max(peak, votes[row + b] + votes[row + b + 1]);
                }

                if (peak == 0)
                {
                    continue;
                }

                // Votes above what chance gives a template with this many tokens, in standard deviations.
                double expected = Math.Max(1e-9, chance * tokenCounts[i] * WindowShare);
                float weight = (float)((peak - expected) / Math.Sqrt(expected));
                if (best.Count < k)
                {
                    best.Enqueue(i, weight);
                }
                else if (best.TryPeek(out _, out float worst) && weight > worst)
                {
                    best.DequeueEnqueue(i, weight);
                }
            }

            var result = new List<int>(best.Count);
            while (best.TryDequeue(out int identity, out _))
            {
                result.Add(identity);
            }

            return result;
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(votes);
        }
    }

    static void Expand(int distance16, byte betaI, byte betaJ, byte direction, int kinds, List<int> into)
    {
        double d = (distance16 - MinTokenDistance16) / (double)DistanceBin16;
        double a = betaI / (double)AngleBinUnits, b = betaJ / (double)AngleBinUnits;
        int d0 = (int)Math.Floor(d), a0 = (int)Math.Floor(a), b0 = (int)Math.Floor(b);
        int d1 = d - d0 < 0.5 ? d0 - 1 : d0 + 1;
        int a1 = a - a0 < 0.5 ? a0 - 1 : a0 + 1;
        int b1 = b - b0 < 0.5 ? b0 - 1 : b0 + 1;
        double r = direction / (double)DirectionBinUnits;
        int r0 = (int)Math.Floor(r), r1 = r - r0 < 0.5 ? r0 - 1 : r0 + 1;
        foreach (int di in (ReadOnlySpan<int>)[d0, d1])
        {
            if (di < 0 || di >= DistanceBins)
            {
                continue;
            }

            foreach (int ai in (ReadOnlySpan<int>)[a0, a1])
            {
                foreach (int bi in (ReadOnlySpan<int>)[b0, b1])
                {
                    foreach (int ri in (ReadOnlySpan<int>)[r0, r1])
                    {
                        into.Add(Token(di, (ai + AngleBins) % AngleBins, (bi + AngleBins) % AngleBins, (ri + DirectionBins) % DirectionBins, kinds));
                    }
                }
            }
        }
    }

    static int Token(int distanceBin, int angleBinI, int angleBinJ, int directionBin, int kinds) =>
        (((((((distanceBin * AngleBins) + angleBinI) * AngleBins) + angleBinJ) * DirectionBins) + directionBin) * KindCombinations) + kinds;

    // Types make tokens 4× more specific (fewer chance votes, shorter lists) and mostly survive a re-capture.
    // Bifurcation or not: "other" is rare and never confused with either, so it needs no bin of its own.
    static int Kinds(MatchTemplate template, int i, int j) =>
        (template.Types[i] == MinutiaType.Bifurcation ? 2 : 0) | (template.Types[j] == MinutiaType.Bifurcation ? 1 : 0);
}
