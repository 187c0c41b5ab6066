using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Biometrics.Fingerprints;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Workflow.Biometrics.Duplicates;

/// <summary>An earlier applicant whose fingerprints match.</summary>
/// <param name="Score">The summed matcher score over the compared fingers.</param>
public sealed record FingerprintMatch(string ApplicationId, string? PersonalNumber, double Score, int MatchingFingers, int ComparedFingers);

/// <summary>
/// The gallery of everyone enrolled before, for 1:N fingerprint search. Table <c>fingerprintenrolments</c> is the record
/// (PartitionKey = the enrolment hour, RowKey = enrolment ticks + application id, the ISO/IEC 19794-2 records as base64);
/// each process keeps an in-memory <see cref="FingerprintGallery"/> built from it and catches up with rows other workers
/// wrote before every search. An application is enrolled before it searches, so of two duplicates processed at the same
/// time at least the later one finds the earlier.
/// </summary>
public sealed class FingerprintSearchIndex : IDisposable
{
    public const string TableName = "fingerprintenrolments";

    readonly TableServiceClient tables;
    readonly DuplicateSearchOptions options;
    readonly TimeProvider clock;
    readonly MinutiaeMatcher matcher = new();
    readonly FingerprintGallery gallery;
    readonly ConcurrentDictionary<string, EnrolledIdentity> enrolled = new(StringComparer.Ordinal);
    readonly SemaphoreSlim catchUp = new(1, 1);
    DateTimeOffset? caughtUpAt;

    public FingerprintSearchIndex(TableServiceClient tables, IOptions<DuplicateSearchOptions> options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.tables = tables;
        this.options = options.Value;
        this.clock = clock;
        gallery = new FingerprintGallery(matcher, new GalleryOptions { CandidateCount = this.options.CandidateCount });
    }

    TableClient Enrolments => tables.GetTableClient(TableName);

    /// <summary>Identities in this process's gallery.</summary>
    public int Count => enrolled.Count;


    /// <summary>The finger positions of <paramref name="templates"/> that the search uses.</summary>
    public bool Searches(int fingerPosition) => options.FingersSearched.Contains(fingerPosition);

    /// <summary>Enrols the applicant (once, however often this is retried) and returns the earlier applicants that match.</summary>
    public async Task<IReadOnlyList<FingerprintMatch>> EnrolAndSearchAsync(
        string applicationId, string? personalNumber, IReadOnlyList<MinutiaeRecord> templates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(templates);
        MatchTemplate[] probes = [.. templates.Select(matcher.Prepare)];
        await CatchUpAsync(cancellationToken);
        if (!enrolled.ContainsKey(applicationId))
        {
            DateTimeOffset now = clock.GetUtcNow();
            var row = new TableEntity(PartitionFor(now), RowKeyFor(now, applicationId))
            {
                ["ApplicationId"] = applicationId,
                ["PersonalNumber"] = personalNumber,
                ["Templates"] = JsonSerializer.Serialize(templates.Select(t => Convert.ToBase64String(MinutiaeRecord.Write(t)))),
            };
            await Enrolments.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
            Add(applicationId, personalNumber, probes, row.PartitionKey, row.RowKey);
        }

        var matches = new List<FingerprintMatch>();
        foreach (GalleryHit hit in gallery.Search(probes, options.FingerThreshold))
        {
            if (hit.IdentityId == applicationId || !enrolled.TryGetValue(hit.IdentityId, out EnrolledIdentity? earlier))
            {
                continue;
            }

            // The summed score found the candidate; each finger must match on its own, so one lucky finger is not enough.
            int compared = 0, matching = 0;
            foreach (MatchTemplate probe in probes)
            {
                if (earlier.Fingers[probe.FingerPosition] is { } finger)
                {
                    compared++;
                    matching += matcher.Compare(probe, finger) >= options.FingerThreshold ? 1 : 0;
                }
            }

            if (compared > 0 && matching >= Math.Min(options.MinMatchingFingers, compared))
            {
                matches.Add(new FingerprintMatch(hit.IdentityId, earlier.PersonalNumber, Math.Round(hit.Score, 1), matching, compared));
            }
        }

        return matches;
    }

