using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues.Models;
using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Production.PrintBatches;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Local.Simulators;

/// <summary>
/// A partner that takes work orders from its queue and, after a delay, answers through the same HTTP callbacks a
/// real print centre or courier uses, authenticated with its own API key.
/// </summary>
public abstract partial class PartnerSimulator(
    WorkOrderQueues queues,
    IServer server,
    IOptions<SecurityOptions> security,
    ILogger logger) : BackgroundService
{
    /// <summary>After this many refusals (409: the workflow does not wait for it) an order is dropped as stale.</summary>
    const int MaxDeliveries = 5;

    protected abstract string QueueName { get; }

    protected abstract string Role { get; }

    protected abstract PartnerSimulatorOptions Options { get; }

    /// <summary>The events that answer <paramref name="order"/>, and what a success reports (a reference, a recipient).</summary>
    protected abstract (string Success, string Failure, string? Reference, string? Recipient) CallbackFor(WorkOrder order);

    /// <summary>The cards one queue message asks for: a courier order is one, a print batch is many.</summary>
    protected virtual IReadOnlyList<WorkOrder> OrdersIn(string messageText) => [WorkOrderQueues.Parse(messageText)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string apiKey = security.Value.ApiKeys.FirstOrDefault(k => k.Role == Role)?.Key
            ?? throw new InvalidOperationException($"The {Role} simulator needs an API key with role '{Role}'.");
        using var http = new HttpClient { BaseAddress = await OwnAddressAsync(stoppingToken) };
        http.DefaultRequestHeaders.Add(SecurityOptions.ApiKeyHeader, apiKey);
        using var slots = new SemaphoreSlim(Options.Concurrency);
        var queue = queues.Queue(QueueName);
        TimeSpan invisibleFor = Options.Delay + TimeSpan.FromSeconds(30);
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
                await Task.Delay(TimeSpan.FromMilliseconds(250), stoppingToken);
                continue;
            }

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

    async Task AnswerAsync(HttpClient http, Azure.Storage.Queues.QueueClient queue, QueueMessage message, CancellationToken stoppingToken)
    {
        try
        {
            IReadOnlyList<WorkOrder> orders = OrdersIn(message.MessageText);
            await Task.Delay(Options.Delay, stoppingToken);
            bool allDone = true;
            foreach (WorkOrder order in orders)
            {
                (string success, string failure, string? reference, string? recipient) = CallbackFor(order);
                bool fail = Random.Shared.NextDouble() < Options.FailureRate;
                string eventName = fail ? failure : success;
                // The attempt is echoed, so a late answer to an earlier order cannot count for a later one.
                object body = fail
                    ? new { reason = "simulated failure", attempt = order.Attempt }
                    : new { reference, recipient, attempt = order.Attempt };
                using HttpResponseMessage response = await http.PostAsJsonAsync(
                    $"/{ApiRoutes.Prefix}/v1/applications/{order.ApplicationId}/events/{eventName}", body, stoppingToken);
                // A card of a batch was queued by a workflow already waiting, so a 409 means it was answered before (a
                // redelivered batch); a single order may have overtaken its workflow's wait, so it retries a few times.
                allDone &= response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.NotFound
                    || (response.StatusCode == HttpStatusCode.Conflict && (orders.Count > 1 || message.DequeueCount >= MaxDeliveries));
            }

            if (allDone)
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, stoppingToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The message becomes visible again and is retried.
            LogAnswerError(logger, QueueName, e.Message);
        }
    }

    async Task<Uri> OwnAddressAsync(CancellationToken cancellationToken)
    {
        // Kestrel knows its addresses once the host has started.
        while (true)
        {
            string? address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
            if (address is not null)
            {
                return LoopbackAddress.From(address);
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulator queue {Queue} unreachable: {Error}")]
    static partial void LogQueueError(ILogger logger, string queue, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulator for {Queue} could not answer an order: {Error}")]
    static partial void LogAnswerError(ILogger logger, string queue, string error);
}

/// <summary>The print centre: takes each print batch, prints its cards and reports card-printed (or card-print-failed) per card.</summary>
public sealed class PrintCentreSimulator(
    WorkOrderQueues queues, IServer server, IOptions<SecurityOptions> security, IOptions<SimulatorOptions> options, ILogger<PrintCentreSimulator> logger)
    : PartnerSimulator(queues, server, security, logger)
{
    protected override string QueueName => StorageNames.PrintOrdersQueue;

    protected override string Role => Roles.PrintCentre;

    protected override PartnerSimulatorOptions Options => options.Value.PrintCentre;

    protected override IReadOnlyList<WorkOrder> OrdersIn(string messageText)
    {
        PrintBatchOrder batch = JsonSerializer.Deserialize<PrintBatchOrder>(messageText, JsonSerializerOptions.Web)
            ?? throw new FormatException("Empty print batch message.");
        return [.. batch.Cards.Select(card => new WorkOrder(card.ApplicationId, WorkOrderKind.Print, card.Attempt))];
    }

    protected override (string, string, string?, string?) CallbackFor(WorkOrder order) =>
        (ApplicationEvents.CardPrinted, ApplicationEvents.CardPrintFailed, $"PRINT-{order.ApplicationId[..8]}-{order.Attempt}", null);
}

/// <summary>The courier: ships each printed card, then hands it over, reporting each leg.</summary>
public sealed class CourierSimulator(
    WorkOrderQueues queues, IServer server, IOptions<SecurityOptions> security, IOptions<SimulatorOptions> options, ILogger<CourierSimulator> logger)
    : PartnerSimulator(queues, server, security, logger)
{
    protected override string QueueName => StorageNames.CourierOrdersQueue;

    protected override string Role => Roles.Courier;

    protected override PartnerSimulatorOptions Options => options.Value.Courier;

    protected override (string, string, string?, string?) CallbackFor(WorkOrder order) => order.Kind == WorkOrderKind.Ship
        ? (ApplicationEvents.CardShipped, ApplicationEvents.CardShippingFailed, $"TRACK-{order.ApplicationId[..8]}-{order.Attempt}", null)
        : (ApplicationEvents.CardDelivered, ApplicationEvents.CardDeliveryFailed, null, "applicant in person");
}
