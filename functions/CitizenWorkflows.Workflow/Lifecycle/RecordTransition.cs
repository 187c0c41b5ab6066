using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask;

namespace CitizenWorkflows.Workflow.Lifecycle;

/// <summary>Projects one transition into the applications and timeline tables.</summary>
public sealed class RecordTransition(ApplicationProjection projection) : TaskActivity<ApplicationTransition, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, ApplicationTransition input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await projection.ApplyAsync(input, CancellationToken.None);
        return input.Sequence;
    }
}
