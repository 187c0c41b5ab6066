using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Operations.History;
using OrchestrationStatus = DurableTask.Core.OrchestrationStatus;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Tests.Local.Runtime;

/// <summary>
/// The Local host's <see cref="DurableTaskClient"/> over the Azure Storage service's own client, against the embedded
/// runtime (TaskHubWorker, the SDK's shims) on a private Azurite: every operation the Workflow's endpoints use.
/// </summary>
public sealed class OrchestrationServiceClientTests(OrchestrationServiceClientTests.RuntimeFixture runtime)
    : IClassFixture<OrchestrationServiceClientTests.RuntimeFixture>
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    DurableTaskClient Client => runtime.Client;

    [Fact]
    public async Task A_started_instance_gets_its_input_runs_an_activity_with_its_services_and_completes_on_the_raised_event()
    {
        var order = new Order("citizen-1", 2);
        string id = await StartAsync(order);
        OrchestrationMetadata waiting = await WaitingAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Running, waiting.RuntimeStatus);
        Assert.Equal(order, waiting.ReadInputAs<Order>());
        long activitiesBefore = runtime.Runtime.WorkItems.ActivityWorkItems;

        await Client.RaiseEventAsync(id, "Decision", new Decision("approved"));
        OrchestrationMetadata done = await CompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(new Answer("approved", order, "Dear citizen-1"), done.ReadOutputAs<Answer>());
        Assert.True(runtime.Runtime.WorkItems.ActivityWorkItems >= 1 && activitiesBefore >= 1, "the activity ran and was counted");
        Assert.True(runtime.Runtime.WorkItems.OrchestrationWorkItems >= 2, "at least the start and the event episodes were counted");

        // The history through the client's own API, as the operators' detail reads it on both hosts.
        IList<HistoryEvent> events = await Client.GetOrchestrationHistoryAsync(id);
        Assert.Equal(nameof(AwaitDecision), Assert.Single(events.OfType<ExecutionStartedEvent>()).Name);
        TaskScheduledEvent scheduled = Assert.Single(events.OfType<TaskScheduledEvent>());
        Assert.Equal(nameof(Greet), scheduled.Name);
        Assert.Equal(scheduled.EventId, Assert.Single(events.OfType<TaskCompletedEvent>()).TaskScheduledId);
        Assert.Equal("Decision", Assert.Single(events.OfType<EventRaisedEvent>()).Name);
        Assert.Equal(OrchestrationStatus.Completed, Assert.Single(events.OfType<ExecutionCompletedEvent>()).OrchestrationStatus);

        HistoryReading history = await OrchestrationHistory.ReadAsync(Client, id, CancellationToken.None);
        Assert.Null(history.Unavailable);
        Assert.Equal(events.Count, history.Events!.Count);
        Assert.Contains(history.Events, e => e.EventType == "TaskScheduled" && e.Name == nameof(Greet) && e.EventId == scheduled.EventId);
        Assert.Contains(history.Events, e => e.EventType == "EventRaised" && e.Name == "Decision");
        Assert.Contains(history.Events, e => e.EventType == "ExecutionCompleted");
        Assert.All(history.Events, e => Assert.InRange(e.Timestamp, waiting.CreatedAt.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1)));
    }

    [Fact]
    public async Task A_suspended_instance_holds_its_event_until_resumed()
    {
        string id = await StartAsync(new Order("citizen-2", 1));
        await WaitingAsync(id);

        await Client.SuspendInstanceAsync(id, "checking a complaint");
        await WaitForStatusAsync(id, OrchestrationRuntimeStatus.Suspended);
        await Client.RaiseEventAsync(id, "Decision", new Decision("approved"));
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, (await Client.GetInstanceAsync(id))!.RuntimeStatus);

        await Client.ResumeInstanceAsync(id, "complaint withdrawn");
        OrchestrationMetadata done = await CompletionAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("approved", done.ReadOutputAs<Answer>()!.Verdict);
    }

    [Fact]
    public async Task A_terminated_instance_keeps_the_output_it_was_given()
    {
        var order = new Order("citizen-3", 1);
        string id = await StartAsync(order);
        await WaitingAsync(id);

        await Client.TerminateInstanceAsync(id, new Answer("cancelled", order, "by an officer"));
        OrchestrationMetadata ended = await CompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, ended.RuntimeStatus);
        Assert.Equal(new Answer("cancelled", order, "by an officer"), ended.ReadOutputAs<Answer>());
    }

    [Fact]
    public async Task A_failing_activity_fails_the_instance_with_its_message()
    {
        string id = await StartAsync(new Order("citizen-4", -1));
        OrchestrationMetadata ended = await CompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, ended.RuntimeStatus);
        Assert.NotNull(ended.FailureDetails);
        Assert.Contains("copies must not be negative", ended.FailureDetails.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queries_filter_by_status_time_and_prefix_and_purge_takes_only_ended_instances()
    {
        DateTimeOffset before = DateTimeOffset.UtcNow.AddMinutes(-1);
        string prefix = "q" + Guid.NewGuid().ToString("N")[..8];
        string finished = await StartAsync(new Order("citizen-5", 1), prefix + "-finished");
        string running = await StartAsync(new Order("citizen-6", 1), prefix + "-running");
        await WaitingAsync(finished);
        await WaitingAsync(running);
        await Client.RaiseEventAsync(finished, "Decision", new Decision("approved"));
        await CompletionAsync(finished);

        List<OrchestrationMetadata> completed = await ListAsync(new OrchestrationQuery
        {
            Statuses = [OrchestrationRuntimeStatus.Completed], CreatedFrom = before, InstanceIdPrefix = prefix, FetchInputsAndOutputs = true, PageSize = 1,
        });
        OrchestrationMetadata only = Assert.Single(completed);
        Assert.Equal(finished, only.InstanceId);
        Assert.Equal("approved", only.ReadOutputAs<Answer>()!.Verdict);
        Assert.Equal(
            [finished, running],
            (await ListAsync(new OrchestrationQuery { InstanceIdPrefix = prefix, PageSize = 1 })).Select(i => i.InstanceId).Order(StringComparer.Ordinal));
        Assert.Empty(await ListAsync(new OrchestrationQuery { InstanceIdPrefix = prefix, CreatedTo = before }));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Client.PurgeInstanceAsync(running));
        Assert.Equal(1, (await Client.PurgeInstanceAsync(finished)).PurgedInstanceCount);
        Assert.Null(await Client.GetInstanceAsync(finished));
        Assert.Equal(0, (await Client.PurgeInstanceAsync(finished)).PurgedInstanceCount);
        Assert.NotNull(await Client.GetInstanceAsync(running));
    }

    async Task<string> StartAsync(Order order, string? id = null) =>
        await Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(AwaitDecision), order, new StartOrchestrationOptions(id ?? Guid.NewGuid().ToString("N")));

    async Task<List<OrchestrationMetadata>> ListAsync(OrchestrationQuery query)
    {
        var found = new List<OrchestrationMetadata>();
        await foreach (OrchestrationMetadata instance in Client.GetAllInstancesAsync(query))
        {
            found.Add(instance);
        }

        return found;
    }

    /// <summary>Until the instance says it waits for the decision (its activity has run).</summary>
    async Task<OrchestrationMetadata> WaitingAsync(string id) =>
        await PollAsync(id, i => i.ReadCustomStatusAs<string>() == "Decision", "waiting for the decision");

    async Task WaitForStatusAsync(string id, OrchestrationRuntimeStatus status) =>
        await PollAsync(id, i => i.RuntimeStatus == status, status.ToString());

    async Task<OrchestrationMetadata> CompletionAsync(string id)
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
    }

    async Task<OrchestrationMetadata> PollAsync(string id, Func<OrchestrationMetadata, bool> done, string what)
    {
        DateTime until = DateTime.UtcNow + Patience;
        while (true)
        {
            OrchestrationMetadata? instance = await Client.GetInstanceAsync(id, getInputsAndOutputs: true);
            if (instance is not null && done(instance))
            {
                return instance;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException(
                    $"Instance {id} never reached '{what}': {instance?.RuntimeStatus} {instance?.SerializedCustomStatus} {instance?.FailureDetails?.ErrorMessage}");
            }

            await Task.Delay(100);
        }
    }

    public sealed record Order(string Citizen, int Copies);

    public sealed record Decision(string Verdict);

    public sealed record Answer(string Verdict, Order Order, string Greeting);

    /// <summary>A service the activity gets from the host's container, as the Workflow's activities get theirs.</summary>
    public sealed class Salutation(string text)
    {
        public string Text { get; } = text;
    }

    public sealed class AwaitDecision : TaskOrchestrator<Order, Answer>
    {
        public override async Task<Answer> RunAsync(TaskOrchestrationContext context, Order input)
        {
            ArgumentNullException.ThrowIfNull(context);
            ArgumentNullException.ThrowIfNull(input);
            string greeting = await context.CallActivityAsync<string>(nameof(Greet), input);
            context.SetCustomStatus("Decision");
            Decision decision = await context.WaitForExternalEvent<Decision>("Decision");
            return new Answer(decision.Verdict, input, greeting);
        }
    }

    public sealed class Greet(Salutation salutation) : TaskActivity<Order, string>
    {
        public override Task<string> RunAsync(TaskActivityContext context, Order input)
        {
            ArgumentNullException.ThrowIfNull(input);
            return input.Copies < 0
                ? throw new InvalidOperationException("copies must not be negative")
                : Task.FromResult($"{salutation.Text} {input.Citizen}");
        }
    }

    /// <summary>A private Azurite and the embedded runtime on it, dispatching the test's orchestrator and activity.</summary>
    public sealed class RuntimeFixture : IAsyncLifetime
    {
        readonly AzuriteFixture azurite = new();
        ServiceProvider services = null!;

        public EmbeddedDurableRuntime Runtime { get; private set; } = null!;

        public DurableTaskClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await azurite.InitializeAsync();
            services = new ServiceCollection().AddLogging().AddSingleton(new Salutation("Dear")).BuildServiceProvider();
            ILoggerFactory loggers = services.GetRequiredService<ILoggerFactory>();
            var hub = new TaskHubOptions { Name = "ClientAdapter", PartitionCount = 2, WorkerId = "client-tests", MaxQueuePollingInterval = TimeSpan.FromMilliseconds(500) };
            Runtime = await EmbeddedDurableRuntime.CreateAsync(EmbeddedDurableRuntime.Settings(hub, azurite.ConnectionString, loggers));
            await Runtime.StartAsync(
                services,
                loggers,
                new Dictionary<string, Type> { [nameof(AwaitDecision)] = typeof(AwaitDecision) },
                new Dictionary<string, Type> { [nameof(Greet)] = typeof(Greet) });
            Client = new OrchestrationServiceClient(Runtime.Client);
        }

        public async Task DisposeAsync()
        {
            await Runtime.DisposeAsync();
            await services.DisposeAsync();
            await azurite.DisposeAsync();
        }
    }
}
