using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CitizenWorkflows.Workflow.Health;

/// <summary>Storage answers: one point read of a row that need not exist (one storage request).</summary>
public sealed class StorageHealthCheck(TableServiceClient tables) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await tables.GetTableClient(StorageNames.ApplicationsTable).GetEntityIfExistsAsync<TableEntity>(
                "health", "health", ["PartitionKey"], cancellationToken);
            return HealthCheckResult.Healthy("Table storage answered.");
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or AggregateException or TaskCanceledException)
        {
            return HealthCheckResult.Unhealthy($"Table storage did not answer: {e.GetType().Name}.");
        }
    }
}