    /// <summary>Records the personal number an application was given, so the person's later renewal is not a duplicate of it.</summary>
    public async Task LinkAsync(string applicationId, string personalNumber, CancellationToken cancellationToken)
    {
        if (!enrolled.TryGetValue(applicationId, out EnrolledIdentity? identity))
        {
            await CatchUpAsync(cancellationToken);
            if (!enrolled.TryGetValue(applicationId, out identity))
            {
                return; // Enrolled nowhere (no searchable fingerprints).
            }
        }

        identity.PersonalNumber = personalNumber;
        await Enrolments.UpsertEntityAsync(
            new TableEntity(identity.PartitionKey, identity.RowKey) { ["PersonalNumber"] = personalNumber }, TableUpdateMode.Merge, cancellationToken);
    }

    public void Dispose()
    {
        gallery.Dispose();
        catchUp.Dispose();
    }

    /// <summary>Reads the enrolments written since the last catch-up (all of them the first time).</summary>
    async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        await catchUp.WaitAsync(cancellationToken);
        try
        {
            DateTimeOffset started = clock.GetUtcNow();
            string? filter = null;
            if (caughtUpAt is { } last)
            {
                DateTimeOffset from = last - options.SyncOverlap;
                filter = TableClient.CreateQueryFilter($"PartitionKey ge {PartitionFor(from)} and RowKey ge {RowKeyFor(from, "")}");
            }

            // Keys only: the overlap re-reads recent rows every time, and their templates are already in memory.
            var unknown = new List<TableEntity>();
            await foreach (TableEntity key in Enrolments.QueryAsync<TableEntity>(
                filter, select: ["PartitionKey", "RowKey", "ApplicationId"], cancellationToken: cancellationToken))
            {
                if (!enrolled.ContainsKey(key.GetString("ApplicationId")))
                {
                    unknown.Add(key);
                }
            }

            foreach (TableEntity key in unknown)
            {
                TableEntity row = (await Enrolments.GetEntityAsync<TableEntity>(key.PartitionKey, key.RowKey, cancellationToken: cancellationToken)).Value;
                string id = row.GetString("ApplicationId");
                string[] records = JsonSerializer.Deserialize<string[]>(row.GetString("Templates")) ?? [];
                MatchTemplate[] fingers = [.. records.Select(r => matcher.Prepare(MinutiaeRecord.Parse(Convert.FromBase64String(r))))];
                Add(id, row.GetString("PersonalNumber"), fingers, row.PartitionKey, row.RowKey);
            }

            caughtUpAt = started;
        }
        finally
        {
            catchUp.Release();
        }
    }

    void Add(string applicationId, string? personalNumber, MatchTemplate[] fingers, string partitionKey, string rowKey)
    {
        var byPosition = new MatchTemplate?[11];
        foreach (MatchTemplate finger in fingers)
        {
            byPosition[finger.FingerPosition] = finger;
        }

        if (enrolled.TryAdd(applicationId, new EnrolledIdentity(byPosition, partitionKey, rowKey) { PersonalNumber = personalNumber }))
        {
            gallery.Enrol(applicationId, fingers);
        }
    }

    static string PartitionFor(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    static string RowKeyFor(DateTimeOffset at, string applicationId) =>
        string.Create(CultureInfo.InvariantCulture, $"{at.UtcTicks:D19}-{applicationId}");

    sealed class EnrolledIdentity(MatchTemplate?[] fingers, string partitionKey, string rowKey)
    {
        public MatchTemplate?[] Fingers { get; } = fingers;

        public string PartitionKey { get; } = partitionKey;

        public string RowKey { get; } = rowKey;

        public string? PersonalNumber { get; set; }
    }
}
