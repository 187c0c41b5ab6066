using CitizenWorkflows.Workflow.Biometrics.Duplicates;
using CitizenWorkflows.Workflow.Biometrics.ExternalMatcher;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Biometrics;

/// <summary>
/// The biometric stage: the portrait must pass every quality check; then the applicant is searched against everyone
/// enrolled before, by fingerprints (built-in matcher, or the external ABIS when configured) and by demographics. A
/// possible duplicate waits in manual review for an officer's adjudication, escalating like approval: a duplicate is
/// rejected and linked to the earlier application, a namesake continues (to an officer's approval).
/// </summary>
public static class BiometricStage
{
    /// <summary>
    /// Whether the duplicate search can run with the other checks (the orchestration's <c>CheckApplication</c>): not when the external
    /// matcher must answer first; then <see cref="RunAsync"/> searches after its answer.
    /// </summary>
    public static DuplicateSearchRequest? SearchWithTheChecks(CardApplicationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return AsksExternalMatcher(input) ? null : SearchRequest(input);
    }

    /// <summary>Interprets the portrait check and the duplicate search the orchestration's <c>CheckApplication</c> ran
    /// (the search, unless it had to wait).</summary>
    public static async Task<BiometricOutcome> RunAsync(
        TaskOrchestrationContext context, ApplicationJournal journal, CardApplicationInput input, PortraitCheckResult portrait, DuplicateSearchResult? searched)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(portrait);
        WorkflowPolicy policy = input.Policy;
        string applicationId = input.Header.ApplicationId;

        await journal.RecordAsync(ApplicationStage.BiometricCheck, "workflow", "checking portrait");
        if (!portrait.Passed)
        {
            return BiometricOutcome.Ends(ApplicationStage.Rejected, "biometric check", $"portrait failed: {portrait.DescribeFailures()}");
        }

        IReadOnlyList<DocumentReference> prints = SubmissionParts.FingerprintsAmong(input.Documents);
        string portraitPassed = $"portrait passed all {portrait.Checks.Count} checks";
        var external = new List<DuplicateCandidate>();
        if (AsksExternalMatcher(input))
        {
            (BiometricResult? result, string? failure) = await AskExternalMatcherAsync(context, journal, applicationId, prints, policy);
            if (result is null)
            {
                return BiometricOutcome.Ends(ApplicationStage.Failed, "external matcher", failure);
            }

            external.AddRange(result.Candidates
                .Where(c => c.ApplicationId != applicationId)
                .Select(c => new DuplicateCandidate(c.ApplicationId, c.Score, 0, 0, SameDemographics: false)));
        }

        DuplicateSearchResult search = searched
            ?? await context.CallActivityAsync<DuplicateSearchResult>(nameof(SearchDuplicates), SearchRequest(input), ActivityRetry.Storage);
        List<DuplicateCandidate> candidates = Merge(external, search.Candidates);
        if (candidates.Count == 0)
        {
            await journal.RecordAsync(ApplicationStage.BiometricCheck, "biometric check",
                $"{portraitPassed}; no duplicate identity found ({(policy.ExternalMatcher ? "external matcher" : $"{search.FingersSearched} finger(s) searched")}, demographics checked)");
            return BiometricOutcome.Clean;
        }

        AdjudicationDecision? decision = await OfficerDecision.WaitAsync<AdjudicationDecision>(
            context,
            journal,
            ApplicationStage.ManualReview,
            ApplicationEvents.AdjudicationDecision,
            $"{portraitPassed}; possible duplicate identity: {string.Join("; ", candidates.Select(c => c.Describe()))}; waiting for adjudication by {OfficerDecision.LevelName(0)}",
            now => now.Add(policy.AdjudicationDeadline),
            policy.AdjudicationEscalations);
        if (decision is null)
        {
            return BiometricOutcome.Ends(ApplicationStage.Failed, "deadline", $"possible duplicate not adjudicated: {OfficerDecision.TimedOut(policy.AdjudicationEscalations)}");
        }

        string officer = $"officer {decision.OfficerId}";
        if (decision.Verdict == AdjudicationVerdict.Duplicate)
        {
            return BiometricOutcome.Ends(ApplicationStage.Rejected, officer,
                $"duplicate identity: the applicant is already enrolled under application {decision.DuplicateOf}" + (decision.Reason is { } why ? $" ({why})" : ""),
                decision.DuplicateOf);
        }

