using System.Globalization;
using CitizenWorkflows.Workflow.Biometrics.Fingerprints;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Biometrics.Duplicates;

/// <param name="Fingerprints">The application's stored fingerprint parts; ISO/IEC 19794-2 templates are searched, images are not.</param>
/// <param name="SearchFingerprints">False when an external matcher searches the fingerprints; demographics are still checked here.</param>
public sealed record DuplicateSearchRequest(string ApplicationId, Applicant Applicant, IReadOnlyList<DocumentReference> Fingerprints, bool SearchFingerprints);

/// <summary>An earlier application that may be the same person under another identity.</summary>
/// <param name="FingerprintScore">Summed matcher score, when the fingerprints matched.</param>
/// <param name="SameDemographics">Same normalised name, date of birth and birth province.</param>
public sealed record DuplicateCandidate(string ApplicationId, double? FingerprintScore, int MatchingFingers, int ComparedFingers, bool SameDemographics)
{
    /// <summary>"application 0193… (fingerprints: 4 of 4 fingers match, score 212.5; same name, date of birth and birth
    /// province)".</summary>
    public string Describe()
    {
        var evidence = new List<string>();
        if (FingerprintScore is double score)
        {
            evidence.Add(ComparedFingers > 0
                ? string.Create(CultureInfo.InvariantCulture, $"fingerprints: {MatchingFingers} of {ComparedFingers} fingers match, score {score:0.#}")
                : string.Create(CultureInfo.InvariantCulture, $"fingerprints: external matcher score {score:0.#}"));
        }

        if (SameDemographics)
        {
            evidence.Add("same name, date of birth and birth province");
        }

        return $"application {ApplicationId} ({string.Join("; ", evidence)})";
    }
}

/// <summary>The candidates found, strongest first, and how many fingers were searched.</summary>
public sealed record DuplicateSearchResult(IReadOnlyList<DuplicateCandidate> Candidates, int FingersSearched);

/// <summary>
/// Enrols the applicant in the fingerprint gallery and the demographic index, then looks for earlier applicants who
/// match either. An earlier application of the same person (the same personal number: a renewal) is no duplicate.
/// </summary>
public sealed class SearchDuplicates(DocumentStore documents, FingerprintSearchIndex fingerprints, DemographicIndex demographics)
    : TaskActivity<DuplicateSearchRequest, DuplicateSearchResult>
{
    public override async Task<DuplicateSearchResult> RunAsync(TaskActivityContext context, DuplicateSearchRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var templates = new List<MinutiaeRecord>();
        if (input.SearchFingerprints)
        {
            foreach (DocumentReference print in input.Fingerprints.Where(p => p.ContentType == IsoMinutiaeTemplate.ContentType))
            {
                // Intake parsed and validated each template; a record that no longer parses is a fault, not a verdict.
                MinutiaeRecord record = MinutiaeRecord.Parse(await documents.ReadVerifiedAsync(print, CancellationToken.None));
                if (record.Views.Count > 0 && fingerprints.Searches(record.Views[0].FingerPosition))
                {
                    templates.Add(record);
                }
            }
        }

        Task<IReadOnlyList<FingerprintMatch>> byFingerprint = templates.Count > 0
            ? fingerprints.EnrolAndSearchAsync(input.ApplicationId, input.Applicant.PersonalNumber, templates, CancellationToken.None)
            : Task.FromResult<IReadOnlyList<FingerprintMatch>>([]);
        Task<IReadOnlyList<DemographicMatch>> byDemographics = demographics.EnrolAndFindAsync(input.ApplicationId, input.Applicant, CancellationToken.None);
        await Task.WhenAll(byFingerprint, byDemographics);

        string? ownNumber = input.Applicant.PersonalNumber;
        bool SamePerson(string? number) => ownNumber is not null && number == ownNumber;
        var sameDemographics = (await byDemographics).Where(d => !SamePerson(d.PersonalNumber)).Select(d => d.ApplicationId).ToHashSet(StringComparer.Ordinal);
        var candidates = new List<DuplicateCandidate>();
        foreach (FingerprintMatch match in await byFingerprint)
        {
            if (!SamePerson(match.PersonalNumber))
            {
                candidates.Add(new(match.ApplicationId, match.Score, match.MatchingFingers, match.ComparedFingers, sameDemographics.Remove(match.ApplicationId)));
            }
        }

        candidates.AddRange(sameDemographics.Order(StringComparer.Ordinal).Select(id => new DuplicateCandidate(id, null, 0, 0, SameDemographics: true)));
        return new DuplicateSearchResult(
            [.. candidates.OrderByDescending(c => c.FingerprintScore ?? 0).ThenBy(c => c.ApplicationId, StringComparer.Ordinal)], templates.Count);
    }
}

/// <summary>The personal number an application was given, recorded against its enrolments after personalisation.</summary>
public sealed record EnrolmentLink(string ApplicationId, Applicant Applicant, string PersonalNumber);

/// <summary>
/// Links an application's enrolments to the personal number it was allocated, so the same person's later renewal (which
/// carries that number) is recognised as the same identity rather than a duplicate. Personalisation calls it once it has
/// allocated the number (in its own activity: a link needs no episode of its own).
/// </summary>
public sealed class EnrolmentLinks(FingerprintSearchIndex fingerprints, DemographicIndex demographics)
{
    public Task LinkAsync(EnrolmentLink link, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        return Task.WhenAll(
            fingerprints.LinkAsync(link.ApplicationId, link.PersonalNumber, cancellationToken),
            demographics.LinkAsync(link.ApplicationId, link.Applicant, link.PersonalNumber, cancellationToken));
    }
}
