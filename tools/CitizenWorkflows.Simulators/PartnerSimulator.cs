using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using CitizenWorkflows.Local.Identity;
using CitizenWorkflows.Workflow.Delivery;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Delivery.Shipments;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Production;
using CitizenWorkflows.Workflow.Production.PrintBatches;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Simulators;

/// <summary>
/// A partner that takes work orders from its queue and, after a delay, answers through the same HTTP callbacks a
/// real print centre or courier uses, signed in at the local OpenID provider as its own client (an officer for the station).
/// </summary>
public abstract partial class PartnerSimulator(WorkOrderQueues queues, PartnerHost host, ILogger logger) : BackgroundService
{
    /// <summary>After this many refusals (409: the workflow does not wait for it) an order is dropped as stale.</summary>
    const int MaxDeliveries = 5;

    /// <summary>How long a message stays hidden after each renewal while its order is worked on.</summary>
    static readonly TimeSpan MessageHold = TimeSpan.FromSeconds(30);
    static readonly TimeSpan MinIdleWait = TimeSpan.FromMilliseconds(250);
    static readonly TimeSpan MaxIdleWait = TimeSpan.FromSeconds(2);

    static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(250);
    static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(5);

    /// <summary>The W3C Trace Context header a callback carries the work order's trace context in.</summary>
    public const string TraceParentHeader = "traceparent";

    protected abstract string QueueName { get; }

    protected abstract string Role { get; }

    protected abstract PartnerSimulatorOptions Options { get; }

    /// <summary>
    /// The callbacks that answer <paramref name="order"/>, in order (picked up, in transit, delivered); each is sent once
    /// the workflow has taken the one before. <paramref name="fail"/>: the last one reports a failure instead.
    /// </summary>
    protected abstract IReadOnlyList<Callback> CallbacksFor(WorkOrder order, bool fail);

    /// <summary>The cards one queue message asks for: a single order is one, a print batch or a shipment is many.</summary>
    protected virtual IReadOnlyList<WorkOrder> OrdersIn(string messageText) => [WorkOrderQueues.Parse(messageText)];

