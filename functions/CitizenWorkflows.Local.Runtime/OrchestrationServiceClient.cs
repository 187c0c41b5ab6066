using System.Diagnostics;
using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Query;
using DurableTask.Core.Tracing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Core = DurableTask.Core;
using CoreQuery = DurableTask.Core.Query.OrchestrationQuery;
using SdkPurgeResult = Microsoft.DurableTask.Client.PurgeResult;
using SdkQuery = Microsoft.DurableTask.Client.OrchestrationQuery;

namespace CitizenWorkflows.Local.Runtime;

/// <summary>
/// The <see cref="DurableTaskClient"/> the Workflow's endpoints use in the Local host, over the orchestration service's
/// own client (what Durable Functions' <c>[DurableClient]</c> is in Azure). Payloads are written with
/// <see cref="EmbeddedDurableRuntime.Converter"/>, the converter the shims read with.
/// </summary>
public sealed class OrchestrationServiceClient(IOrchestrationServiceClient client) : DurableTaskClient("Local")
{
    static DataConverter Converter => EmbeddedDurableRuntime.Converter;

    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(
        TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        string instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        var instance = new OrchestrationInstance { InstanceId = instanceId, ExecutionId = Guid.NewGuid().ToString("N") };
        var message = new TaskMessage
        {
            OrchestrationInstance = instance,
            Event = new ExecutionStartedEvent(-1, Converter.Serialize(input))
            {
                Name = orchestratorName.Name,
                Version = options?.Version?.Version ?? string.Empty,
                OrchestrationInstance = instance,
                ScheduledStartTime = options?.StartAt?.UtcDateTime,
                Tags = options?.Tags?.ToDictionary(t => t.Key, t => t.Value),
                // The caller's span (a kiosk's POST) becomes the parent of every episode and activity of the workflow:
                // DurableTask.Core opens them under the trace context stored with the start.
                ParentTraceContext = Activity.Current is { Id: { } parent } caller ? new DistributedTraceContext(parent, caller.TraceStateString) : null,
            },
        };

        // No dedupe statuses unless asked: the provider then replaces an ended instance of the same id (a re-drive) and
        // refuses none, as the SDK's own clients do.
        Core.OrchestrationStatus[]? dedupe = options?.DedupeStatuses is { Count: > 0 } statuses
            ? [.. statuses.Select(s => ToCore(Enum.Parse<OrchestrationRuntimeStatus>(s, ignoreCase: true)))]
            : null;
        await client.CreateTaskOrchestrationAsync(message, dedupe);
        return instanceId;
    }

    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        return SendAsync(instanceId, new EventRaisedEvent(-1, Converter.Serialize(eventPayload)) { Name = eventName }, cancellation);
    }

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionSuspendedEvent(-1, reason), cancellation);

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new ExecutionResumedEvent(-1, reason), cancellation);

    /// <summary>The output becomes the terminated instance's output, serialized as every other payload.</summary>
    public override Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        cancellation.ThrowIfCancellationRequested();
        return client.ForceTerminateTaskOrchestrationAsync(instanceId, Converter.Serialize(options?.Output));
    }

    public override async Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        cancellation.ThrowIfCancellationRequested();
        // The Azure Storage service can leave the input out (it may live in a blob); it answers an unknown id with [null].
        IList<OrchestrationState> states = client is AzureStorageOrchestrationService azure
            ? await azure.GetOrchestrationStateAsync(instanceId, allExecutions: false, fetchInput: getInputsAndOutputs)
            : await client.GetOrchestrationStateAsync(instanceId, allExecutions: false);
        return states is { Count: > 0 } && states[0] is { } state ? ToMetadata(state, getInputsAndOutputs) : null;
    }

    /// <summary>
    /// The latest execution's history from the service (what Durable Functions' host streams to its client in Azure). The
    /// service answers with the events as JSON without their types, so each is read back as the class its
    /// <see cref="HistoryEvent.EventType"/> names.
    /// </summary>
    public override async Task<IList<HistoryEvent>> GetOrchestrationHistoryAsync(string instanceId, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        cancellation.ThrowIfCancellationRequested();
        string json = await client.GetOrchestrationHistoryAsync(instanceId, executionId: null);
        return [.. Newtonsoft.Json.Linq.JArray.Parse(json).Cast<Newtonsoft.Json.Linq.JObject>().Select(ToHistoryEvent)];
    }

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(SdkQuery? filter = null)
    {
        IOrchestrationServiceQueryClient queries = client as IOrchestrationServiceQueryClient
            ?? throw new NotSupportedException($"{client.GetType().Name} cannot query instances.");
        return Pageable.Create(async (continuation, pageSize, cancellation) =>
        {
            var query = new CoreQuery
            {
                RuntimeStatus = filter?.Statuses?.Select(ToCore).ToList(),
                CreatedTimeFrom = filter?.CreatedFrom?.UtcDateTime,
                CreatedTimeTo = filter?.CreatedTo?.UtcDateTime,
                TaskHubNames = filter?.TaskHubNames?.ToList(),
                PageSize = pageSize ?? filter?.PageSize ?? SdkQuery.DefaultPageSize,
                ContinuationToken = continuation ?? filter?.ContinuationToken,
                InstanceIdPrefix = filter?.InstanceIdPrefix,
                FetchInputsAndOutputs = filter?.FetchInputsAndOutputs ?? false,
            };
            OrchestrationQueryResult result = await queries.GetOrchestrationWithQueryAsync(query, cancellation);
            return new Page<OrchestrationMetadata>(
                [.. result.OrchestrationState.Select(s => ToMetadata(s, query.FetchInputsAndOutputs))], result.ContinuationToken);
        });
    }

    /// <summary>Purges an ended instance; one still running is refused, as by the SDK's clients.</summary>
    public override async Task<SdkPurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        OrchestrationMetadata? instance = await GetInstancesAsync(instanceId, getInputsAndOutputs: false, cancellation);
        if (instance is null)
        {
            return new SdkPurgeResult(0);
        }

        if (!instance.IsCompleted)
        {
            throw new InvalidOperationException($"Instance '{instanceId}' is {instance.RuntimeStatus}: only ended instances can be purged.");
        }

        Core.PurgeResult result = await PurgeClient.PurgeInstanceStateAsync(instanceId);
        return new SdkPurgeResult(result.DeletedInstanceCount);
    }

    public override async Task<SdkPurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        cancellation.ThrowIfCancellationRequested();
        Core.PurgeResult result = await PurgeClient.PurgeInstanceStateAsync(new PurgeInstanceFilter(
            (filter.CreatedFrom ?? DateTimeOffset.MinValue).UtcDateTime, filter.CreatedTo?.UtcDateTime, filter.Statuses?.Select(ToCore)));
        return new SdkPurgeResult(result.DeletedInstanceCount);
    }

    public override async Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        while (true)
        {
            OrchestrationMetadata instance = await GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation)
                ?? throw new InvalidOperationException($"Instance '{instanceId}' does not exist.");
            if (instance.RuntimeStatus != OrchestrationRuntimeStatus.Pending)
            {
                return instance;
            }

            await Task.Delay(PollingInterval, cancellation);
        }
    }

    public override async Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        while (true)
        {
            OrchestrationMetadata instance = await GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation)
                ?? throw new InvalidOperationException($"Instance '{instanceId}' does not exist.");
            if (instance.IsCompleted)
            {
                return instance;
            }

            await Task.Delay(PollingInterval, cancellation);
        }
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    static readonly TimeSpan PollingInterval = TimeSpan.FromMilliseconds(500);

    IOrchestrationServicePurgeClient PurgeClient => client as IOrchestrationServicePurgeClient
        ?? throw new NotSupportedException($"{client.GetType().Name} cannot purge instances.");

    Task SendAsync(string instanceId, HistoryEvent message, CancellationToken cancellation)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        cancellation.ThrowIfCancellationRequested();
        return client.SendTaskOrchestrationMessageAsync(new TaskMessage { OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId }, Event = message });
    }

    static HistoryEvent ToHistoryEvent(Newtonsoft.Json.Linq.JObject json)
    {
        EventType? type = json.Value<string>(nameof(HistoryEvent.EventType)) is { } name && Enum.TryParse(name, out EventType parsed) ? parsed : null;
        Type eventClass = type switch
        {
            EventType.ExecutionStarted => typeof(ExecutionStartedEvent),
            EventType.ExecutionCompleted => typeof(ExecutionCompletedEvent),
            EventType.ExecutionTerminated => typeof(ExecutionTerminatedEvent),
            EventType.ExecutionSuspended => typeof(ExecutionSuspendedEvent),
            EventType.ExecutionResumed => typeof(ExecutionResumedEvent),
            EventType.ContinueAsNew => typeof(ContinueAsNewEvent),
            EventType.OrchestratorStarted => typeof(OrchestratorStartedEvent),
            EventType.OrchestratorCompleted => typeof(OrchestratorCompletedEvent),
            EventType.TaskScheduled => typeof(TaskScheduledEvent),
            EventType.TaskCompleted => typeof(TaskCompletedEvent),
            EventType.TaskFailed => typeof(TaskFailedEvent),
            EventType.SubOrchestrationInstanceCreated => typeof(SubOrchestrationInstanceCreatedEvent),
            EventType.SubOrchestrationInstanceCompleted => typeof(SubOrchestrationInstanceCompletedEvent),
            EventType.SubOrchestrationInstanceFailed => typeof(SubOrchestrationInstanceFailedEvent),
            EventType.TimerCreated => typeof(TimerCreatedEvent),
            EventType.TimerFired => typeof(TimerFiredEvent),
            EventType.EventSent => typeof(EventSentEvent),
            EventType.EventRaised => typeof(EventRaisedEvent),
            EventType.HistoryState => typeof(HistoryStateEvent),
            EventType.ExecutionRewound => typeof(ExecutionRewoundEvent),
            _ => typeof(GenericEvent),
        };
        return (HistoryEvent)json.ToObject(eventClass)!;
    }

    static OrchestrationMetadata ToMetadata(OrchestrationState state, bool withInputsAndOutputs) =>
        new(state.Name, state.OrchestrationInstance.InstanceId)
        {
            DataConverter = withInputsAndOutputs ? Converter : null,
            RuntimeStatus = FromCore(state.OrchestrationStatus),
            CreatedAt = new DateTimeOffset(DateTime.SpecifyKind(state.CreatedTime, DateTimeKind.Utc)),
            LastUpdatedAt = new DateTimeOffset(DateTime.SpecifyKind(state.LastUpdatedTime, DateTimeKind.Utc)),
            SerializedInput = withInputsAndOutputs ? state.Input : null,
            SerializedOutput = withInputsAndOutputs ? state.Output : null,
            SerializedCustomStatus = state.Status,
            FailureDetails = FailureOf(state),
            Tags = state.Tags?.ToDictionary(t => t.Key, t => t.Value) ?? new Dictionary<string, string>(),
        };

    /// <summary>
    /// A failed instance's failure details. The Azure Storage provider keeps only their text as the instance's output
    /// (<see cref="FailureDetails.ToString"/>: "type: message"), so the type and message are read back from it.
    /// </summary>
    static TaskFailureDetails? FailureOf(OrchestrationState state)
    {
        if (state.FailureDetails is { } details)
        {
            return FromCore(details);
        }

        if (state.OrchestrationStatus != Core.OrchestrationStatus.Failed || state.Output is not { Length: > 0 } text)
        {
            return null;
        }

        int colon = text.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 && !text[..colon].Contains(' ', StringComparison.Ordinal)
            ? new TaskFailureDetails(text[..colon], text[(colon + 2)..], null, null, null)
            : new TaskFailureDetails("Failed", text, null, null, null);
    }

    static TaskFailureDetails FromCore(FailureDetails details) =>
        new(details.ErrorType, details.ErrorMessage, details.StackTrace, details.InnerFailure is { } inner ? FromCore(inner) : null, details.Properties);

    // The two enums share their names (not a promise about their numbers).
    static OrchestrationRuntimeStatus FromCore(Core.OrchestrationStatus status) => Enum.Parse<OrchestrationRuntimeStatus>(status.ToString());

    static Core.OrchestrationStatus ToCore(OrchestrationRuntimeStatus status) => Enum.Parse<Core.OrchestrationStatus>(status.ToString());
}
