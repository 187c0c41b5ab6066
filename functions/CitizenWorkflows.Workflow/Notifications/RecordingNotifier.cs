using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Notifications;

/// <summary>
/// The local notifier: records what would be sent in table <c>sentnotifications</c> (PartitionKey = application id,
/// RowKey = application id + kind), once per <see cref="CitizenNotification.Key"/> however often it is called, as an SMS gateway honouring
/// an idempotency key would. Repeated calls are counted, so a test can see the outbox retried.
/// </summary>
public sealed class RecordingNotifier(TableServiceClient tables) : INotifier
{
    public const string TableName = "sentnotifications";

    TableClient Sent => tables.GetTableClient(TableName);


    public async Task SendAsync(CitizenNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        try
        {
            await Sent.AddEntityAsync(
                new TableEntity(notification.ApplicationId, ApplicationRowKey.Of(notification.ApplicationId, notification.Kind.ToString())) { ["Text"] = notification.Text, ["Calls"] = 1 },
                cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Already sent: the citizen is not told twice. Count the repeat call.
            NullableResponse<TableEntity> existing = await Sent.GetEntityIfExistsAsync<TableEntity>(
                notification.ApplicationId, ApplicationRowKey.Of(notification.ApplicationId, notification.Kind.ToString()), cancellationToken: cancellationToken);
            if (existing.HasValue)
            {
                TableEntity row = existing.Value!;
                row["Calls"] = (row.GetInt32("Calls") ?? 1) + 1;
                await Sent.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Merge, cancellationToken);
            }
        }
    }
}
