using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;

namespace CitizenWorkflows.Workflow.Orchestration;

/// <summary>One entry of an application's timeline: the stage it reached (or stayed in), when and why.</summary>
/// <param name="Sequence">Position in the timeline, starting at 1; makes re-recording on replay idempotent.</param>
/// <param name="Cause">Who or what caused it: "kiosk K-01", "officer O-7", "print centre", "deadline".</param>
/// <param name="WaitingFor">The events the workflow now waits for; empty when it waits for nothing.</param>
public sealed record ApplicationTransition(
    ApplicationHeader Header,
    int Sequence,
    ApplicationStage Stage,
    DateTimeOffset At,
    string Cause,
    string? Detail,
    IReadOnlyList<string> WaitingFor,
    DateTimeOffset? WaitDeadline);

/// <summary>
/// The orchestration's custom status: the live truth the event endpoint checks callbacks against. It also carries the
/// last transition's time, cause and detail, so reconciliation can rebuild a lost or altered projection row exactly.
/// </summary>
public sealed record ApplicationStatus(
    ApplicationStage Stage,
    IReadOnlyList<string> WaitingFor,
    DateTimeOffset? WaitDeadline,
    int Sequence,
    DateTimeOffset? At = null,
    string? Cause = null,
    string? Detail = null);
