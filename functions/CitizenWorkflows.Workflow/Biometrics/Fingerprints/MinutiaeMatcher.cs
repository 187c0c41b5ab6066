namespace CitizenWorkflows.Workflow.Biometrics.Fingerprints;

/// <summary>Tolerances of <see cref="MinutiaeMatcher"/> (pixels at 500 dpi, degrees).</summary>
public sealed record MatcherOptions
{
    /// <summary>Pairs of minutiae further apart than this are not tabled (distortion makes long pairs unreliable).</summary>
    public double MaxPairDistance { get; init; } = 125;

    public double MinPairDistance { get; init; } = 8;

    /// <summary>Distance tolerance: <c>DistanceTolerance + DistanceToleranceFraction × distance</c>.</summary>
    public double DistanceTolerance { get; init; } = 4;

    public double DistanceToleranceFraction { get; init; } = 0.05;

    public double AngleToleranceDegrees { get; init; } = 14;

    /// <summary>Width of the rotation window a cluster must fall in.</summary>
    public double RotationWindowDegrees { get; init; } = 22.5;

    /// <summary>Largest rotation between two impressions considered (a finger on a scanner platen).</summary>
    public double MaxRotationDegrees { get; init; } = 60;
}

/// <summary>One pair of minutiae (i, j) of a template: distance (1/16 px), the angles of each minutia relative to
/// the line from i to j and that line's direction (all angles in 1.40625° units).</summary>
public readonly record struct MinutiaPair(ushort Distance16, byte I, byte J, byte BetaI, byte BetaJ, byte Direction);

/// <summary>A record's first finger view prepared for matching: the pair table sorted by distance.</summary>
public sealed class MatchTemplate
{
    internal MatchTemplate(int fingerPosition, int minutiaCount, MinutiaPair[] pairs, MinutiaType[] types)
    {
        FingerPosition = fingerPosition;
        MinutiaCount = minutiaCount;
        Pairs = pairs;
        Types = types;
    }

    public int FingerPosition { get; }

    public int MinutiaCount { get; }

    public ReadOnlySpan<MinutiaPair> PairTable => Pairs;

    internal MinutiaPair[] Pairs { get; }

    /// <summary>Minutia types by index (the matcher ignores them; gallery pre-selection uses them to sharpen its tokens).</summary>
    internal MinutiaType[] Types { get; }
}

/// <summary>
/// A pair-table matcher in the spirit of NIST's Bozorth3 (own implementation): each template tables its minutia
/// pairs by distance with the two rotation-invariant relative angles; pairs of the probe and gallery that agree in
/// distance and angles associate two probe minutiae with two gallery minutiae at some rotation. Associations at a
/// common rotation are kept, each minutia correspondence is made one-to-one (most-supported first), and the score
/// is the number of associations in the largest connected cluster of correspondences. 0 = nothing in common.
/// </summary>
public sealed class MinutiaeMatcher
{
    const int MaxAssociations = 1 << 16;

    readonly int minDistance16, maxDistance16, distanceTolerance16, angleTolerance, rotationWindow, maxRotation;
    readonly double distanceFraction;

    [ThreadStatic]
    static Scratch? scratch;

    public MinutiaeMatcher(MatcherOptions? options = null)
    {
        Options = options ?? new MatcherOptions();
        minDistance16 = (int)(Options.MinPairDistance * 16);
        maxDistance16 = (int)Math.Min(Options.MaxPairDistance * 16, ushort.MaxValue);
        distanceTolerance16 = (int)(Options.DistanceTolerance * 16);
        distanceFraction = Options.DistanceToleranceFraction;
        angleTolerance = (int)Math.Round(Options.AngleToleranceDegrees / Minutia.DegreesPerUnit);
        rotationWindow = Math.Max(1, (int)Math.Round(Options.RotationWindowDegrees / Minutia.DegreesPerUnit));
        maxRotation = (int)Math.Round(Options.MaxRotationDegrees / Minutia.DegreesPerUnit);
    }

    public MatcherOptions Options { get; }

    public MatchTemplate Prepare(MinutiaeRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Views.Count == 0)
        {
            throw new ArgumentException("The record holds no finger view.", nameof(record));
        }

