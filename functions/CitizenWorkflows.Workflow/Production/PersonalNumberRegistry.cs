using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Registry;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Production;

/// <summary>
/// Every personal number this system confirmed or issued, one Table row per number (partition = the six fixed
/// digits). Insert-if-absent makes a number belong to one application only, even under concurrent approvals; numbers
/// of people already in the population registry are never allocated.
/// </summary>
public sealed class PersonalNumberRegistry(TableServiceClient tables, PopulationRegistry population)
{
    const int MaxCandidates = 1000;

    TableClient Numbers => tables.GetTableClient(StorageNames.PersonalNumbersTable);

    /// <summary>Records a number the applicant already holds, so allocation never hands it to anyone else.</summary>
    public async Task ConfirmAsync(PersonalNumber number, string applicationId, CancellationToken cancellationToken)
    {
        try
        {
            await Numbers.AddEntityAsync(Row(number, applicationId, "confirmed"), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Already known: a renewal or reissue for the same person.
        }
    }

    /// <summary>
    /// Allocates a new number with the person's prefix. Candidates derive from the application id, so a retried
    /// activity finds the number it reserved the first time instead of reserving a second one.
    /// </summary>
    public async Task<PersonalNumber> AllocateAsync(string prefix, string applicationId, CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < MaxCandidates; attempt++)
        {
            PersonalNumber candidate = PersonalNumber.Compose(prefix, CandidateDigits(applicationId, attempt));
            if (await population.ExistsAsync(candidate.Value, cancellationToken))
            {
                // Held by someone registered before this system issued numbers: never hand it out again.
                continue;
            }

            try
            {
                await Numbers.AddEntityAsync(Row(candidate, applicationId, "allocated"), cancellationToken);
                return candidate;
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                TableEntity existing = await Numbers.GetEntityAsync<TableEntity>(
                    candidate.Prefix, candidate.Value, cancellationToken: cancellationToken);
                if (existing.GetString("ApplicationId") == applicationId)
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException($"No free personal number found for prefix {prefix} after {MaxCandidates} candidates.");
    }

    public async Task<string?> OwnerOfAsync(PersonalNumber number, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> row = await Numbers.GetEntityIfExistsAsync<TableEntity>(
            number.Prefix, number.Value, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.GetString("ApplicationId") : null;
    }

    static TableEntity Row(PersonalNumber number, string applicationId, string how) =>
        new(number.Prefix, number.Value) { ["ApplicationId"] = applicationId, ["How"] = how };

    static int CandidateDigits(string applicationId, int attempt)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{applicationId}/{attempt}"));
        return (int)(BinaryPrimitives.ReadUInt32BigEndian(hash) % 1_000_000);
    }
}
