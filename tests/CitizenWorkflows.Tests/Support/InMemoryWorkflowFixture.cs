using System.Text.Json;
using CitizenWorkflows.Biometrics.Portrait;
using CitizenWorkflows.Workflow;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Orchestration.Deadlines;
using CitizenWorkflows.Workflow.Production;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Tests.Support;

/// <summary>
/// The real orchestrations and activities on the in-memory orchestration service (fast, timers in real time), with the
/// activities' storage on a private Azurite. Deadlines are swept every 200 ms, as the Local host's poller and the
/// Functions app's timer do.
/// </summary>
public sealed class InMemoryWorkflowFixture : IAsyncLifetime
{
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> lastAnsweredSequence = new();
    readonly TaskCompletionSource stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);
    Task sweeping = Task.CompletedTask;

    public AzuriteFixture Azurite { get; } = new();

    public DurableTaskTestHost Host { get; private set; } = null!;

    public DurableTaskClient Client => Host.Client;

    public T Service<T>()
        where T : notnull => Host.Services.GetRequiredService<T>();

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:ConnectionString"] = Azurite.ConnectionString,
                [CardSigningKey.ConfigurationKey] = LocalHostProcess.CardSigningKeyPem,
            })
            .Build();
        Host = await DurableTestHosts.StartAsync(WorkflowCatalog.Register, services => services.AddLogging().AddCitizenWorkflows(configuration).AddOpenCvPortraitQuality(configuration));
        sweeping = SweepDeadlinesAsync();
    }

    async Task SweepDeadlinesAsync()
    {
        DeadlineSweep sweep = Service<DeadlineSweep>();
        while (!stopping.Task.IsCompleted)
        {
            try
            {
                await sweep.RunAsync(Client, CancellationToken.None);
            }
            catch (Azure.RequestFailedException)
            {
                // A pass that failed is retried by the next, as the host's poller does.
            }

            await Task.WhenAny(Task.Delay(200), stopping.Task);
        }
    }

    public async Task DisposeAsync()
    {
        stopping.TrySetResult();
        await sweeping;
        await Host.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    /// <summary>Stores the portrait as intake would and starts the workflow (this build's latest version unless given);
    /// returns the application id.</summary>
    public async Task<string> StartAsync(
        WorkflowPolicy policy, Applicant applicant, byte[]? portrait = null, int workflowVersion = CardApplicationOrchestration.LatestVersion)
    {
        string id = Guid.CreateVersion7().ToString("N");
        DocumentReference stored = await Service<DocumentStore>().StoreAsync(
            id, "portrait", portrait ?? Samples.PortraitPng, "image/png", CancellationToken.None);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var header = new ApplicationHeader(id, ApplicationType.New, applicant.BirthProvinceCode, "kiosk-test", now, now.AddDays(9));
        await Client.ScheduleNewOrchestrationInstanceAsync(
            CardApplicationOrchestration.Name, new CardApplicationInput(header, applicant, stored, [stored], policy, WorkflowVersion: workflowVersion),
            new StartOrchestrationOptions(id));
        return id;
    }

    /// <summary>Waits until the workflow's custom status says it waits for <paramref name="eventName"/>.</summary>
    public async Task<ApplicationStatus> WaitUntilWaitingForAsync(string id, string eventName, TimeSpan? timeout = null)
    {
        int answered = lastAnsweredSequence.GetValueOrDefault(id);
        DateTime until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            OrchestrationMetadata? instance = await Client.GetInstanceAsync(id, getInputsAndOutputs: true);
            ApplicationStatus? status = instance?.SerializedCustomStatus is { } json
                ? JsonSerializer.Deserialize<ApplicationStatus>(json, JsonSerializerOptions.Web)
                : null;
            if (status?.WaitingFor.Contains(eventName) == true && status.Sequence > answered)
            {
                return status;
            }

            if (instance?.IsCompleted == true || DateTime.UtcNow > until)
            {
                throw new Xunit.Sdk.XunitException(
                    $"Application {id} never waited for {eventName}: {instance?.RuntimeStatus} {status?.Stage} waiting for [{string.Join(", ", status?.WaitingFor ?? [])}] {instance?.FailureDetails?.ErrorMessage}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The application's projection once it holds every transition the workflow's custom status has announced: the
    /// status is set at once, the rows are written by the activity that follows (seconds later), so a test that has
    /// just seen a wait reads the projection through this.
    /// </summary>
    public async Task<ApplicationView> ProjectedAsync(string id, TimeSpan? timeout = null)
    {
        var projection = Service<ApplicationProjection>();
        DateTime until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            OrchestrationMetadata? instance = await Client.GetInstanceAsync(id, getInputsAndOutputs: true);
            int announced = instance?.SerializedCustomStatus is { } json
                ? JsonSerializer.Deserialize<ApplicationStatus>(json, JsonSerializerOptions.Web)?.Sequence ?? 0
                : 0;
            ApplicationView? view = await projection.GetAsync(id, default);
            if (view is not null && view.Timeline.Count > 0 && view.Timeline.Max(t => t.Sequence) >= announced)
            {
                return view;
            }

            if (DateTime.UtcNow > until)
            {
                throw new Xunit.Sdk.XunitException(
                    $"The projection of {id} stayed behind its workflow's status (sequence {announced}): {view?.Timeline.Count ?? 0} entries");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Raises the event once the workflow waits for it in a wait not yet answered, as a partner answers each order
    /// once (two answers raised back to back may reach the workflow in either order).
    /// </summary>
    public async Task RaiseWhenWaitingAsync(string id, string eventName, object payload)
    {
        ApplicationStatus status = await WaitUntilWaitingForAsync(id, eventName);
        lastAnsweredSequence[id] = status.Sequence;
        await Client.RaiseEventAsync(id, eventName, payload);
    }

    public async Task<CardApplicationResult> CompletionAsync(string id, TimeSpan? timeout = null)
    {
        DateTime until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            OrchestrationMetadata? instance = await Client.GetInstanceAsync(id, getInputsAndOutputs: true);
            if (instance is { IsCompleted: true })
            {
                Assert.True(instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed,
                    $"Orchestration {instance.RuntimeStatus}: {instance.FailureDetails?.ErrorMessage}");
                return instance.ReadOutputAs<CardApplicationResult>()!;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Application {id} still {instance?.RuntimeStatus} after the timeout.");
            }

            await Task.Delay(50);
        }
    }
}
