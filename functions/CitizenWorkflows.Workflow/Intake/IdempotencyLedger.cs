using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Intake;

/// <summary>
/// Which application each (kiosk, Idempotency-Key) created, with a digest of the request. Insert-if-absent makes one
/// request the owner of a key; every other request with that key answers with the owner's application. The key's use is
/// complete once that application's workflow exists (intake starts it last): no second write marks it, which saves a
/// round trip per submission (rows written by earlier builds may still say <c>Completed</c>, which is honoured).
/// </summary>
public sealed class IdempotencyLedger(TableServiceClient tables, TimeProvider clock)
{
    /// <summary>An owner that has not completed after this long is presumed dead; the next retry takes over.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);

    /// <summary>This ledger's name in <see cref="LedgerExpiry"/>; its rows expire by <c>ClaimedAt</c>.</summary>
    public const string ExpiryName = "idempotency";

    readonly LedgerExpiry expiry = new(tables);

    TableClient Table => tables.GetTableClient(StorageNames.IdempotencyTable);

    /// <summary>Claims the key for <paramref name="candidate"/>, or returns the entry that already holds it.</summary>
    public async Task<IdempotencyClaim> ClaimAsync(string kioskId, string key, IdempotencyEntry candidate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        string rowKey = RowKey(key);
        DateTimeOffset now = clock.GetUtcNow();
        // The expiry entry first: a row never exists without one, so housekeeping finds it without scanning.
        await expiry.AddAsync(ExpiryName, kioskId, rowKey, now, cancellationToken);
        try
        {
            Response added = await Table.AddEntityAsync(ToEntity(kioskId, rowKey, candidate, now), cancellationToken);
            return new(candidate, true, added.Headers.ETag ?? default, now);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            TableEntity existing = (await Table.GetEntityAsync<TableEntity>(kioskId, rowKey, cancellationToken: cancellationToken)).Value;
            IdempotencyEntry entry = FromEntity(existing);
            DateTimeOffset claimedAt = existing.GetDateTimeOffset("ClaimedAt")!.Value;
            bool stale = !entry.Completed && now - claimedAt > StaleAfter;
            if (!stale)
            {
                return new(entry, false, existing.ETag, claimedAt);
            }

            try
            {
                // Take over a dead owner's claim; the ETag makes sure only one retry does. (Indexed again: a claim made
                // before the expiry index existed has no entry.)
                await expiry.AddAsync(ExpiryName, kioskId, rowKey, now, cancellationToken);
                Response taken = await Table.UpdateEntityAsync(ToEntity(kioskId, rowKey, entry, now), existing.ETag, TableUpdateMode.Replace, cancellationToken);
                return new(entry, true, taken.Headers.ETag ?? default, now);
            }
            catch (RequestFailedException race) when (race.Status == 412)
            {
                return new(entry, false, existing.ETag, claimedAt);
            }
        }
    }

    /// <summary>
    /// Renews an owned claim that has aged past a third of <see cref="StaleAfter"/>, just before its owner starts the
    /// workflow: an owner slowed down (not dead) must not start it beside a retry that took its claim over. False when a
    /// retry already took it over; that retry starts the workflow.
    /// </summary>
    public async Task<bool> KeepAsync(string kioskId, string key, IdempotencyClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        DateTimeOffset now = clock.GetUtcNow();
        if (now - claim.ClaimedAt < StaleAfter / 3)
        {
            return true;
        }

        try
        {
            await Table.UpdateEntityAsync(ToEntity(kioskId, RowKey(key), claim.Entry, now), claim.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    /// <summary>
    /// Removes an owned claim whose request was refused before anything was stored, so the key may be used again.
    /// Conditional: a claim a retry took over since stays.
    /// </summary>
    public async Task ForgetAsync(string kioskId, string key, IdempotencyClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        try
        {
            await Table.DeleteEntityAsync(kioskId, RowKey(key), claim.ETag, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Taken over or already gone: nothing of this request's is left.
        }
    }

    /// <summary>
    /// Waits for the owner of a key to finish (<paramref name="started"/>: its application's workflow exists); null if it
    /// did not within <paramref name="patience"/>, and <c>Forgotten</c> when the owner was refused and removed the key.
    /// </summary>
    public async Task<(IdempotencyEntry? Entry, bool Forgotten)> WaitForCompletionAsync(
        string kioskId, string key, Func<string, CancellationToken, Task<bool>> started, TimeSpan patience, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(started);
        DateTimeOffset until = clock.GetUtcNow() + patience;
        while (true)
        {
            NullableResponse<TableEntity> row = await Table.GetEntityIfExistsAsync<TableEntity>(kioskId, RowKey(key), cancellationToken: cancellationToken);
            if (!row.HasValue)
            {
                return (null, true);
            }

            IdempotencyEntry entry = FromEntity(row.Value!);
            if (entry.Completed || await started(entry.ApplicationId, cancellationToken))
            {
                return (entry with { Completed = true }, false);
            }

            if (clock.GetUtcNow() > until)
            {
                return (null, false);
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

/// <summary>The outcome of claiming a key: the entry holding it, whether this request owns it, and the row's version.</summary>
public sealed record IdempotencyClaim(IdempotencyEntry Entry, bool Owned, ETag ETag, DateTimeOffset ClaimedAt);

/// <summary>What a key was first used for: the request's digest and the application it created.</summary>
/// <param name="Completed">Known to be complete: its workflow was found started (or an earlier build marked the row).</param>
public sealed record IdempotencyEntry(string RequestDigest, string ApplicationId, DateTimeOffset ReceivedAt, DateTimeOffset DueAt, bool Completed);
