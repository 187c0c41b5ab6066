using CitizenWorkflows.Workflow.Biometrics.Fingerprints;

namespace CitizenWorkflows.TestData;

/// <summary>How an impression departs from its master.</summary>
public sealed record ImpressionOptions
{
    public double MaxRotationDegrees { get; init; } = 20;

    public double MaxTranslation { get; init; } = 40;

    /// <summary>Peak displacement (pixels) of the smooth elastic distortion.</summary>
    public double MaxDistortion { get; init; } = 8;

    public double MinMissingFraction { get; init; } = 0.10;

    public double MaxMissingFraction { get; init; } = 0.30;

    public double MaxSpuriousFraction { get; init; } = 0.15;

    public double PositionJitter { get; init; } = 2.0;

    public double AngleJitterDegrees { get; init; } = 5.0;
}

/// <summary>
/// Synthetic fingerprints for tests and benchmarks: a master minutiae set per identity (deterministic from the seed)
/// on a 500x550 px area at 500 dpi, with a ridge-flow-like orientation field (cores and deltas, so neighbouring
/// minutiae have correlated angles) and 35–70 minutiae kept at least 20 px apart; and impressions of a master with
/// rotation, translation, elastic distortion, missing and spurious minutiae and jitter. Not derived from any real finger.
/// </summary>
public static class SyntheticFingerprints
{
    public const int Width = 500;
    public const int Height = 550;

    public static MinutiaeRecord Master(int identity, int seed, int fingerPosition = 1)
    {
        var random = new Random(Mix(seed, identity, fingerPosition));
        double cx = (Width / 2.0) + Uniform(random, -15, 15), cy = (Height / 2.0) + Uniform(random, -15, 15);
        double rx = Uniform(random, 185, 220), ry = Uniform(random, 225, 260);

        // Orientation field: half the sum of the arguments to the cores minus those to the deltas (a zero-pole model).
        var cores = new List<(double X, double Y)>();
        var deltas = new List<(double X, double Y)>();
        double pattern = random.NextDouble();
        if (pattern < 0.65)
        {
            // Loop: a core above a delta, off to one side.
            double side = random.Next(2) == 0 ? -1 : 1;
            cores.Add((cx + Uniform(random, -30, 30), cy - Uniform(random, 20, 70)));
            deltas.Add((cx + (side * Uniform(random, 90, 160)), cy + Uniform(random, 80, 160)));
        }
        else if (pattern < 0.9)
        {
            // Whorl: two cores, two deltas.
            cores.Add((cx + Uniform(random, -25, 0), cy - Uniform(random, 20, 50)));
            cores.Add((cx + Uniform(random, 0, 25), cy + Uniform(random, -10, 20)));
            deltas.Add((cx - Uniform(random, 120, 170), cy + Uniform(random, 90, 160)));
            deltas.Add((cx + Uniform(random, 120, 170), cy + Uniform(random, 90, 160)));
        }

        double archPhase = Uniform(random, 0, Math.PI * 2), archAmplitude = Uniform(random, 0.3, 0.7);
        double baseAngle = Uniform(random, -0.2, 0.2);
        double Orientation(double x, double y)
        {
            double o = baseAngle;
            foreach ((double px, double py) in cores)
            {
                o += 0.5 * Math.Atan2(-(y - py), x - px);
            }

            foreach ((double px, double py) in deltas)
            {
                o -= 0.5 * Math.Atan2(-(y - py), x - px);
            }

            if (cores.Count == 0)
            {
                o += archAmplitude * Math.Sin(((x - cx) / 140.0) + archPhase) * Math.Exp(-Math.Abs(y - cy) / 300.0);
            }

            return o;
        }

        int count = random.Next(35, 71);
        var points = new List<Minutia>(count);
        double minDistance = 22;
        int attempts = 0;
        while (points.Count < count)
        {
            if (++attempts % 2000 == 0)
            {
                minDistance *= 0.9;
            }

            double angle = random.NextDouble() * Math.PI * 2, radius = Math.Sqrt(random.NextDouble());
            double x = cx + (rx * radius * Math.Cos(angle)), y = cy + (ry * radius * Math.Sin(angle));
            if (x < 10 || y < 10 || x > Width - 10 || y > Height - 10 || points.Exists(p => Sq(p.X - x) + Sq(p.Y - y) < minDistance * minDistance))
            {
                continue;
            }

            double direction = Orientation(x, y) + (random.Next(2) == 0 ? 0 : Math.PI) + (Gaussian(random) * 0.05);
            double typeDraw = random.NextDouble();
            MinutiaType type = typeDraw < 0.55 ? MinutiaType.RidgeEnding : typeDraw < 0.95 ? MinutiaType.Bifurcation : MinutiaType.Other;
            points.Add(new Minutia(type, (int)Math.Round(x), (int)Math.Round(y), Degrees(direction), random.Next(40, 101)));
        }

        return Record(fingerPosition, random.Next(60, 101), points);
    }

