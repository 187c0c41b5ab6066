using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker.Shims;
using CoreActivity = DurableTask.Core.TaskActivity;

namespace CitizenWorkflows.Local.Runtime;

/// <summary>
/// Turns the Workflow's <see cref="ITaskOrchestrator"/>/<see cref="ITaskActivity"/> classes into the
/// <see cref="TaskOrchestration"/>/<see cref="CoreActivity"/> objects <see cref="TaskHubWorker"/> runs, through the SDK's
/// own <see cref="DurableTaskShimFactory"/>, constructing each class from the host's services as the SDK's worker does.
/// </summary>
public sealed class WorkflowTaskCreators(IServiceProvider services, DurableTaskShimFactory shims)
{
    /// <summary>A creator per orchestrator: every execution gets a fresh shim (a shim holds the execution's state).</summary>
    public ObjectCreator<TaskOrchestration> Orchestration(string name, Type type) => new Creator<TaskOrchestration>(
        name, () => shims.CreateOrchestration(new TaskName(name), (ITaskOrchestrator)ActivatorUtilities.CreateInstance(services, type)));

    /// <summary>A creator per activity: every execution runs in its own service scope, as on the SDK's worker.</summary>
    public ObjectCreator<CoreActivity> Activity(string name, Type type) =>
        new Creator<CoreActivity>(name, () => new ScopedActivity(new TaskName(name), type, services, shims));

    /// <summary>Calls its factory for every execution (<see cref="NameValueObjectCreator{T}"/> would share one object).</summary>
    sealed class Creator<T> : ObjectCreator<T>
    {
        readonly Func<T> create;

        public Creator(string name, Func<T> create)
        {
            Name = name;
            Version = string.Empty;
            this.create = create;
        }

        public override T Create() => create();
    }

    /// <summary>Resolves the activity class in a scope that lives exactly as long as the execution.</summary>
    sealed class ScopedActivity(TaskName name, Type type, IServiceProvider services, DurableTaskShimFactory shims) : CoreActivity
    {
        public override string Run(TaskContext context, string input) =>
            throw new NotSupportedException("The dispatcher runs activities through RunAsync.");

        public override async Task<string> RunAsync(TaskContext context, string input)
        {
            await using AsyncServiceScope scope = services.CreateAsyncScope();
            var activity = (ITaskActivity)ActivatorUtilities.CreateInstance(scope.ServiceProvider, type);
            return await shims.CreateActivity(name, activity).RunAsync(context, input);
        }
    }
}
