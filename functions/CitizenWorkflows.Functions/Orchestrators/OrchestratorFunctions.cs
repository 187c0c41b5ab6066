using CitizenWorkflows.Workflow.Lifecycle;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using CitizenWorkflows.Workflow.Orchestration;

namespace CitizenWorkflows.Functions.Orchestrators;

/// <summary>One wrapper per entry of <see cref="WorkflowCatalog.Orchestrators"/>, under the same durable name.</summary>
public static class OrchestratorFunctions
{
    [Function(CardApplicationOrchestration.Name)]
    public static Task<CardApplicationResult> RunCardApplication([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new CardApplicationOrchestration().RunAsync(context, context.GetInput<CardApplicationInput>()!);
    }
}
