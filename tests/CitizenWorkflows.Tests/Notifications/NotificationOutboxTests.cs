using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Storage;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Notifications;
using Microsoft.Extensions.Logging.Abstractions;

namespace CitizenWorkflows.Tests.Notifications;

/// <summary>The notification outbox and dispatcher on Azurite: each notification reaches the citizen once.</summary>
public sealed class NotificationOutboxTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    readonly NotificationOutbox outbox = new(azurite.Tables);
    readonly RecordingNotifier recorder = new(azurite.Tables);

    public async Task InitializeAsync()
    {
        await azurite.Tables.GetTableClient(NotificationOutbox.TableName).CreateIfNotExistsAsync();
        await azurite.Tables.GetTableClient(RecordingNotifier.TableName).CreateIfNotExistsAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    static CitizenNotification Notification(string id, NotificationKind kind) =>
        new(id, kind, CitizenNotification.TextFor(kind, id, "portrait failed: sharpness 3.1 (required >= 50)"), DateTimeOffset.UtcNow);

    [Fact]
    public void Stages_the_citizen_hears_of()
    {
        Assert.Equal(
            [NotificationKind.Approved, NotificationKind.Rejected, NotificationKind.CardReady, NotificationKind.ReadyForCollection, NotificationKind.Delivered],
            Enum.GetValues<ApplicationStage>().Select(CitizenNotification.For).OfType<NotificationKind>());
        Assert.EndsWith("không được chấp thuận: portrait failed: sharpness 3.1 (required >= 50)", Notification("a1", NotificationKind.Rejected).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_notification_is_queued_once_however_often_it_is_added()
    {
        string id = Guid.CreateVersion7().ToString("N");
        Assert.True(await outbox.AddAsync(Notification(id, NotificationKind.Approved), default));
        Assert.False(await outbox.AddAsync(Notification(id, NotificationKind.Approved), default));
        Assert.Single(await AsyncItems.AllAsync(azurite.Tables.GetTableClient(NotificationOutbox.TableName).QueryAsync<TableEntity>($"PartitionKey eq '{id}'")));
    }

    [Fact]
    public async Task A_crash_between_sending_and_marking_sent_calls_the_notifier_again_and_the_citizen_still_gets_one_message()
    {
        string id = Guid.CreateVersion7().ToString("N");
        await outbox.AddAsync(Notification(id, NotificationKind.Delivered), default);

        // The first dispatcher sends and dies before marking the notification sent.
        var crashing = new NotificationDispatcher(outbox, new CrashAfterSending(recorder), TimeProvider.System, NullLogger<NotificationDispatcher>.Instance);
        Assert.Equal(0, await crashing.DispatchPendingAsync(default));
        Assert.Contains(await outbox.PendingAsync(1000, default), p => p.Notification.ApplicationId == id);

        // The next pass sends it again; the notifier's key makes it one message, called twice.
        var dispatcher = new NotificationDispatcher(outbox, recorder, TimeProvider.System, NullLogger<NotificationDispatcher>.Instance);
        Assert.True(await dispatcher.DispatchPendingAsync(default) >= 1);
        Assert.DoesNotContain(await outbox.PendingAsync(1000, default), p => p.Notification.ApplicationId == id);
        TableEntity sent = Assert.Single(await AsyncItems.AllAsync(azurite.Tables.GetTableClient(RecordingNotifier.TableName).QueryAsync<TableEntity>($"PartitionKey eq '{id}'")));
        Assert.Equal(($"{id}:{nameof(NotificationKind.Delivered)}", 2), (sent.RowKey, sent.GetInt32("Calls")));

        // Nothing pending for it any more: a further pass does not call the notifier.
        await dispatcher.DispatchPendingAsync(default);
        Assert.Equal(2, (await azurite.Tables.GetTableClient(RecordingNotifier.TableName).GetEntityAsync<TableEntity>(id, ApplicationRowKey.Of(id, nameof(NotificationKind.Delivered)))).Value.GetInt32("Calls"));
    }

    /// <summary>Sends, then fails as a process killed right after the provider accepted the message would.</summary>
    sealed class CrashAfterSending(INotifier inner) : INotifier
    {
        public async Task SendAsync(CitizenNotification notification, CancellationToken cancellationToken)
        {
            await inner.SendAsync(notification, cancellationToken);
            throw new IOException("killed after sending");
        }
    }
}
