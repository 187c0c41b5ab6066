using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Tests.Support;
using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Tests.Local.Runtime;

/// <summary>
/// An orchestration episode held past its message's visibility timeout (an outage, or an overloaded host) loses its
/// lock: the control queue receives the message again under a new pop receipt. Abandoning the old episode must give up
/// at once, not hold the instance's session while it retries, so the copy received again runs.
/// </summary>
public sealed class LostEpisodeLockTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    // Long enough that the copy received again keeps its lock while the test runs the second episode.
    static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(10);

    /// <summary>DurableTask.AzureStorage's event "Received a duplicate message": the held message came back.</summary>
    const int DuplicateMessageDetected = 108;

    [Fact]
    public async Task An_episode_whose_message_came_back_is_abandoned_without_retrying_and_the_new_copy_completes()
    {
        var comeBack = new DuplicateReceipts();
        using var loggers = LoggerFactory.Create(logging => logging.AddProvider(comeBack));
        var hub = new TaskHubOptions
        {
            Name = "LostLock",
            PartitionCount = 1,
            VisibilityTimeout = VisibilityTimeout,
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(200),
        };
        var inner = new AzureStorageOrchestrationService(EmbeddedDurableRuntime.Settings(hub, azurite.ConnectionString, loggers));
        var service = new CountingOrchestrationService(inner);
        await service.CreateIfNotExistsAsync();
        await service.StartAsync();
        try
        {
            var client = new TaskHubClient(inner);
            OrchestrationInstance instance = await client.CreateOrchestrationInstanceAsync("LostLock", "", "lost-lock-1", "{}");
            using var wait = new CancellationTokenSource(TimeSpan.FromMinutes(1));

            TaskOrchestrationWorkItem first = await service.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.FromSeconds(30), wait.Token);
            Assert.Equal(instance.InstanceId, first.InstanceId);

            // Hold the episode until its visibility timeout lapses and the queue poller receives the start message again.
            await comeBack.Received.Task.WaitAsync(wait.Token);

            // Retrying would go on for the ten-minute outage patience; a lost lock ends the abandon at once.
            await service.AbandonTaskOrchestrationWorkItemAsync(first).WaitAsync(TimeSpan.FromSeconds(30), wait.Token);
            await service.ReleaseTaskOrchestrationWorkItemAsync(first);

            TaskOrchestrationWorkItem again = await service.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.FromSeconds(30), wait.Token);
            Assert.Equal(instance.InstanceId, again.InstanceId);
            HistoryEvent start = Assert.Single(again.NewMessages).Event;
            Assert.IsType<ExecutionStartedEvent>(start);

            OrchestrationRuntimeState state = again.OrchestrationRuntimeState;
            state.AddEvent(new OrchestratorStartedEvent(-1));
            state.AddEvent(start);
            state.AddEvent(new ExecutionCompletedEvent(0, "\"done\"", OrchestrationStatus.Completed));
            state.AddEvent(new OrchestratorCompletedEvent(-1));
            var status = new OrchestrationState
            {
                OrchestrationInstance = state.OrchestrationInstance,
                Name = state.Name,
                OrchestrationStatus = OrchestrationStatus.Completed,
                CreatedTime = state.CreatedTime,
                CompletedTime = state.CompletedTime,
                LastUpdatedTime = state.CompletedTime,
                Input = state.Input,
                Output = state.Output,
            };
            await service.CompleteTaskOrchestrationWorkItemAsync(again, state, [], [], [], null!, status);
            await service.ReleaseTaskOrchestrationWorkItemAsync(again);

            OrchestrationState stored = await client.GetOrchestrationStateAsync(instance);
            Assert.Equal(OrchestrationStatus.Completed, stored.OrchestrationStatus);
            Assert.Equal(1, service.OrchestrationWorkItems);
        }
        finally
        {
            await service.StopAsync(isForced: true);
        }
    }

    /// <summary>Completes when the provider reports a message received while a copy of it was still held.</summary>
    sealed class DuplicateReceipts : ILoggerProvider, ILogger
    {
        public TaskCompletionSource Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == DuplicateMessageDetected)
            {
                Received.TrySetResult();
            }
        }

        public void Dispose()
        {
        }
    }
}
