namespace CitizenWorkflows.Workflow.Biometrics.Duplicates;

/// <summary>Settings of the built-in duplicate search (configuration section <c>Biometrics:Duplicates</c>).</summary>
public sealed class DuplicateSearchOptions
{
    public const string SectionName = "Biometrics:Duplicates";

    /// <summary>
    /// A finger matches at this score or above: the threshold at FMR ≤ 0.01 % in the accuracy report
    /// (<c>fingerprints accuracy --identities 1000</c>, docs/benchmarks.md).
    /// </summary>
    public double FingerThreshold { get; set; } = 14;

    /// <summary>Matching fingers needed before an earlier applicant is a candidate (fewer when fewer fingers were compared).</summary>
    public int MinMatchingFingers { get; set; } = 2;

    /// <summary>
    /// Finger positions searched (ISO/IEC 19794-2: 1 right thumb, 2 right index, 6 left thumb, 7 left index) unless
    /// configured. Four fingers identify reliably and keep the in-memory gallery a quarter of the size of a ten-finger one.
    /// </summary>
    public static readonly IReadOnlyList<int> DefaultSearchFingers = [1, 2, 6, 7];

    /// <summary>Configured finger positions; null for <see cref="DefaultSearchFingers"/>. (Null rather than a default
    /// list: the configuration binder appends to a list it finds instead of replacing it.)</summary>
    public IReadOnlyList<int>? SearchFingers { get; set; }

    public IReadOnlyList<int> FingersSearched => SearchFingers is { Count: > 0 } configured ? configured : DefaultSearchFingers;

    /// <summary>Pre-selected identities fully matched per search (see <see cref="Fingerprints.GalleryOptions"/>).</summary>
    public int CandidateCount { get; set; } = 50;

    /// <summary>How far back each catch-up with other workers' enrolments re-reads, to cover clock skew and write latency.</summary>
    public TimeSpan SyncOverlap { get; set; } = TimeSpan.FromMinutes(2);
}
