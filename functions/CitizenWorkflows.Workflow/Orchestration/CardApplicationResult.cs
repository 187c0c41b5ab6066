using CitizenWorkflows.Workflow.Domain;

namespace CitizenWorkflows.Workflow.Orchestration;

/// <summary>How an application's workflow ended.</summary>
public sealed record CardApplicationResult(ApplicationStage Stage, string? Reason, string? PersonalNumber);
