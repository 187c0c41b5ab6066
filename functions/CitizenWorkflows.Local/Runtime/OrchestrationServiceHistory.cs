using System.Globalization;
using System.Text.Json;
using CitizenWorkflows.Workflow.Operations.History;
using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.History;

namespace CitizenWorkflows.Local.Runtime;

/// <summary>
/// History from the embedded orchestration service itself (the sidecar serves none): the <see cref="AzureStorageOrchestrationService"/>'s
/// (or the in-memory service's) <c>GetOrchestrationHistoryAsync</c> returns the latest execution's events as JSON.
/// </summary>
public sealed class OrchestrationServiceHistory(IOrchestrationServiceClient service) : IOrchestrationHistory
{
    public async Task<HistoryReading> ReadAsync(string instanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        string json = await service.GetOrchestrationHistoryAsync(instanceId, executionId: null);
        using JsonDocument document = JsonDocument.Parse(json);
        var items = new List<HistoryItem>();
        foreach (JsonElement e in document.RootElement.EnumerateArray())
        {
            items.Add(new HistoryItem(
                e.TryGetProperty("EventId", out JsonElement id) ? id.GetInt32() : -1,
                EventTypeName(e.GetProperty("EventType")),
                e.TryGetProperty("Name", out JsonElement name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null,
                e.TryGetProperty("Timestamp", out JsonElement at) ? AsUtc(at) : DateTimeOffset.MinValue));
        }

        return HistoryReading.Of(items);
    }

    // Newtonsoft writes the enum as its number and the timestamp without an offset (it is UTC).
    static string EventTypeName(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number ? ((EventType)value.GetInt32()).ToString() : value.GetString() ?? "";

    static DateTimeOffset AsUtc(JsonElement value) =>
        new(DateTime.SpecifyKind(DateTime.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), DateTimeKind.Utc));
}
