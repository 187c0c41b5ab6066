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
/// of people already in the population registry are never allocated. A row per number in <see cref="InProductionTable"/>
/// marks the card in production: one application at a time may personalise a card for a number (defence behind intake's
/// one-citizen claim).
/// </summary>
public sealed class PersonalNumberRegistry(TableServiceClient tables, PopulationRegistry population)
{
    /// <summary>One row per number whose card is in production: the application making it.</summary>
    public const string InProductionTable = "cardsinproduction";

    const int MaxCandidates = 1000;

    TableClient Numbers => tables.GetTableClient(StorageNames.PersonalNumbersTable);

    TableClient InProduction => tables.GetTableClient(InProductionTable);

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

    /// <summary>
    /// Marks a card for <paramref name="number"/> in production for <paramref name="applicationId"/>. Returns the other
    /// application whose card for the number is still in production (its projection not in a final stage), and then
    /// marks nothing: the registry never issues a second card for a number that has one in production.
    /// </summary>
    public async Task<string?> StartProductionAsync(PersonalNumber number, string applicationId, CancellationToken cancellationToken)
    {
        string? holder = null;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                await InProduction.AddEntityAsync(Row(number, applicationId, "in-production"), cancellationToken);
                return null;
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                NullableResponse<TableEntity> found = await InProduction.GetEntityIfExistsAsync<TableEntity>(
                    number.Prefix, number.Value, cancellationToken: cancellationToken);
                if (!found.HasValue)
                {
                    continue;
                }

                holder = found.Value!.GetString("ApplicationId");
                if (holder == applicationId)
                {
                    return null;
                }

                if (holder is not null && !await HasEndedAsync(holder, cancellationToken))
                {
                    return holder;
                }

                try
                {
                    // The earlier card's application ended (delivered, rejected, failed, cancelled): this one takes the mark.
                    await InProduction.UpdateEntityAsync(Row(number, applicationId, "in-production"), found.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                    return null;
                }
                catch (RequestFailedException race) when (race.Status is 404 or 412)
                {
                    // Taken or released meanwhile: look again.
                }
            }
        }

        return holder ?? throw new InvalidOperationException($"The production mark of a personal number kept changing for application {applicationId}.");
    }

    /// <summary>Clears the production mark if <paramref name="applicationId"/> holds it (its application ended, or an
    /// officer released it).</summary>
    public async Task<bool> EndProductionAsync(PersonalNumber number, string applicationId, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> found = await InProduction.GetEntityIfExistsAsync<TableEntity>(
            number.Prefix, number.Value, cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value!.GetString("ApplicationId") != applicationId)
        {
            return false;
        }

        try
        {
            await InProduction.DeleteEntityAsync(found.Value.PartitionKey, found.Value.RowKey, found.Value.ETag, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }
    }

    async Task<bool> HasEndedAsync(string applicationId, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> row = await tables.GetTableClient(StorageNames.ApplicationsTable).GetEntityIfExistsAsync<TableEntity>(
            applicationId, ApplicationRowKey.Of(applicationId), select: ["Stage"], cancellationToken: cancellationToken);
        return !row.HasValue || (Enum.TryParse(row.Value!.GetString("Stage"), out ApplicationStage stage) && stage.IsFinal());
    }

    static TableEntity Row(PersonalNumber number, string applicationId, string how) =>
        new(number.Prefix, number.Value) { ["ApplicationId"] = applicationId, ["How"] = how };

    static int CandidateDigits(string applicationId, int attempt)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{applicationId}/{attempt}"));
        return (int)(BinaryPrimitives.ReadUInt32BigEndian(hash) % 1_000_000);
    }
}
