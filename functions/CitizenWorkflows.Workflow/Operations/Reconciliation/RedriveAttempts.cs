using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Operations.Reconciliation;

/// <summary>
/// How often reconciliation re-drove each application per stage (or cause), in table <c>redriveattempts</c>
/// (PK = application id, RK = application id + the stage): the bound that turns a repeated re-drive into an escalation.
/// </summary>
public sealed class RedriveAttempts(TableServiceClient tables, TimeProvider clock)
{
    public const string TableName = "redriveattempts";

    TableClient Attempts => tables.GetTableClient(TableName);

    /// <summary>Counts one more attempt unless <paramref name="max"/> were made already; false then.</summary>
    public async Task<bool> TryCountAsync(string applicationId, string key, int max, CancellationToken cancellationToken)
    {
        for (int race = 0; race < 5; race++)
        {
            NullableResponse<TableEntity> row = await Attempts.GetEntityIfExistsAsync<TableEntity>(applicationId, ApplicationRowKey.Of(applicationId, key), cancellationToken: cancellationToken);
            int used = row.HasValue ? row.Value!.GetInt32("Attempts") ?? 0 : 0;
            if (used >= max)
            {
                return false;
            }

            var next = new TableEntity(applicationId, ApplicationRowKey.Of(applicationId, key)) { ["Attempts"] = used + 1, ["LastAt"] = clock.GetUtcNow() };
            try
            {
                if (row.HasValue)
                {
                    await Attempts.UpdateEntityAsync(next, row.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await Attempts.AddEntityAsync(next, cancellationToken);
                }

                return true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Counted by someone else in between: read again.
            }
        }

        return false;
    }
}
