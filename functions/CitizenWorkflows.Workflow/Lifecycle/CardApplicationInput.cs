using CitizenWorkflows.Workflow.Delivery;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Lifecycle;

/// <summary>What intake hands the workflow: the applicant, references to stored documents, never their bytes.</summary>
/// <param name="Portrait">The portrait among <paramref name="Documents"/>, for the biometric check.</param>
/// <param name="Documents">Everything intake stored: the application form, portrait, fingerprints, supporting documents.</param>
/// <param name="Destination">Where the card goes; null (workflows started before the choice existed) is the intake station.</param>
/// <param name="Resume">Set when an operator (or reconciliation) re-drives a failed application: where to pick up.</param>
/// <param name="ConcurrentApplication">
/// A first card whose demographic key another application in flight holds (<see cref="Intake.CitizenClaims"/>): that
/// application's id; the workflow asks an officer instead of approving by rule.
/// </param>
/// <param name="WorkflowVersion">
/// The version of <see cref="CardApplicationOrchestration"/> this instance runs to its end, chosen at the start
/// (<see cref="WorkflowVersioning"/>). Inputs stored before versions were recorded have none and read as 1.
/// </param>
public sealed record CardApplicationInput(
    ApplicationHeader Header,
    Applicant Applicant,
    DocumentReference Portrait,
    IReadOnlyList<DocumentReference> Documents,
    WorkflowPolicy Policy,
    ResumePoint? Resume = null,
    CardDestination? Destination = null,
    string? ConcurrentApplication = null,
    int WorkflowVersion = 1);

/// <summary>
/// Where a re-driven run picks up. Every step is idempotent for its application id (documents re-verified, enrolment
/// and personal number insert-if-absent, card documents stored first-wins), so a run may always start from the
/// beginning; stages already passed are skipped when their results are recoverable from storage: an approval is not
/// asked for again, and a partner step that succeeded (printed, shipped) is not repeated.
/// </summary>
/// <param name="Redrive">1 for the first re-drive.</param>
/// <param name="Sequence">The last timeline sequence recorded so far; the new run's transitions follow it.</param>
/// <param name="Reached">The stages the earlier runs reached (from the timeline).</param>
/// <param name="ApprovedBy">Who approved, when <see cref="ApplicationStage.Approved"/> was reached.</param>
public sealed record ResumePoint(int Redrive, int Sequence, IReadOnlyList<ApplicationStage> Reached, string? ApprovedBy = null)
{
    public bool HasReached(ApplicationStage stage) => Reached.Contains(stage);

    /// <summary>Work orders of a partner step are numbered on from the earlier runs', so none is taken for a duplicate.</summary>
    public int OrdersBefore(int maxAttempts) => Redrive * maxAttempts;
}

/// <summary>The facts about an application that every projection row carries.</summary>
/// <param name="Province">Province of the intake (the kiosk's, else the applicant's birth registration).</param>
/// <param name="Commune">The commune of the intake (the kiosk's), when known: officers of a commune act only on its applications.</param>
/// <param name="District">The district of the intake, when known.</param>
public sealed record ApplicationHeader(
    string ApplicationId,
    ApplicationType Type,
    string Province,
    string KioskId,
    DateTimeOffset ReceivedAt,
    DateTimeOffset DueAt,
    string? Commune = null,
    string? District = null);

/// <summary>How an application's workflow ended.</summary>
public sealed record CardApplicationResult(ApplicationStage Stage, string? Reason, string? PersonalNumber);