        await journal.RecordAsync(ApplicationStage.BiometricCheck, officer, "adjudicated: not a duplicate" + (decision.Reason is { } reason ? $" ({reason})" : ""));
        return BiometricOutcome.Cleared;
    }

    static bool AsksExternalMatcher(CardApplicationInput input) =>
        input.Policy.ExternalMatcher && SubmissionParts.FingerprintsAmong(input.Documents).Count > 0;

    static DuplicateSearchRequest SearchRequest(CardApplicationInput input) =>
        new(input.Header.ApplicationId, input.Applicant, SubmissionParts.FingerprintsAmong(input.Documents), SearchFingerprints: !input.Policy.ExternalMatcher);

    /// <summary>Sends the search to the external matcher and waits for its result, resending up to the attempt limit.</summary>
    static async Task<(BiometricResult? Result, string? Failure)> AskExternalMatcherAsync(
        TaskOrchestrationContext context, ApplicationJournal journal, string applicationId, IReadOnlyList<DocumentReference> prints, WorkflowPolicy policy)
    {
        string[] waitingFor = [ApplicationEvents.BiometricResult];
        for (int attempt = 1; attempt <= policy.MaxBiometricSearchAttempts; attempt++)
        {
            // Recorded before the request goes out, so a fast answer finds the workflow waiting.
            DateTime due = context.CurrentUtcDateTime.Add(policy.BiometricResultDeadline);
            await journal.RecordAsync(ApplicationStage.BiometricCheck, "workflow",
                $"search {attempt} of {policy.MaxBiometricSearchAttempts} sent to the external matcher", waitingFor, new DateTimeOffset(due, TimeSpan.Zero));
            await context.CallActivityAsync<string>(nameof(RequestBiometricSearch), new BiometricSearchOrder(applicationId, attempt, prints), ActivityRetry.Storage);

            EventOrDeadline<BiometricResult> answer = await context.WaitForFirstEventAsync<BiometricResult>(waitingFor, journal.OpenWait);
            if (answer.Payload is { } result)
            {
                await journal.RecordAsync(ApplicationStage.BiometricCheck, result.ReportedBy ?? "external matcher",
                    $"external matcher answered with {result.Candidates.Count} candidate(s)" + (result.Reference is { } r ? $", reference {r}" : ""));
                return (result, null);
            }
        }

        return (null, $"the external matcher did not answer {policy.MaxBiometricSearchAttempts} search request(s) before their deadlines");
    }

    /// <summary>One candidate per earlier application: the external matcher's score joined with the demographic evidence.</summary>
    static List<DuplicateCandidate> Merge(IReadOnlyList<DuplicateCandidate> external, IReadOnlyList<DuplicateCandidate> builtIn)
    {
        var merged = new List<DuplicateCandidate>(external);
        foreach (DuplicateCandidate candidate in builtIn)
        {
            int at = merged.FindIndex(c => c.ApplicationId == candidate.ApplicationId);
            if (at < 0)
            {
                merged.Add(candidate);
            }
            else
            {
                merged[at] = merged[at] with { SameDemographics = merged[at].SameDemographics || candidate.SameDemographics };
            }
        }

        return merged;
    }
}

/// <summary>How the biometric stage ended: the application goes on (clean, or cleared by adjudication), or it ends here.</summary>
/// <param name="Adjudicated">An officer cleared a possible duplicate; approval then needs an officer too.</param>
/// <param name="DuplicateOf">The earlier application a rejected duplicate was linked to.</param>
public sealed record BiometricOutcome(bool Adjudicated, ApplicationStage? EndStage, string? Cause, string? Reason, string? DuplicateOf)
{
    public static readonly BiometricOutcome Clean = new(false, null, null, null, null);

    /// <summary>An officer adjudicated a possible duplicate as a different person.</summary>
    public static readonly BiometricOutcome Cleared = new(true, null, null, null, null);

    public static BiometricOutcome Ends(ApplicationStage stage, string cause, string? reason, string? duplicateOf = null) =>
        new(false, stage, cause, reason, duplicateOf);
}
