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
    public ObjectCreator<TaskOrchestration> Orchestration(string name, Type type) => new OrchestrationCreator(name, type, services, shims);

    /// <summary>A creator per activity: every execution runs in its own service scope, as on the SDK's worker.</summary>
    public ObjectCreator<CoreActivity> Activity(string name, Type type) => new ActivityCreator(name, type, services, shims);

    sealed class OrchestrationCreator : ObjectCreator<TaskOrchestration>
    {
        readonly Type type;
        readonly IServiceProvider services;
        readonly DurableTaskShimFactory shims;

        public OrchestrationCreator(string name, Type type, IServiceProvider services, DurableTaskShimFactory shims)
        {
            Name = name;
            Version = string.Empty;
            this.type = type;
            this.services = services;
            this.shims = shims;
        }

        public override TaskOrchestration Create() =>
            shims.CreateOrchestration(new TaskName(Name), (ITaskOrchestrator)ActivatorUtilities.CreateInstance(services, type));
    }

    sealed class ActivityCreator : ObjectCreator<CoreActivity>
    {
        readonly Type type;
        readonly IServiceProvider services;
        readonly DurableTaskShimFactory shims;

        public ActivityCreator(string name, Type type, IServiceProvider services, DurableTaskShimFactory shims)
        {
            Name = name;
            Version = string.Empty;
            this.type = type;
            this.services = services;
            this.shims = shims;
        }

        public override CoreActivity Create() => new ScopedActivity(new TaskName(Name), type, services, shims);
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
