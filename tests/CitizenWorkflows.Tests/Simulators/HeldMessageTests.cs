using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using CitizenWorkflows.Simulators;
using CitizenWorkflows.Tests.Support;

namespace CitizenWorkflows.Tests.Simulators;

/// <summary>A simulator's held queue message on Azurite: hidden while worked on, however long; back once let go.</summary>
public sealed class HeldMessageTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    static readonly TimeSpan Hold = TimeSpan.FromSeconds(3);

    async Task<QueueClient> QueueWithOneMessageAsync()
    {
        QueueClient queue = azurite.Queues.GetQueueClient("held-" + Guid.NewGuid().ToString("N")[..12]);
        await queue.CreateAsync();
        await queue.SendMessageAsync("a shipment of fifty cards");
        return queue;
    }

    [Fact]
    public async Task A_message_worked_on_longer_than_its_hold_stays_hidden_and_is_deleted_with_its_latest_receipt()
    {
        QueueClient queue = await QueueWithOneMessageAsync();
        QueueMessage message = (await queue.ReceiveMessageAsync(Hold)).Value;

        await using var held = new HeldMessage(queue, message, Hold);
        await Task.Delay(Hold * 3);
        Assert.Null((await queue.ReceiveMessageAsync(Hold)).Value);

        // The renewals changed the pop receipt: deleting with the first one would fail.
        await held.DeleteAsync(CancellationToken.None);
        await Task.Delay(Hold * 2);
        Assert.Null((await queue.ReceiveMessageAsync()).Value);
    }

    [Fact]
    public async Task A_message_let_go_without_delete_comes_back_for_the_next_receiver()
    {
        QueueClient queue = await QueueWithOneMessageAsync();
        QueueMessage message = (await queue.ReceiveMessageAsync(Hold)).Value;
        await new HeldMessage(queue, message, Hold).DisposeAsync();

        QueueMessage? again = null;
        for (int i = 0; i < 20 && again is null; i++)
        {
            await Task.Delay(500);
            again = (await queue.ReceiveMessageAsync()).Value;
        }

        Assert.NotNull(again);
        Assert.Equal(message.MessageId, again.MessageId);
        Assert.Equal(2, again.DequeueCount);
    }
}
