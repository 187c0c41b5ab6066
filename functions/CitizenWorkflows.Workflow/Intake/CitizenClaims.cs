using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Biometrics.Duplicates;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Production;
using Microsoft.DurableTask.Client;

namespace CitizenWorkflows.Workflow.Intake;

/// <summary>
/// One application in flight per citizen: a Table row per citizen (keyed by the personal number, or for a first card
/// without one by the demographic key of the duplicate search) naming the application that holds it. Taken by
/// insert-if-absent at intake before the workflow starts; released when the application ends (by the workflow's last
/// activity, by reconciliation, or by an officer's audited decision). The keys are digests: no personal data in the table.
/// </summary>
public sealed class CitizenClaims(TableServiceClient tables, PersonalNumberRegistry registry, TimeProvider clock)
{
    public const string TableName = "citizenclaims";

    /// <summary>A claim whose application was never created (its intake died before the start) is taken over after this long.</summary>
    public static readonly TimeSpan UnstartedGrace = TimeSpan.FromMinutes(2);

    TableClient Table => tables.GetTableClient(TableName);

    /// <summary>
    /// Claims the citizen for <paramref name="applicationId"/>; takes over a claim whose application has ended (or never
    /// started within <see cref="UnstartedGrace"/>). Returns the application in flight when another one holds it.
    /// </summary>
    public async Task<ClaimOutcome> ClaimAsync(CitizenKey citizen, string applicationId, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(citizen);
        ArgumentNullException.ThrowIfNull(client);
        for (int attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                await Table.AddEntityAsync(Row(citizen, applicationId), cancellationToken);
                return ClaimOutcome.Owned;
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                NullableResponse<TableEntity> found = await Table.GetEntityIfExistsAsync<TableEntity>(citizen.Partition, citizen.Row, cancellationToken: cancellationToken);
                if (!found.HasValue)
                {
                    continue; // Released between the insert and the read: try the insert again.
                }

                TableEntity held = found.Value!;
                string holder = held.GetString("ApplicationId") ?? "";
                if (holder == applicationId)
                {
                    return ClaimOutcome.Owned; // A retry of the same intake (idempotency takeover).
                }

                if (!await HasEndedAsync(held, client, cancellationToken))
                {
                    return new ClaimOutcome(false, holder);
                }

                try
                {
                    await Table.UpdateEntityAsync(Row(citizen, applicationId), held.ETag, TableUpdateMode.Replace, cancellationToken);
                    return ClaimOutcome.Owned;
                }
                catch (RequestFailedException race) when (race.Status is 404 or 412)
                {
                    // Another intake took it over (or it was released) meanwhile: look again.
                }
            }
        }