    /// <summary>One callback: the event and its body (the attempt is echoed, so a late answer cannot count for a later order).</summary>
    protected internal sealed record Callback(string Event, object Body);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LocalAccount account = host.Identities.WidestOf(Role)
            ?? throw new InvalidOperationException($"The {Role} simulator needs an account with role '{Role}' in {host.Identities.Path}.");
        using var http = new HttpClient(new LocalAccessTokenHandler(host.Address, account)) { BaseAddress = host.Address };
        using var slots = new SemaphoreSlim(Options.Concurrency);
        var queue = queues.Queue(QueueName);
        TimeSpan invisibleFor = Options.Delay + MessageHold;
        TimeSpan idle = MinIdleWait;
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] messages;
            try
            {
                int free = Math.Max(1, Math.Min(32, slots.CurrentCount));
                messages = (await queue.ReceiveMessagesAsync(free, invisibleFor, stoppingToken)).Value;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogQueueError(logger, QueueName, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                continue;
            }

            if (messages.Length == 0)
            {
                // Back off while idle (250 ms doubling to 2 s): every receive costs the emulator a sweep of all queues' messages.
                await Task.Delay(idle, stoppingToken);
                idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, MaxIdleWait.Ticks));
                continue;
            }

            idle = MinIdleWait;

            foreach (QueueMessage message in messages)
            {
                await slots.WaitAsync(stoppingToken);
                _ = Task.Run(
                    async () =>
                    {
                        try
                        {
                            await AnswerAsync(http, queue, message, stoppingToken);
                        }
                        finally
                        {
                            slots.Release();
                        }
                    },
                    stoppingToken);
            }
        }
    }

    async Task AnswerAsync(HttpClient http, QueueClient queue, QueueMessage message, CancellationToken stoppingToken)
    {
        // A shipment of fifty cards is answered leg by leg for minutes: keep its message hidden while it is worked on,
        // so no second copy starts beside it (it reappears only if this process dies).
        await using var hold = new HeldMessage(queue, message, MessageHold);
        try
        {
            IReadOnlyList<WorkOrder> orders = OrdersIn(message.MessageText);
            await Task.Delay(Options.Delay, stoppingToken);
            bool[] done = new bool[orders.Count];
            await Parallel.ForEachAsync(
                Enumerable.Range(0, orders.Count),
                new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = stoppingToken },
                async (i, ct) => done[i] = await AnswerOrderAsync(http, orders[i], orders.Count > 1, message.DequeueCount, ct));
            if (done.All(d => d))
            {
                await hold.DeleteAsync(stoppingToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The message becomes visible again and is retried.
            LogAnswerError(logger, QueueName, e.Message);
        }
    }

    /// <summary>Sends the order's callbacks in turn; true when the order needs no further delivery of its message.</summary>
    async Task<bool> AnswerOrderAsync(HttpClient http, WorkOrder order, bool inBatch, long dequeueCount, CancellationToken stoppingToken)
    {
        IReadOnlyList<Callback> callbacks = CallbacksFor(order, Random.Shared.NextDouble() < Options.FailureRate);
        int step = 0;
        DateTimeOffset givesUpAt = DateTimeOffset.UtcNow + Options.Patience;
        TimeSpan pause = FirstPause;
        bool saidTooEarly = false;
        while (step < callbacks.Count)
        {
            string path = $"/{ApiRoutes.Prefix}/v1/applications/{order.ApplicationId}/events/{callbacks[step].Event}";
            (HttpStatusCode status, WrongStage? wrongStage) = await PostAsync(http, path, callbacks[step].Body, order.TraceParent, stoppingToken);
            if (status == HttpStatusCode.Accepted)
            {
                step++;
                givesUpAt = DateTimeOffset.UtcNow + Options.Patience;
                pause = FirstPause;
                if (step < callbacks.Count)
                {
                    await Task.Delay(Options.LegDelay, stoppingToken);
                }

                continue;
            }

            if (status != HttpStatusCode.Conflict || wrongStage is null)
            {
                // 404: the application no longer exists. Anything else (a host busy or restarting): deliver the message again.
                return status == HttpStatusCode.NotFound;
            }

            // A redelivered order whose first legs were answered before this process died: go on where the workflow is.
            int ahead = FirstWaitedFor(callbacks, step + 1, wrongStage.WaitingFor);
            if (ahead >= 0)
            {
                step = ahead;
                continue;
            }

            if (step == 0 && WasAnsweredBefore(order, callbacks[0].Event, wrongStage))
            {
                // The workflow has reached or passed the stage this order was sent at, and does not wait for its answer:
                // a card of a batch was answered before; a single order is retried a few times in case its wait is
                // being recorded again (a takeover replaying it).
                bool drop = inBatch || dequeueCount >= MaxDeliveries;
                if (drop)
                {
                    // Said, so a card that then waits for its deadline can be traced to this answer (faults two-workers).
                    LogDropped(logger, QueueName, callbacks[0].Event, order.ApplicationId, wrongStage.Stage, wrongStage.RuntimeStatus,
                        string.Join(",", wrongStage.WaitingFor));
                }

                return drop;
            }

            if (step == 0 && !saidTooEarly)
            {
                LogTooEarly(logger, QueueName, callbacks[0].Event, order.ApplicationId, wrongStage.Stage);
                saidTooEarly = true;
            }

            // This leg overtook the workflow's recording of the one before (it still waits for that, or is between
            // waits), or the first one overtook the recording of the wait it answers: try again until it is taken,
            // the workflow ends, or patience runs out.
            bool live = MayStillTake(wrongStage.RuntimeStatus);
            if (!live || DateTimeOffset.UtcNow >= givesUpAt)
            {
                if (live)
                {
                    LogGaveUp(logger, QueueName, callbacks[step].Event, Options.Patience);
                }

                return true;
            }

            await Task.Delay(pause, stoppingToken);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, MaxPause.Ticks));
        }

        return true;
    }

    /// <summary>
    /// Whether a workflow that refused a callback (409 <c>wrong-stage</c> with this <c>runtimeStatus</c>) may still take
    /// it: it has not ended. <c>Pending</c> counts: DurableTask.AzureStorage records <c>Running</c> only with the first
    /// checkpoint, so a workflow whose first checkpoint broke in a storage outage says <c>Pending</c> for the rest of its
    /// run (found by <c>faults azurite-restart</c>: such cards' later legs were dropped and they never arrived).
    /// </summary>
    public static bool MayStillTake(string? runtimeStatus) => runtimeStatus is "Running" or "Pending" or "Suspended";

    /// <summary>
    /// Whether a refused first callback came before the workflow recorded the wait it answers: the workflow is live and
    /// says a stage before the one its orders of this kind are sent at. DurableTask.AzureStorage sends an episode's
    /// messages (the activity that sends the order) before it writes the instance's status, so until that write (or,
    /// when the worker dies between the two, until the next episode after a takeover) the status still says the stage
    /// before. Found by <c>faults two-workers</c>: a printed card's callback, refused then and taken as answered before,
    /// left the card in Printing.
    /// </summary>
    public static bool IsTooEarly(WorkOrder order, WrongStage refusal) =>
        MayStillTake(refusal.RuntimeStatus)
        && OrderedAt.TryGetValue(order.Kind, out ApplicationStage orderedAt)
        && (refusal.Stage is null || (Enum.TryParse(refusal.Stage, out ApplicationStage stage) && stage < orderedAt));

    /// <summary>
    /// Whether a refused first callback of an order was answered before (and is dropped): not too early, and the
    /// workflow does not say it waits for this answer (one that does refused it for another reason, e.g. an operator
    /// suspended it, and is answered again).
    /// </summary>
    public static bool WasAnsweredBefore(WorkOrder order, string firstEvent, WrongStage refusal) =>
        !IsTooEarly(order, refusal) && !refusal.WaitingFor.Contains(firstEvent, StringComparer.Ordinal);

    /// <summary>The stage a workflow records when it sends an order of each kind (the lifecycle's order of stages).</summary>
    static readonly Dictionary<WorkOrderKind, ApplicationStage> OrderedAt =
        new PartnerHandoff[] { CardPrinting.Handoff, CardDelivery.Pickup, CardDelivery.ToAddress, CardDelivery.ReturnToStation, CardDelivery.Collection }
            .ToDictionary(handoff => handoff.Kind, handoff => handoff.WaitingStage);

    static int FirstWaitedFor(IReadOnlyList<Callback> callbacks, int from, IReadOnlyList<string> waitingFor)
    {
        for (int i = from; i < callbacks.Count; i++)
        {
            if (waitingFor.Contains(callbacks[i].Event, StringComparer.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    static async Task<(HttpStatusCode Status, WrongStage? WrongStage)> PostAsync(
        HttpClient http, string path, object body, string? traceParent, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };
        if (traceParent is not null)
        {
            // A real partner echoes the work order's trace context the same way: its callback joins the application's trace.
            request.Headers.TryAddWithoutValidation(TraceParentHeader, traceParent);
        }

        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken);
        WrongStage? wrongStage = response.StatusCode == HttpStatusCode.Conflict
            ? await response.Content.ReadFromJsonAsync<WrongStage>(JsonSerializerOptions.Web, cancellationToken)
            : null;
        return (response.StatusCode, wrongStage);
    }

    /// <summary>The members of a 409 <c>wrong-stage</c> problem a partner acts on.</summary>
    public sealed record WrongStage(string? Stage, string? RuntimeStatus, IReadOnlyList<string> WaitingFor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulator queue {Queue} unreachable: {Error}")]
    static partial void LogQueueError(ILogger logger, string queue, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulator for {Queue} could not answer an order: {Error}")]
    static partial void LogAnswerError(ILogger logger, string queue, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulator for {Queue} took the refused {Event} of {ApplicationId} as answered before: the workflow is {Stage} ({RuntimeStatus}), waiting for [{WaitingFor}]")]
    static partial void LogDropped(ILogger logger, string queue, string @event, string applicationId, string? stage, string? runtimeStatus, string waitingFor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulator for {Queue}: {Event} of {ApplicationId} came before the workflow recorded the wait (it says {Stage}); answering again")]
    static partial void LogTooEarly(ILogger logger, string queue, string @event, string applicationId, string? stage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulator for {Queue} gave up on {Event}: the workflow did not take it within {Patience}")]
    static partial void LogGaveUp(ILogger logger, string queue, string @event, TimeSpan patience);
}

/// <summary>The print centre: takes each print batch, prints its cards and reports card-printed (or card-print-failed) per card.</summary>
public sealed class PrintCentreSimulator(
    WorkOrderQueues queues, PartnerHost host, IOptions<SimulatorOptions> options, ILogger<PrintCentreSimulator> logger)
    : PartnerSimulator(queues, host, logger)
{
    protected override string QueueName => StorageNames.PrintOrdersQueue;

    protected override string Role => Roles.PrintCentre;

    protected override PartnerSimulatorOptions Options => options.Value.PrintCentre;

    protected override IReadOnlyList<WorkOrder> OrdersIn(string messageText)
    {
        PrintBatchOrder batch = JsonSerializer.Deserialize<PrintBatchOrder>(messageText, JsonSerializerOptions.Web)
            ?? throw new FormatException("Empty print batch message.");
        return [.. batch.Cards.Select(card => new WorkOrder(card.ApplicationId, WorkOrderKind.Print, card.Attempt, TraceParent: card.TraceParent))];
    }

    protected override IReadOnlyList<Callback> CallbacksFor(WorkOrder order, bool fail) =>
    [
        fail
            ? new(ApplicationEvents.CardPrintFailed, new { reason = "simulated failure", attempt = order.Attempt })
            : new(ApplicationEvents.CardPrinted, new { reference = $"PRINT-{order.ApplicationId[..8]}-{order.Attempt}", attempt = order.Attempt }),
    ];
}

/// <summary>
/// The courier's shipments: picks up each card of a shipment, reports it in transit, and leaves it at the station or
/// hands it over at the address (or reports the delivery failed).
/// </summary>
public sealed class ShipmentSimulator(
    WorkOrderQueues queues, PartnerHost host, IOptions<SimulatorOptions> options, ILogger<ShipmentSimulator> logger)
    : PartnerSimulator(queues, host, logger)
{
    protected override string QueueName => StorageNames.ShipmentOrdersQueue;

    protected override string Role => Roles.Courier;

    protected override PartnerSimulatorOptions Options => options.Value.Courier;

    protected override IReadOnlyList<WorkOrder> OrdersIn(string messageText)
    {
        ShipmentOrder shipment = JsonSerializer.Deserialize<ShipmentOrder>(messageText, JsonSerializerOptions.Web)
            ?? throw new FormatException("Empty shipment message.");
        return [.. shipment.Cards.Select(card => new WorkOrder(card.ApplicationId, WorkOrderKind.Ship, card.Attempt, Destination: shipment.Destination, TraceParent: card.TraceParent))];
    }

    // Only the pick-up answers the ship order's attempt; the legs after it are the first delivery, which the shipment carries on.
    protected override IReadOnlyList<Callback> CallbacksFor(WorkOrder order, bool fail) =>
    [
        new(ApplicationEvents.CardPickedUp, new { reference = $"TRACK-{order.ApplicationId[..8]}-{order.Attempt}", attempt = order.Attempt }),
        new(ApplicationEvents.CardInTransit, new { }),
        CourierSimulator.Arrival(order.Destination, fail, attempt: null),
    ];
}

/// <summary>The courier's single orders: re-delivery after a failed delivery, and returning a card to the station.</summary>
public sealed class CourierSimulator(
    WorkOrderQueues queues, PartnerHost host, IOptions<SimulatorOptions> options, ILogger<CourierSimulator> logger)
    : PartnerSimulator(queues, host, logger)
{
    protected override string QueueName => StorageNames.CourierOrdersQueue;

    protected override string Role => Roles.Courier;

    protected override PartnerSimulatorOptions Options => options.Value.Courier;

    protected override IReadOnlyList<Callback> CallbacksFor(WorkOrder order, bool fail) => order.Kind == WorkOrderKind.Return
        ? [new(ApplicationEvents.CardAtStation, new { attempt = order.Attempt })]
        : [new(ApplicationEvents.CardInTransit, new { attempt = order.Attempt }), Arrival(order.Destination, fail, order.Attempt)];

    /// <summary>The last leg of a delivery: the card left at the station, handed over at the address, or a failed delivery.</summary>
    internal static Callback Arrival(string? destination, bool fail, int? attempt) =>
        fail ? new(ApplicationEvents.CardDeliveryFailed, new { reason = "simulated failure: nobody at the address", attempt })
        : CardDestination.IsStation(destination) ? new(ApplicationEvents.CardAtStation, new { attempt })
        : new(ApplicationEvents.CardDelivered, new { recipient = "applicant in person", attempt });
}

/// <summary>The police stations: hand each card over when its citizen comes for it, confirmed by an officer.</summary>
public sealed class StationSimulator(
    WorkOrderQueues queues, PartnerHost host, IOptions<SimulatorOptions> options, ILogger<StationSimulator> logger)
    : PartnerSimulator(queues, host, logger)
{
    protected override string QueueName => StorageNames.StationOrdersQueue;

    protected override string Role => Roles.Operator;

    protected override PartnerSimulatorOptions Options => options.Value.Station;

    protected override IReadOnlyList<Callback> CallbacksFor(WorkOrder order, bool fail) =>
        [new(ApplicationEvents.CardCollected, new { recipient = "applicant in person, identity checked", attempt = order.Attempt })];
}
