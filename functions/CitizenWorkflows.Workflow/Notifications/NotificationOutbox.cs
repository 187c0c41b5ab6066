using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Notifications;

/// <summary>
/// Notifications waiting to be sent, in table <c>notificationoutbox</c> (PartitionKey = application id, RowKey = application id + kind).
/// The workflow adds them through an activity (insert-if-absent, so replays and retries add each once); the
/// <see cref="NotificationDispatcher"/> sends what is pending and marks it sent.
/// </summary>
public sealed class NotificationOutbox(TableServiceClient tables)
{
    public const string TableName = "notificationoutbox";

    TableClient Outbox => tables.GetTableClient(TableName);


    /// <summary>Adds the notification unless it is already there (sent or not); true when this call added it.</summary>
    public async Task<bool> AddAsync(CitizenNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        try
        {
            await Outbox.AddEntityAsync(
                new TableEntity(notification.ApplicationId, ApplicationRowKey.Of(notification.ApplicationId, notification.Kind.ToString()))
                {
                    ["Notification"] = JsonSerializer.Serialize(notification, JsonSerializerOptions.Web),
                    ["Pending"] = true,
                },
                cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Up to <paramref name="max"/> notifications not yet marked sent, with the ETag to mark them by.</summary>
    public async Task<IReadOnlyList<(CitizenNotification Notification, ETag ETag)>> PendingAsync(int max, CancellationToken cancellationToken)
    {
        var pending = new List<(CitizenNotification, ETag)>();
        await foreach (TableEntity row in Outbox.QueryAsync<TableEntity>("Pending eq true", maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken))
        {
            pending.Add((JsonSerializer.Deserialize<CitizenNotification>(row.GetString("Notification"), JsonSerializerOptions.Web)!, row.ETag));
            if (pending.Count >= max)
            {
                break;
            }
        }

        return pending;
    }

    /// <summary>Marks a notification sent; false when another dispatcher changed it first.</summary>
    public async Task<bool> MarkSentAsync(CitizenNotification notification, ETag etag, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        try
        {
            await Outbox.UpdateEntityAsync(
                new TableEntity(notification.ApplicationId, ApplicationRowKey.Of(notification.ApplicationId, notification.Kind.ToString())) { ["Pending"] = false, ["SentAt"] = sentAt },
                etag, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }
}
