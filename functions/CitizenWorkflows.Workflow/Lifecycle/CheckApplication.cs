using CitizenWorkflows.Workflow.Biometrics;
using CitizenWorkflows.Workflow.Biometrics.Duplicates;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Registry;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Lifecycle;

/// <summary>
/// The checks that need no wait between them, in one activity (every activity costs an orchestration episode that
/// reloads the history): the documents' integrity, the portrait's quality, the duplicate search, the registry
/// comparison, each only when the one before let the application go on, so it stops where the workflow would stop.
/// The stages interpret the results (<see cref="BiometricStage"/>, <see cref="RegistryStage"/>). First writes the
/// journal's opening entry, so the application is listed for operators at once.
/// </summary>
public sealed class CheckApplication(
    JournalWriter journal, VerifyDocuments documents, CheckPortrait portrait, SearchDuplicates duplicates, CheckRegistry registry)
    : TaskActivity<ApplicationChecks, ApplicationCheckResults>
{
    public override async Task<ApplicationCheckResults> RunAsync(TaskActivityContext context, ApplicationChecks input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await journal.WriteAsync(input.Journal, CancellationToken.None);
        DocumentCheck stored = await documents.VerifyAsync(input.Documents, CancellationToken.None);
        if (!stored.Intact)
        {
            return new ApplicationCheckResults(stored, null, null, null);
        }

        PortraitCheckResult quality = await portrait.RunAsync(context, input.Portrait);
        if (!quality.Passed || input.Search is null)
        {
            return new ApplicationCheckResults(stored, quality, null, null);
        }

        // A possible duplicate waits for an officer first: the registry is compared after the adjudication, as before.
        DuplicateSearchResult search = await duplicates.RunAsync(context, input.Search);
        if (search.Candidates.Count > 0)
        {
            return new ApplicationCheckResults(stored, quality, search, null);
        }

        return new ApplicationCheckResults(stored, quality, search, await registry.RunAsync(context, input.Registry));
    }
}

/// <summary>What to check, and the journal entries to write first.</summary>
/// <param name="Search">Null when the duplicate search must wait (for the external matcher): the checks then stop after
/// the portrait.</param>
public sealed record ApplicationChecks(
    IReadOnlyList<DocumentReference> Documents, DocumentReference Portrait, DuplicateSearchRequest? Search, RegistryCheckRequest Registry,
    JournalEntries? Journal);

/// <summary>The results of the checks that ran; a check after one that stopped the application is null.</summary>
public sealed record ApplicationCheckResults(
    DocumentCheck Documents, PortraitCheckResult? Portrait, DuplicateSearchResult? Search, RegistryMatch? Registry);