        NullableResponse<TableEntity> last = await Table.GetEntityIfExistsAsync<TableEntity>(citizen.Partition, citizen.Row, cancellationToken: cancellationToken);
        return new ClaimOutcome(false, last.HasValue ? last.Value!.GetString("ApplicationId") : null);
    }

    /// <summary>Releases the citizen's claim if <paramref name="applicationId"/> holds it; true when a claim was deleted.</summary>
    public async Task<bool> ReleaseAsync(CitizenKey citizen, string applicationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(citizen);
        NullableResponse<TableEntity> found = await Table.GetEntityIfExistsAsync<TableEntity>(citizen.Partition, citizen.Row, cancellationToken: cancellationToken);
        return found.HasValue && found.Value!.GetString("ApplicationId") == applicationId && await DeleteAsync(found.Value, cancellationToken);
    }

    /// <summary>
    /// Releases what an application holds: the citizen's claim, and the production mark of its card's number. Used when
    /// the application ends and when an officer decides a replacement may start while it is under way.
    /// </summary>
    public async Task<bool> ReleaseApplicationAsync(ClaimRelease release, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(release);
        bool released = await ReleaseAsync(CitizenKey.Of(release.Applicant), release.ApplicationId, cancellationToken);
        if ((release.PersonalNumber ?? release.Applicant.PersonalNumber) is { } number && PersonalNumber.TryParse(number, out PersonalNumber parsed))
        {
            released |= await registry.EndProductionAsync(parsed, release.ApplicationId, cancellationToken);
        }

        return released;
    }

    /// <summary>The application holding the citizen's claim, or null.</summary>
    public async Task<string?> HolderAsync(CitizenKey citizen, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(citizen);
        NullableResponse<TableEntity> found = await Table.GetEntityIfExistsAsync<TableEntity>(citizen.Partition, citizen.Row, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value!.GetString("ApplicationId") : null;
    }

    /// <summary>
    /// Reconciliation's pass: releases every claim whose application has ended. The table holds only claims in flight
    /// (released ones are deleted), so it stays as small as the applications under way.
    /// </summary>
    public async Task<int> ReleaseEndedAsync(DurableTaskClient client, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        int released = 0;
        await foreach (TableEntity held in Table.QueryAsync<TableEntity>(maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            if (released >= max)
            {
                break;
            }

            if (await HasEndedAsync(held, client, cancellationToken) && await DeleteAsync(held, cancellationToken))
            {
                released++;
            }
        }

        return released;
    }

    /// <summary>Every claim's holder (for the fault verdict and tests: the table holds only the applications in flight).</summary>
    public async Task<IReadOnlyList<string>> HoldersAsync(CancellationToken cancellationToken)
    {
        var holders = new List<string>();
        await foreach (TableEntity held in Table.QueryAsync<TableEntity>(select: ["ApplicationId"], cancellationToken: cancellationToken))
        {
            holders.Add(held.GetString("ApplicationId") ?? "");
        }

        return holders;
    }

    /// <summary>
    /// Ended: the workflow completed or was terminated (an officer's cancel), or it does not exist and the claim is older
    /// than <see cref="UnstartedGrace"/>. A workflow that failed by a fault is still in flight: reconciliation re-drives it.
    /// </summary>
    async Task<bool> HasEndedAsync(TableEntity held, DurableTaskClient client, CancellationToken cancellationToken)
    {
        string holder = held.GetString("ApplicationId") ?? "";
        OrchestrationMetadata? instance = await client.GetInstanceAsync(holder, getInputsAndOutputs: false, cancellationToken);
        if (instance is null)
        {
            DateTimeOffset claimedAt = held.GetDateTimeOffset("ClaimedAt") ?? DateTimeOffset.MinValue;
            return clock.GetUtcNow() - claimedAt > UnstartedGrace;
        }

        return instance.RuntimeStatus is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Terminated;
    }

    async Task<bool> DeleteAsync(TableEntity held, CancellationToken cancellationToken)
    {
        try
        {
            // Conditional: a claim taken over since it was read belongs to another application and stays.
            await Table.DeleteEntityAsync(held.PartitionKey, held.RowKey, held.ETag, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }
    }

    TableEntity Row(CitizenKey citizen, string applicationId) => new(citizen.Partition, citizen.Row)
    {
        ["ApplicationId"] = applicationId,
        ["Kind"] = citizen.Kind,
        ["ClaimedAt"] = clock.GetUtcNow(),
    };
}

/// <summary>Whether the claim is this application's, and otherwise which application holds it.</summary>
public sealed record ClaimOutcome(bool IsOwned, string? Holder)
{
    public static readonly ClaimOutcome Owned = new(true, null);
}

/// <summary>
/// Who a citizen is for the one-application rule: the personal number when the applicant has one, else the demographic
/// key of the duplicate search (a first card). Stored only as a digest.
/// </summary>
/// <param name="Kind">"number" or "demographic": a demographic match is flagged for review, never refused.</param>
public sealed record CitizenKey(string Kind, string Digest)
{
    public const string ByNumber = "number";
    public const string ByDemographics = "demographic";

    public string Partition => Digest[..2];

    public string Row => Digest;

    public bool IsByNumber => Kind == ByNumber;

    public static CitizenKey Of(Applicant applicant)
    {
        ArgumentNullException.ThrowIfNull(applicant);
        return applicant.PersonalNumber is { } number
            ? OfPersonalNumber(number)
            : new CitizenKey(ByDemographics, DemographicKey.Digest(applicant));
    }

    /// <summary>The key of a citizen known by personal number (the campaign's bookings use it too).</summary>
    public static CitizenKey OfPersonalNumber(string number) =>
        new(ByNumber, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ByNumber + ":" + number))));
}
