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
        await azurite.Tables.GetTableClient(NotificationOutbox.PendingTableName).CreateIfNotExistsAsync();
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
    public async Task A_sent_notification_leaves_the_pending_list_and_its_record_keeps_it_from_being_added_again()
    {
        string id = Guid.CreateVersion7().ToString("N");
        var approved = Notification(id, NotificationKind.Approved);
        await outbox.AddAsync(approved, default);
        TableEntity listed = Assert.Single(await PendingRowsAsync(id));
        Assert.Equal(ApplicationRowKey.Of(id, nameof(NotificationKind.Approved)), listed.RowKey);

        var dispatcher = new NotificationDispatcher(outbox, recorder, TimeProvider.System, NullLogger<NotificationDispatcher>.Instance);
        Assert.True(await dispatcher.DispatchPendingAsync(default) >= 1);
        Assert.Empty(await PendingRowsAsync(id));
        TableEntity record = (await azurite.Tables.GetTableClient(NotificationOutbox.TableName).GetEntityAsync<TableEntity>(id, listed.RowKey)).Value;
        Assert.Equal(false, record.GetBoolean("Pending"));
        Assert.NotNull(record.GetDateTimeOffset("SentAt"));

        // A replayed or re-driven step adds it again: recorded as sent, so it is not listed and not sent twice.
        Assert.False(await outbox.AddAsync(approved, default));
        Assert.Empty(await PendingRowsAsync(id));
        await dispatcher.DispatchPendingAsync(default);
        Assert.Equal(1, (await azurite.Tables.GetTableClient(RecordingNotifier.TableName).GetEntityAsync<TableEntity>(id, listed.RowKey)).Value.GetInt32("Calls"));
    }

    [Fact]
    public async Task Adding_again_while_a_dispatcher_sends_does_not_list_it_again()
    {
        // A booking for tomorrow queues its reminder, and the campaign sweep adds the same reminder while it is pending.
        string id = Guid.CreateVersion7().ToString("N");
        var reminder = Notification(id, NotificationKind.Approved);
        await outbox.AddAsync(reminder, default);
        (CitizenNotification read, Azure.ETag etag) = Assert.Single(await outbox.PendingAsync(1000, default), p => p.Notification.Key == reminder.Key);

        Assert.False(await outbox.AddAsync(reminder, default));

        // The dispatcher that read it before the second add sends it and takes it off the list: nothing is left to send twice.
        Assert.True(await outbox.MarkSentAsync(read, etag, DateTimeOffset.UtcNow, default));
        Assert.Empty(await PendingRowsAsync(id));
    }

    [Fact]
    public async Task An_add_stopped_between_recording_and_listing_is_listed_when_it_is_retried()
    {
        string id = Guid.CreateVersion7().ToString("N");
        var delivered = Notification(id, NotificationKind.Delivered);
        // What the first attempt left: the record, pending, and no entry in the pending list.
        await azurite.Tables.GetTableClient(NotificationOutbox.TableName).AddEntityAsync(
            new TableEntity(id, ApplicationRowKey.Of(id, nameof(NotificationKind.Delivered))) { ["Notification"] = System.Text.Json.JsonSerializer.Serialize(delivered, System.Text.Json.JsonSerializerOptions.Web), ["Pending"] = true });
        Assert.Empty(await PendingRowsAsync(id));

        Assert.False(await outbox.AddAsync(delivered, default));
        Assert.Contains(await outbox.PendingAsync(1000, default), p => p.Notification.Key == delivered.Key);
    }

    [Fact]
    public async Task Notifications_recorded_pending_before_the_pending_list_existed_join_it_once()
    {
        string id = Guid.CreateVersion7().ToString("N");
        var rejected = Notification(id, NotificationKind.Rejected);
        var approved = Notification(id, NotificationKind.Approved);
        TableClient records = azurite.Tables.GetTableClient(NotificationOutbox.TableName);
        await records.AddEntityAsync(new TableEntity(id, ApplicationRowKey.Of(id, nameof(NotificationKind.Rejected)))
        {
            ["Notification"] = System.Text.Json.JsonSerializer.Serialize(rejected, System.Text.Json.JsonSerializerOptions.Web), ["Pending"] = true,
        });
        await records.AddEntityAsync(new TableEntity(id, ApplicationRowKey.Of(id, nameof(NotificationKind.Approved)))
        {
            ["Notification"] = System.Text.Json.JsonSerializer.Serialize(approved, System.Text.Json.JsonSerializerOptions.Web), ["Pending"] = false,
        });

        Assert.True(await outbox.ListRecordedPendingAsync(default) >= 1);
        Assert.Equal([ApplicationRowKey.Of(id, nameof(NotificationKind.Rejected))], (await PendingRowsAsync(id)).Select(r => r.RowKey));
    }

    Task<List<TableEntity>> PendingRowsAsync(string id) =>
        AsyncItems.AllAsync(azurite.Tables.GetTableClient(NotificationOutbox.PendingTableName).QueryAsync<TableEntity>($"PartitionKey eq '{id}'"));

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
