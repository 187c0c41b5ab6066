using CitizenWorkflows.Workflow.Delivery;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Orchestration;
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
