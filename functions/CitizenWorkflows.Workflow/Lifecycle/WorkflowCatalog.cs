using CitizenWorkflows.Workflow.Biometrics;
using CitizenWorkflows.Workflow.Biometrics.Duplicates;
using CitizenWorkflows.Workflow.Biometrics.ExternalMatcher;
using CitizenWorkflows.Workflow.Delivery;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Notifications;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Production;
using CitizenWorkflows.Workflow.Registry;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Lifecycle;

/// <summary>
/// Every orchestrator and activity by the name it runs under. The Local host registers exactly these; the Functions
/// app has one wrapper for each, and the parity test holds the two to it.
/// </summary>
public static class WorkflowCatalog
{
    public static readonly IReadOnlyDictionary<string, Type> Orchestrators = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        [CardApplicationOrchestration.Name] = typeof(CardApplicationOrchestration),
    };

    /// <summary>Activities run under their class name, so orchestrations call them by <c>nameof</c>.</summary>
    public static readonly IReadOnlyDictionary<string, Type> Activities = new[]
    {
        typeof(RecordTransitions),
        typeof(CheckApplication),
        typeof(CheckPortrait),
        typeof(SearchDuplicates),
        typeof(RequestBiometricSearch),
        typeof(CheckRegistry),
        typeof(PersonaliseCard),
        typeof(DispatchWorkOrder),
        typeof(RecordHandover),
        typeof(ReleaseCitizenClaim),
    }.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public static void Register(DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach ((string name, Type type) in Orchestrators)
        {
            registry.AddOrchestrator(name, type);
        }

        foreach ((string name, Type type) in Activities)
        {
            registry.AddActivity(name, type);
        }
    }
}
