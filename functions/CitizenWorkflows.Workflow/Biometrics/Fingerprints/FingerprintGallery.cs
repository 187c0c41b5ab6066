using System.Buffers;

namespace CitizenWorkflows.Workflow.Biometrics.Fingerprints;

/// <summary>Settings of <see cref="FingerprintGallery"/>.</summary>
public sealed record GalleryOptions
{
    /// <summary>How many pre-selected identities a probe is fully matched against (K).</summary>
    public int CandidateCount { get; init; } = 50;

    /// <summary>Off: every identity is fully matched (for comparison; linear in the gallery size).</summary>
    public bool Preselection { get; init; } = true;
}

/// <summary>A search result: the identity and its summed score over the probe's fingers.</summary>
public sealed record GalleryHit(string IdentityId, double Score);

/// <summary>
/// In-memory 1:N fingerprint search. Each enrolled template contributes "tokens" — its minutia pairs 20–90 px apart,
/// quantised by distance, the two relative angles and coarsely (45°) the pair's direction — to an inverted index
/// token → identities, per finger position. A probe's tokens (with the neighbouring quantisation bins, both pair
/// orientations) vote for identities; only the K with most votes above chance are compared with
/// <see cref="MinutiaeMatcher"/>. The direction bin assumes live-scan captures rotated by less than about ±30°.
/// Enrolment takes a write lock; any number of searches may run concurrently.
/// </summary>
public sealed class FingerprintGallery : IDisposable
{
    const int MinTokenDistance16 = 20 * 16, MaxTokenDistance16 = 90 * 16, DistanceBin16 = 5 * 16;
    const int DistanceBins = (MaxTokenDistance16 - MinTokenDistance16) / DistanceBin16 + 1;
    const int AngleBinUnits = 8, AngleBins = 256 / AngleBinUnits;
    const int DirectionBinUnits = 32, DirectionBins = 256 / DirectionBinUnits;
    const int TokensPerPosition = DistanceBins * AngleBins * AngleBins * DirectionBins;

    readonly MinutiaeMatcher matcher;
    readonly GalleryOptions options;
    readonly ReaderWriterLockSlim gate = new(LockRecursionPolicy.NoRecursion);
    readonly List<string> identities = [];
    readonly List<MatchTemplate?[]> templates = [];
    readonly List<int> tokenCounts = [];
    readonly List<int>?[][] postings = new List<int>?[11][];
    long fullComparisons;

    public FingerprintGallery(MinutiaeMatcher matcher, GalleryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(matcher);
        this.matcher = matcher;
        this.options = options ?? new GalleryOptions();
        for (int p = 0; p < postings.Length; p++)
        {
            postings[p] = new List<int>?[TokensPerPosition];
        }
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
                        tokens.Add(Token((pair.Distance16 - MinTokenDistance16) / DistanceBin16, pair.BetaI / AngleBinUnits, pair.BetaJ / AngleBinUnits, pair.Direction / DirectionBinUnits));
                    }
                }

                tokens.Sort();
                int previous = -1;
                foreach (int token in tokens)
                {
                    if (token != previous)
                    {
                        (postings[position][token] ??= new List<int>(8)).Add(index);
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
            IEnumerable<int> candidates = options.Preselection && n > options.CandidateCount
                ? Preselect(probes, n)
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

    List<int> Preselect(IReadOnlyList<MatchTemplate> probes, int n)
    {
        int[] votes = ArrayPool<int>.Shared.Rent(n);
        Array.Clear(votes, 0, n);
        var queried = new HashSet<int>();
        double coverage = 0;
        try
        {
            foreach (MatchTemplate probe in probes)
            {
                List<int>?[] index = postings[probe.FingerPosition];
                queried.Clear();
                foreach (MinutiaPair pair in probe.PairTable)
                {
                    if (pair.Distance16 < MinTokenDistance16 - (DistanceBin16 / 2) || pair.Distance16 > MaxTokenDistance16 + (DistanceBin16 / 2))
                    {
                        continue;
                    }

                    // Both orientations of the pair (i→j and j→i), each with its neighbouring bins.
                    Expand(pair.Distance16, pair.BetaI, pair.BetaJ, pair.Direction, queried);
                    Expand(pair.Distance16, (byte)(pair.BetaJ - 128), (byte)(pair.BetaI - 128), (byte)(pair.Direction + 128), queried);
                }

                coverage += queried.Count / (double)TokensPerPosition;
                foreach (int token in queried)
                {
                    if (index[token] is { } list)
                    {
                        foreach (int identity in list)
                        {
                            votes[identity]++;
                        }
                    }
                }
            }

            int k = options.CandidateCount;
            var best = new PriorityQueue<int, float>(k + 1);
            for (int i = 0; i < n; i++)
            {
                if (votes[i] == 0)
                {
                    continue;
                }

                // Votes above what chance gives a template with this many tokens, in standard deviations.
                double expected = Math.Max(1e-9, coverage * tokenCounts[i]);
                float weight = (float)((votes[i] - expected) / Math.Sqrt(expected));
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
            ArrayPool<int>.Shared.Return(votes);
        }
    }

    static void Expand(int distance16, byte betaI, byte betaJ, byte direction, HashSet<int> into)
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
                        into.Add(Token(di, (ai + AngleBins) % AngleBins, (bi + AngleBins) % AngleBins, (ri + DirectionBins) % DirectionBins));
                    }
                }
            }
        }
    }

    static int Token(int distanceBin, int angleBinI, int angleBinJ, int directionBin) =>
        (((((distanceBin * AngleBins) + angleBinI) * AngleBins) + angleBinJ) * DirectionBins) + directionBin;
}
