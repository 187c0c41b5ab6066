using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace CitizenWorkflows.Load;

/// <summary>
/// The messages a task hub's control queues hold (<c>{hub}-control-NN</c>): after a run has ended, anything left is
/// a timer or event no application needs, and every message left costs the emulator on every later queue call.
/// </summary>
/// <param name="Messages">All messages, invisible ones (e.g. durable timers due later) included: the queue's approximate count.</param>
/// <param name="Visible">Messages a peek sees now.</param>
public sealed record ControlQueueCount(int Messages, int Visible)
{
    public static async Task<ControlQueueCount> ReadAsync(QueueServiceClient queues, string taskHub, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(taskHub);
        int messages = 0, visible = 0;
        await foreach (QueueItem item in queues.GetQueuesAsync(prefix: $"{taskHub.ToLowerInvariant()}-control-", cancellationToken: cancellationToken))
        {
            QueueClient queue = queues.GetQueueClient(item.Name);
            QueueProperties properties = await queue.GetPropertiesAsync(cancellationToken);
            messages += properties.ApproximateMessagesCount;
            PeekedMessage[] peeked = await queue.PeekMessagesAsync(32, cancellationToken);
            visible += peeked.Length;
        }

        return new ControlQueueCount(messages, visible);
    }
}
