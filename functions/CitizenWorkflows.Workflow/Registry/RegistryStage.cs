using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Orchestration;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Registry;

/// <summary>
/// Compares the applicant with the population registry. A match continues; a mismatch, or a personal number the
/// registry does not know, sends the application to manual review (an officer must decide); an applicant with no
/// number and no record is a new person, who gets a number at personalisation.
/// </summary>
public static class RegistryStage
{
    /// <summary>Returns true when an officer must review the application.</summary>
    /// <param name="compared">The comparison the orchestration's <c>CheckApplication</c> made with the other checks;
    /// null when it could not (after an adjudication).</param>
    public static async Task<bool> RunAsync(TaskOrchestrationContext context, ApplicationJournal journal, Applicant applicant, RegistryMatch? compared)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(applicant);
        RegistryMatch match = compared
            ?? await context.CallActivityAsync<RegistryMatch>(nameof(CheckRegistry), RegistryCheckRequest.For(applicant), ActivityRetry.Storage);
        (bool review, string detail) = (match.Outcome, applicant.PersonalNumber) switch
        {
            (RegistryOutcome.Match, _) => (false, "population registry: match"),
            (RegistryOutcome.Mismatch, _) => (true, $"population registry: differs in {string.Join(", ", match.MismatchedFields)}"),
            (RegistryOutcome.Unknown, null) => (false, "population registry: no record; a new personal number will be allocated"),
            _ => (true, "population registry: the given personal number has no record"),
        };
        await journal.RecordAsync(review ? ApplicationStage.ManualReview : ApplicationStage.BiometricCheck, "population registry", detail);
        return review;
    }
}
