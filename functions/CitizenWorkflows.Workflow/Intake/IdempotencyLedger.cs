using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Intake;

/// <summary>
/// Which application each (kiosk, Idempotency-Key) created, with a digest of the request. Insert-if-absent makes one
/// request the owner of a key; every other request with that key answers with the owner's application.
/// </summary>
public sealed class IdempotencyLedger(TableServiceClient tables, TimeProvider clock)
{
    /// <summary>An owner that has not completed after this long is presumed dead; the next retry takes over.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);

    TableClient Table => tables.GetTableClient(StorageNames.IdempotencyTable);

    /// <summary>Claims the key for <paramref name="candidate"/>, or returns the entry that already holds it.</summary>
    public async Task<(IdempotencyEntry Entry, bool Owned)> ClaimAsync(string kioskId, string key, IdempotencyEntry candidate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        string rowKey = RowKey(key);
        try
        {
            await Table.AddEntityAsync(ToEntity(kioskId, rowKey, candidate, clock.GetUtcNow()), cancellationToken);
            return (candidate, true);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            TableEntity existing = (await Table.GetEntityAsync<TableEntity>(kioskId, rowKey, cancellationToken: cancellationToken)).Value;
            IdempotencyEntry entry = FromEntity(existing);
            bool stale = !entry.Completed && clock.GetUtcNow() - existing.GetDateTimeOffset("ClaimedAt") > StaleAfter;
            if (!stale)
            {
                return (entry, false);
            }

            try
            {
                // Take over a dead owner's claim; the ETag makes sure only one retry does.
                await Table.UpdateEntityAsync(ToEntity(kioskId, rowKey, entry, clock.GetUtcNow()), existing.ETag, TableUpdateMode.Replace, cancellationToken);
                return (entry, true);
            }
            catch (RequestFailedException race) when (race.Status == 412)
            {
                return (entry, false);
            }
        }
    }

    public async Task CompleteAsync(string kioskId, string key, IdempotencyEntry entry, CancellationToken cancellationToken) =>
        await Table.UpsertEntityAsync(ToEntity(kioskId, RowKey(key), entry with { Completed = true }, clock.GetUtcNow()), TableUpdateMode.Replace, cancellationToken);

    /// <summary>Waits for the owner of a key to finish; null if it did not within <paramref name="patience"/>.</summary>
    public async Task<IdempotencyEntry?> WaitForCompletionAsync(string kioskId, string key, TimeSpan patience, CancellationToken cancellationToken)
    {
        DateTimeOffset until = clock.GetUtcNow() + patience;
        while (true)
        {
            TableEntity row = (await Table.GetEntityAsync<TableEntity>(kioskId, RowKey(key), cancellationToken: cancellationToken)).Value;
            IdempotencyEntry entry = FromEntity(row);
            if (entry.Completed)
            {
                return entry;
            }

            if (clock.GetUtcNow() > until)
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    // Keys are the kiosk's own strings: hashing keeps them within Table key rules whatever they contain.
    static string RowKey(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    static TableEntity ToEntity(string kioskId, string rowKey, IdempotencyEntry e, DateTimeOffset claimedAt) => new(kioskId, rowKey)
    {
        ["RequestDigest"] = e.RequestDigest,
        ["ApplicationId"] = e.ApplicationId,
        ["ReceivedAt"] = e.ReceivedAt,
        ["DueAt"] = e.DueAt,
        ["Completed"] = e.Completed,
        ["ClaimedAt"] = claimedAt,
    };

    static IdempotencyEntry FromEntity(TableEntity e) => new(
        e.GetString("RequestDigest"),
        e.GetString("ApplicationId"),
        e.GetDateTimeOffset("ReceivedAt")!.Value,
        e.GetDateTimeOffset("DueAt")!.Value,
        e.GetBoolean("Completed") ?? false);
}

/// <summary>What a key was first used for: the request's digest and the application it created.</summary>
public sealed record IdempotencyEntry(string RequestDigest, string ApplicationId, DateTimeOffset ReceivedAt, DateTimeOffset DueAt, bool Completed);
