using CitizenWorkflows.Local.Runtime;
using DurableTask.Core;
using DurableTask.Core.History;

namespace CitizenWorkflows.Tests.Local.Runtime;

/// <summary>A start message delivered again (its delete lost to a kill) must not reach the sidecar's dispatcher.</summary>
public sealed class RepeatedStartTests
{
    static readonly OrchestrationInstance Instance = new() { InstanceId = "01a21aee9a327542afce502e1cf0db48", ExecutionId = "e1" };

    static TaskMessage Start() => new()
    {
        OrchestrationInstance = Instance,
        Event = new ExecutionStartedEvent(-1, "{}") { OrchestrationInstance = Instance, Name = "CardApplication" },
    };

    static TaskMessage Raised(string name) => new() { OrchestrationInstance = Instance, Event = new EventRaisedEvent(-1, "{}") { Name = name } };

    [Fact]
    public void A_start_for_an_instance_that_already_started_is_dropped_and_the_other_messages_are_kept()
    {
        var history = new OrchestrationRuntimeState([Start().Event]);
        TaskMessage printed = Raised("card-printed");
        var workItem = new TaskOrchestrationWorkItem { InstanceId = Instance.InstanceId, OrchestrationRuntimeState = history, NewMessages = [Start(), printed] };

        CountingOrchestrationService.DropRepeatedStarts(workItem);

        Assert.Equal([printed], workItem.NewMessages);
    }

    [Fact]
    public void A_new_instance_keeps_its_first_start_and_loses_a_second_one_in_the_same_batch()
    {
        TaskMessage first = Start();
        TaskMessage printed = Raised("card-printed");
        var workItem = new TaskOrchestrationWorkItem
        {
            InstanceId = Instance.InstanceId,
            OrchestrationRuntimeState = new OrchestrationRuntimeState(),
            NewMessages = [first, Start(), printed],
        };

        CountingOrchestrationService.DropRepeatedStarts(workItem);

        Assert.Equal([first, printed], workItem.NewMessages);
    }
}
