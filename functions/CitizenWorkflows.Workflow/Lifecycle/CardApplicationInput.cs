using CitizenWorkflows.Workflow.Delivery;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Lifecycle;

/// <summary>What intake hands the workflow: the applicant, references to stored documents, never their bytes.</summary>
/// <param name="Portrait">The portrait among <paramref name="Documents"/>, for the biometric check.</param>
/// <param name="Documents">Everything intake stored: the application form, portrait, fingerprints, supporting documents.</param>
/// <param name="Destination">Where the card goes; null (workflows started before the choice existed) is the intake station.</param>
public sealed record CardApplicationInput(
    ApplicationHeader Header,
    Applicant Applicant,
    DocumentReference Portrait,
    IReadOnlyList<DocumentReference> Documents,
    WorkflowPolicy Policy,
    CardDestination? Destination = null);

/// <summary>The facts about an application that every projection row carries.</summary>
/// <param name="Province">Province of the intake (the kiosk's, else the applicant's birth registration).</param>
public sealed record ApplicationHeader(
    string ApplicationId,
    ApplicationType Type,
    string Province,
    string KioskId,
    DateTimeOffset ReceivedAt,
    DateTimeOffset DueAt);

/// <summary>How an application's workflow ended.</summary>
public sealed record CardApplicationResult(ApplicationStage Stage, string? Reason, string? PersonalNumber);
