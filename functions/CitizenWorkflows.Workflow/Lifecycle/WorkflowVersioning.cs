using CitizenWorkflows.Workflow.Orchestration;
namespace CitizenWorkflows.Workflow.Lifecycle;

/// <summary>
/// The version of <see cref="CardApplicationOrchestration"/> new instances and re-drives start on:
/// <c>Workflow:OrchestrationVersion</c>, this build's <see cref="CardApplicationOrchestration.LatestVersion"/> unless
/// set (Durable Functions' <c>defaultVersion</c>, for this orchestration). Setting the previous version lets a build go
/// out before its new logic is switched on, so the build before it can still be rolled back to.
/// </summary>
public sealed record WorkflowVersioning
{
    /// <summary>Read from the policy's section, beside the other rules an application starts under.</summary>
    public const string SectionName = WorkflowPolicy.SectionName;

    public int OrchestrationVersion { get; init; } = CardApplicationOrchestration.LatestVersion;

    /// <summary>A build starts instances only on versions it can run.</summary>
    public bool IsKnown => OrchestrationVersion is >= 1 and <= CardApplicationOrchestration.LatestVersion;
}