    /// <summary>An impression of <paramref name="master"/> (its first view) as a scanner would capture it again.</summary>
    public static MinutiaeRecord Impression(MinutiaeRecord master, Random random, ImpressionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(master);
        ArgumentNullException.ThrowIfNull(random);
        options ??= new ImpressionOptions();
        FingerView source = master.Views[0];
        double rotation = Uniform(random, -options.MaxRotationDegrees, options.MaxRotationDegrees) * Math.PI / 180;
        double tx = Uniform(random, -options.MaxTranslation, options.MaxTranslation);
        double ty = Uniform(random, -options.MaxTranslation, options.MaxTranslation);
        double missing = Uniform(random, options.MinMissingFraction, options.MaxMissingFraction);
        double spurious = Uniform(random, 0, options.MaxSpuriousFraction);

        // Elastic distortion: a smooth displacement field, strongest away from the centre of contact.
        double amplitude = Uniform(random, 0.4, 1.0) * options.MaxDistortion;
        double lx = Uniform(random, 250, 450), ly = Uniform(random, 250, 450);
        double p1 = Uniform(random, 0, 6.3), p2 = Uniform(random, 0, 6.3), p3 = Uniform(random, 0, 6.3), p4 = Uniform(random, 0, 6.3);
        double cx = Width / 2.0, cy = Height / 2.0, cos = Math.Cos(rotation), sin = Math.Sin(rotation);
        var kept = new List<Minutia>(source.Minutiae.Count + 16);
        foreach (Minutia m in source.Minutiae)
        {
            if (random.NextDouble() < missing)
            {
                continue;
            }

            double dx = m.X - cx, dy = m.Y - cy;
            double weight = Math.Min(1, Math.Sqrt((dx * dx) + (dy * dy)) / 250);
            double ex = amplitude * weight * Math.Sin((2 * Math.PI * m.X / lx) + p1) * Math.Cos((2 * Math.PI * m.Y / ly) + p2);
            double ey = amplitude * weight * Math.Cos((2 * Math.PI * m.X / lx) + p3) * Math.Sin((2 * Math.PI * m.Y / ly) + p4);

            // Counter-clockwise as seen on the image (y grows downwards), like the record's angles.
            double x = cx + (dx * cos) + (dy * sin) + tx + ex + (Gaussian(random) * options.PositionJitter);
            double y = cy - (dx * sin) + (dy * cos) + ty + ey + (Gaussian(random) * options.PositionJitter);
            if (x < 0 || y < 0 || x > Width - 1 || y > Height - 1)
            {
                continue;
            }

            double angle = m.AngleDegrees + (rotation * 180 / Math.PI) + (Gaussian(random) * options.AngleJitterDegrees);
            MinutiaType type = m.Type != MinutiaType.Other && random.NextDouble() < 0.1
                ? (m.Type == MinutiaType.RidgeEnding ? MinutiaType.Bifurcation : MinutiaType.RidgeEnding)
                : m.Type;
            kept.Add(new Minutia(type, (int)Math.Round(x), (int)Math.Round(y), Normalise(angle), Math.Clamp(m.Quality + random.Next(-10, 11), 1, 100)));
        }

        int extra = (int)Math.Round(kept.Count * spurious);
        for (int i = 0; i < extra && kept.Count < 255; i++)
        {
            double a = random.NextDouble() * Math.PI * 2, r = Math.Sqrt(random.NextDouble());
            int x = (int)Math.Clamp(cx + tx + (200 * r * Math.Cos(a)), 0, Width - 1);
            int y = (int)Math.Clamp(cy + ty + (240 * r * Math.Sin(a)), 0, Height - 1);
            kept.Add(new Minutia(random.Next(2) == 0 ? MinutiaType.RidgeEnding : MinutiaType.Bifurcation, x, y, random.Next(256) * Minutia.DegreesPerUnit, random.Next(20, 70)));
        }

        // A scanner reports minutiae in its own order.
        for (int i = kept.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (kept[i], kept[j]) = (kept[j], kept[i]);
        }

        return Record(source.FingerPosition, Math.Clamp(source.FingerQuality + random.Next(-15, 6), 1, 100), kept);
    }

    static MinutiaeRecord Record(int fingerPosition, int quality, List<Minutia> minutiae) =>
        new(0, 0, Width, Height, MinutiaeRecord.PixelsPerCm500Dpi, MinutiaeRecord.PixelsPerCm500Dpi,
            [new FingerView(fingerPosition, 0, 0, quality, [.. minutiae.Select(m => m with { AngleDegrees = m.AngleUnits * Minutia.DegreesPerUnit })])]);

    static int Mix(int seed, int identity, int position)
    {
        ulong h = 0x9E3779B97F4A7C15UL ^ (uint)seed;
        foreach (uint v in new[] { (uint)identity, (uint)position })
        {
            h ^= v;
            h *= 0xBF58476D1CE4E5B9UL;
            h ^= h >> 31;
            h *= 0x94D049BB133111EBUL;
            h ^= h >> 29;
        }

        return (int)(h & 0x7FFFFFFF);
    }

    static double Degrees(double radians) => Normalise(radians * 180 / Math.PI);

    static double Normalise(double degrees) => ((degrees % 360) + 360) % 360;

    static double Sq(double v) => v * v;

    static double Uniform(Random random, double min, double max) => min + (random.NextDouble() * (max - min));

    static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
