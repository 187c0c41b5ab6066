using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Storage;
using CitizenWorkflows.Workflow.Notifications;

namespace CitizenWorkflows.Tests.Support;

/// <summary>What the citizen of an application was told, as the recording notifier kept it.</summary>
public static class CitizenNotices
{
    /// <summary>Waits until the citizen has been told exactly <paramref name="kinds"/>; returns the last notification.</summary>
    public static async Task<TableEntity> AssertToldAsync(AzuriteFixture azurite, string id, params NotificationKind[] kinds)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        ArgumentNullException.ThrowIfNull(kinds);
        TableClient sent = azurite.Tables.GetTableClient(RecordingNotifier.TableName);
        List<TableEntity> rows = [];
        for (DateTime until = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < until && rows.Count < kinds.Length; await Task.Delay(250))
        {
            rows = await AsyncItems.AllAsync(sent.QueryAsync<TableEntity>($"PartitionKey eq '{id}'"));
        }

        Assert.Equal(kinds.Select(k => k.ToString()).Order(StringComparer.Ordinal), rows.Select(r => ApplicationRowKey.PartOf(r.RowKey)).Order(StringComparer.Ordinal));
        return rows.Single(r => ApplicationRowKey.PartOf(r.RowKey) == kinds[^1].ToString());
    }
}
