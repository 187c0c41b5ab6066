using CitizenWorkflows.Workflow.Domain;

namespace CitizenWorkflows.Workflow.Orchestration;

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
