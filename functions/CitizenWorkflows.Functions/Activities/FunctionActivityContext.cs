using Microsoft.DurableTask;

namespace CitizenWorkflows.Functions.Activities;

/// <summary>The activity context an <c>[ActivityTrigger]</c> cannot bind: the activity's name and the calling instance.</summary>
sealed class FunctionActivityContext(TaskName name, string instanceId) : TaskActivityContext
{
    public override TaskName Name { get; } = name;

    public override string InstanceId { get; } = instanceId;
}
