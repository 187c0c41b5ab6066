using CitizenWorkflows.Workflow.Domain;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Intake;

/// <summary>
/// The workflow's last activity: its application has ended (delivered, rejected, failed), so the citizen's claim and
/// the number's production mark it holds are released and the citizen may apply again. Holds nothing: does nothing.
/// </summary>
public sealed class ReleaseCitizenClaim(CitizenClaims claims) : TaskActivity<ClaimRelease, bool>
{
    public override Task<bool> RunAsync(TaskActivityContext context, ClaimRelease input) =>
        claims.ReleaseApplicationAsync(input, CancellationToken.None);
}

/// <summary>What an application holds: the citizen (by the applicant as submitted) and the personal number of its card, if it got one.</summary>
public sealed record ClaimRelease(string ApplicationId, Applicant Applicant, string? PersonalNumber);
