using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Domain;

namespace CitizenWorkflows.Workflow.Biometrics.Duplicates;

/// <summary>An earlier application with the same demographic key.</summary>
public sealed record DemographicMatch(string ApplicationId, string? PersonalNumber);

/// <summary>
/// Every application's demographic key in table <c>demographickeys</c>: PartitionKey = <see cref="DemographicKey.Digest"/>,
/// RowKey = application id, plus the personal number once known. Looking up a key is one partition query.
/// </summary>
public sealed class DemographicIndex(TableServiceClient tables)
{
    public const string TableName = "demographickeys";

    TableClient Keys => tables.GetTableClient(TableName);


    /// <summary>Records the application (idempotent) and returns the other applications with the same key.</summary>
    public async Task<IReadOnlyList<DemographicMatch>> EnrolAndFindAsync(string applicationId, Applicant applicant, CancellationToken cancellationToken)
    {
        string digest = DemographicKey.Digest(applicant);
        var row = new TableEntity(digest, applicationId) { ["PersonalNumber"] = applicant.PersonalNumber };
        await Keys.UpsertEntityAsync(row, TableUpdateMode.Merge, cancellationToken);

        var matches = new List<DemographicMatch>();
        await foreach (TableEntity other in Keys.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {digest}"), select: ["RowKey", "PersonalNumber"], cancellationToken: cancellationToken))
        {
            if (other.RowKey != applicationId)
            {
                matches.Add(new DemographicMatch(other.RowKey, other.GetString("PersonalNumber")));
            }
        }

        return matches;
    }

    /// <summary>Records the personal number an application was given, so a later renewal is recognised as the same person.</summary>
    public async Task LinkAsync(string applicationId, Applicant applicant, string personalNumber, CancellationToken cancellationToken)
    {
        var row = new TableEntity(DemographicKey.Digest(applicant), applicationId) { ["PersonalNumber"] = personalNumber };
        try
        {
            await Keys.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Never enrolled (the search ran elsewhere): nothing to link.
        }
    }
}
