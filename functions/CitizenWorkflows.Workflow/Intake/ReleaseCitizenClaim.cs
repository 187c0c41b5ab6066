using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Orchestration;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Intake;

/// <summary>
/// The workflow's last activity when its application ended without a card (rejected, failed): writes the journal's
/// final entries it carries, then releases the citizen's claim and the number's production mark, so the citizen may
/// apply again only once the application shows as ended. Holds nothing: does nothing.
/// </summary>
public sealed class ReleaseCitizenClaim(CitizenClaims claims, JournalWriter journal) : TaskActivity<ClaimRelease, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, ClaimRelease input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await journal.WriteAsync(input.Journal, CancellationToken.None);
        return await claims.ReleaseApplicationAsync(input, CancellationToken.None);
    }
}

/// <summary>What an application holds: the citizen (by the applicant as submitted) and the personal number of its card,
/// if it got one.</summary>
/// <param name="Journal">
/// The journal's final entries, to write before the release (workflow version 2 on); null when they were written
/// already, or the release is not the workflow's.
/// </param>
public sealed record ClaimRelease(string ApplicationId, Applicant Applicant, string? PersonalNumber, JournalEntries? Journal = null);
