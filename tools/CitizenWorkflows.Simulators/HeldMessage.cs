using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace CitizenWorkflows.Simulators;

/// <summary>
/// A received queue message kept invisible while it is worked on: its visibility is renewed every third of
/// <c>hold</c>, so it reappears for another receiver only once this process stops renewing it (it died).
/// </summary>
public sealed class HeldMessage : IAsyncDisposable
{
    readonly QueueClient queue;
    readonly string messageId;
    readonly TimeSpan hold;
    readonly CancellationTokenSource stop = new();
    readonly Task renewing;
    string popReceipt;

    public HeldMessage(QueueClient queue, QueueMessage message, TimeSpan hold)
    {
        this.queue = queue;
        messageId = message.MessageId;
        popReceipt = message.PopReceipt;
        this.hold = hold;
        renewing = RenewAsync(stop.Token);
    }

    /// <summary>Deletes the message: its work is done.</summary>
    public async Task DeleteAsync(CancellationToken cancellationToken)
    {
        await StopRenewingAsync();
        await queue.DeleteMessageAsync(messageId, popReceipt, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await StopRenewingAsync();
        stop.Dispose();
    }

    async Task StopRenewingAsync()
    {
        if (!stop.IsCancellationRequested)
        {
            await stop.CancelAsync();
        }

        await renewing;
    }

    async Task RenewAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(hold / 3, cancellationToken);
                try
                {
                    // Not cancelled midway: a renewal the service applied but this side never heard of would leave a
                    // stale pop receipt, and the delete would fail.
                    UpdateReceipt receipt = (await queue.UpdateMessageAsync(messageId, popReceipt, visibilityTimeout: hold, cancellationToken: CancellationToken.None)).Value;
                    popReceipt = receipt.PopReceipt;
                }
                catch (Exception e) when (e is RequestFailedException or AggregateException or HttpRequestException)
                {
                    // Storage unreachable for a moment: the next renewal tries again; if the hold lapses the message is
                    // simply delivered again, and the order's callbacks are idempotent.
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
