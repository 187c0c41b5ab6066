using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Notifications;

/// <summary>
/// Notifications to send. Each is recorded once in table <c>notificationoutbox</c> (PartitionKey = application id,
/// RowKey = application id + kind; kept, sent or not, so replays, retries and re-drives add it once) and, until it is
/// sent, listed in table <c>pendingnotifications</c> (same keys). The dispatcher reads the pending list, which holds only
/// what is still to send: a query on the record's <c>Pending</c> column would scan every notification ever made, on
/// every poll.
/// </summary>
public sealed class NotificationOutbox(TableServiceClient tables)
{
    public const string TableName = "notificationoutbox";
    public const string PendingTableName = "pendingnotifications";

    TableClient Outbox => tables.GetTableClient(TableName);

    TableClient Pending => tables.GetTableClient(PendingTableName);

    /// <summary>Adds the notification unless it is already there (sent or not); true when this call added it.</summary>
    public async Task<bool> AddAsync(CitizenNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        string json = JsonSerializer.Serialize(notification, JsonSerializerOptions.Web);
        string rowKey = RowKeyOf(notification);
        try
        {
            await Outbox.AddEntityAsync(
                new TableEntity(notification.ApplicationId, rowKey) { ["Notification"] = json, ["Pending"] = true }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Recorded before. If that add stopped before listing it (a crash between the two writes), list it now.
            NullableResponse<TableEntity> recorded = await Outbox.GetEntityIfExistsAsync<TableEntity>(
                notification.ApplicationId, rowKey, ["Pending", "Notification"], cancellationToken);
            if (recorded.HasValue && recorded.Value!.GetBoolean("Pending") == true)
            {
                await ListAsync(notification.ApplicationId, rowKey, recorded.Value.GetString("Notification") ?? json, cancellationToken);
            }

            return false;
        }

        await ListAsync(notification.ApplicationId, rowKey, json, cancellationToken);
        return true;
    }

    /// <summary>Up to <paramref name="max"/> notifications not yet sent, with the ETag of their pending entry.</summary>
    public async Task<IReadOnlyList<(CitizenNotification Notification, ETag ETag)>> PendingAsync(int max, CancellationToken cancellationToken)
    {
        var pending = new List<(CitizenNotification, ETag)>();
        await foreach (TableEntity row in Pending.QueryAsync<TableEntity>(maxPerPage: Math.Clamp(max, 1, 1000), cancellationToken: cancellationToken))
        {
            pending.Add((JsonSerializer.Deserialize<CitizenNotification>(row.GetString("Notification"), JsonSerializerOptions.Web)!, row.ETag));
            if (pending.Count >= max)
            {
                break;
            }
        }

        return pending;
    }

    /// <summary>
    /// Records the notification sent and takes it off the pending list; false when another dispatcher did first. Record
    /// first: a crash in between leaves it pending, so it is sent again, and the notifier's key makes that one message.
    /// </summary>
    public async Task<bool> MarkSentAsync(CitizenNotification notification, ETag etag, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        string rowKey = RowKeyOf(notification);
        try
        {
            await Outbox.UpdateEntityAsync(
                new TableEntity(notification.ApplicationId, rowKey) { ["Pending"] = false, ["SentAt"] = sentAt }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Listed by an add whose record is gone (the table dropped by hand): nothing to record it in.
        }

        try
        {
            await Pending.DeleteEntityAsync(notification.ApplicationId, rowKey, etag, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>
    /// Lists every notification the record still shows pending (rows written before the pending list existed); the
    /// number listed. Run once per storage account (<see cref="StorageLayoutChange"/>).
    /// </summary>
    public async Task<int> ListRecordedPendingAsync(CancellationToken cancellationToken)
    {
        int listed = 0;
        await foreach (TableEntity row in Outbox.QueryAsync<TableEntity>("Pending eq true", maxPerPage: 1000, select: ["PartitionKey", "RowKey", "Notification"], cancellationToken: cancellationToken))
        {
            if (row.GetString("Notification") is { } json)
            {
                await ListAsync(row.PartitionKey, row.RowKey, json, cancellationToken);
                listed++;
            }
        }

        return listed;
    }

    static string RowKeyOf(CitizenNotification notification) => ApplicationRowKey.Of(notification.ApplicationId, notification.Kind.ToString());

    /// <summary>
    /// Lists the notification unless it is listed: an entry a dispatcher has read keeps its ETag, so the dispatcher's
    /// delete after sending goes through and a repeated add never makes it send twice.
    /// </summary>
    async Task ListAsync(string applicationId, string rowKey, string json, CancellationToken cancellationToken)
    {
        try
        {
            await Pending.AddEntityAsync(new TableEntity(applicationId, rowKey) { ["Notification"] = json }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Listed already.
        }
    }
}