        FingerView view = record.Views[0];
        if (view.FingerPosition is < 0 or > 10)
        {
            throw new ArgumentException($"Finger position {view.FingerPosition} is not 0–10.", nameof(record));
        }

        IReadOnlyList<Minutia> m = view.Minutiae;
        int n = Math.Min(m.Count, 255);
        var pairs = new List<MinutiaPair>(n * 12);
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double dx = m[j].X - m[i].X, dy = m[j].Y - m[i].Y;
                int d16 = (int)Math.Round(Math.Sqrt((dx * dx) + (dy * dy)) * 16);
                if (d16 < minDistance16 || d16 > maxDistance16)
                {
                    continue;
                }

                // Direction counter-clockwise as seen on the image (y grows downwards), like the minutia angles.
                int direction = (int)Math.Round(Math.Atan2(-dy, dx) * 128 / Math.PI) & 0xFF;
                pairs.Add(new MinutiaPair((ushort)d16, (byte)i, (byte)j, (byte)(m[i].AngleUnits - direction), (byte)(m[j].AngleUnits - direction), (byte)direction));
            }
        }

        MinutiaPair[] table = [.. pairs];
        Array.Sort(table, static (a, b) => a.Distance16.CompareTo(b.Distance16));
        return new MatchTemplate(view.FingerPosition, n, table, [.. m.Take(n).Select(x => x.Type)]);
    }

    /// <summary>Similarity of two prepared templates; symmetric up to tie-breaking, 0 when nothing agrees.</summary>
    public double Compare(MatchTemplate probe, MatchTemplate gallery)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(gallery);
        Scratch s = scratch ??= new Scratch();
        int count = Associate(probe.Pairs, gallery.Pairs, s);
        if (count == 0)
        {
            return 0;
        }

        // The rotation most associations agree on (a circular window over a histogram of 256 units).
        Span<int> histogram = stackalloc int[256];
        histogram.Clear();
        for (int a = 0; a < count; a++)
        {
            histogram[s.Rotation[a]]++;
        }

        int window = 0;
        for (int r = 0; r < rotationWindow; r++)
        {
            window += histogram[(256 - (rotationWindow / 2) + r) & 0xFF];
        }

        int best = -1, bestStart = 0;
        for (int start = 0; start < 256; start++)
        {
            int first = (start - (rotationWindow / 2)) & 0xFF;
            if (window > best && WithinRotation(first, rotationWindow))
            {
                best = window;
                bestStart = first;
            }

            window += histogram[(first + rotationWindow) & 0xFF] - histogram[first];
        }

        // Votes for each correspondence (probe minutia, gallery minutia) among the associations at that rotation.
        s.NextEpoch();
        int epoch = s.Epoch;
        s.Nodes.Clear();
        for (int a = 0; a < count; a++)
        {
            if (((s.Rotation[a] - bestStart) & 0xFF) >= rotationWindow)
            {
                s.Selected[a] = false;
                continue;
            }

            s.Selected[a] = true;
            Vote(s, (s.ProbeI[a] << 8) | s.GalleryI[a], epoch);
            Vote(s, (s.ProbeJ[a] << 8) | s.GalleryJ[a], epoch);
        }

        // One-to-one: the best-supported correspondences first.
        s.Nodes.Sort((x, y) => s.Votes[y].CompareTo(s.Votes[x]) is int c and not 0 ? c : x.CompareTo(y));
        foreach (int node in s.Nodes)
        {
            int p = node >> 8, g = node & 0xFF;
            if (s.ProbeUsed[p] != epoch && s.GalleryUsed[g] != epoch)
            {
                s.ProbeUsed[p] = epoch;
                s.GalleryUsed[g] = epoch;
                s.Accepted[node] = epoch;
                s.Parent[p] = p;
                s.Edges[p] = 0;
            }
        }

        // Clusters: correspondences linked by the associations between them.
        for (int a = 0; a < count; a++)
        {
            if (!s.Selected[a])
            {
                continue;
            }

            int u = (s.ProbeI[a] << 8) | s.GalleryI[a], v = (s.ProbeJ[a] << 8) | s.GalleryJ[a];
            if (s.Accepted[u] != epoch || s.Accepted[v] != epoch)
            {
                continue;
            }

            int ru = Find(s.Parent, s.ProbeI[a]), rv = Find(s.Parent, s.ProbeJ[a]);
            if (ru != rv)
            {
                s.Parent[rv] = ru;
                s.Edges[ru] += s.Edges[rv];
            }

            s.Edges[ru]++;
        }

        int largest = 0;
        for (int p = 0; p < probe.MinutiaCount; p++)
        {
            if (s.ProbeUsed[p] == epoch && s.Parent[p] == p)
            {
                largest = Math.Max(largest, s.Edges[p]);
            }
        }

        return largest;
    }

    bool WithinRotation(int first, int width)
    {
        int centre = (first + (width / 2)) & 0xFF;
        int signed = centre > 127 ? centre - 256 : centre;
        return Math.Abs(signed) <= maxRotation;
    }

    static void Vote(Scratch s, int node, int epoch)
    {
        if (s.Seen[node] != epoch)
        {
            s.Seen[node] = epoch;
            s.Votes[node] = 0;
            s.Nodes.Add(node);
        }

        s.Votes[node]++;
    }

    static int Find(int[] parent, int x)
    {
        while (parent[x] != x)
        {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }

        return x;
    }

    int Associate(MinutiaPair[] probe, MinutiaPair[] gallery, Scratch s)
    {
        int count = 0, low = 0, tolerance = angleTolerance;
        foreach (MinutiaPair p in probe)
        {
            int slack = distanceTolerance16 + (int)(p.Distance16 * distanceFraction);
            int from = p.Distance16 - slack, to = p.Distance16 + slack;
            while (low < gallery.Length && gallery[low].Distance16 < from)
            {
                low++;
            }

            int bi = p.BetaI + tolerance, bj = p.BetaJ + tolerance, span = 2 * tolerance;
            for (int k = low; k < gallery.Length && gallery[k].Distance16 <= to; k++)
            {
                ref readonly MinutiaPair g = ref gallery[k];

                // (a - b + tolerance) mod 256 within [0, 2 × tolerance]: the angles differ by at most the tolerance.
                if (((bi - g.BetaI) & 0xFF) <= span && ((bj - g.BetaJ) & 0xFF) <= span)
                {
                    if (count == MaxAssociations)
                    {
                        return count;
                    }

                    s.Add(count++, p.I, p.J, g.I, g.J, (byte)(g.Direction - p.Direction));
                }
                else if (((bi - g.BetaJ + 128) & 0xFF) <= span && ((bj - g.BetaI + 128) & 0xFF) <= span)
                {
                    // The gallery tabled the same pair the other way round (j to i).
                    if (count == MaxAssociations)
                    {
                        return count;
                    }

                    s.Add(count++, p.I, p.J, g.J, g.I, (byte)(g.Direction + 128 - p.Direction));
                }
            }
        }

        return count;
    }

    sealed class Scratch
    {
        public readonly byte[] ProbeI = new byte[MaxAssociations], ProbeJ = new byte[MaxAssociations];
        public readonly byte[] GalleryI = new byte[MaxAssociations], GalleryJ = new byte[MaxAssociations];
        public readonly byte[] Rotation = new byte[MaxAssociations];
        public readonly bool[] Selected = new bool[MaxAssociations];
        public readonly int[] Seen = new int[1 << 16], Votes = new int[1 << 16], Accepted = new int[1 << 16];
        public readonly int[] ProbeUsed = new int[256], GalleryUsed = new int[256], Parent = new int[256], Edges = new int[256];
        public readonly List<int> Nodes = new(1024);

        public int Epoch { get; private set; }

        public void NextEpoch()
        {
            if (++Epoch == int.MaxValue)
            {
                Array.Clear(Seen);
                Array.Clear(Accepted);
                Array.Clear(ProbeUsed);
                Array.Clear(GalleryUsed);
                Epoch = 1;
            }
        }

        public void Add(int index, byte pi, byte pj, byte gi, byte gj, byte rotation)
        {
            ProbeI[index] = pi;
            ProbeJ[index] = pj;
            GalleryI[index] = gi;
            GalleryJ[index] = gj;
            Rotation[index] = rotation;
        }
    }
}
