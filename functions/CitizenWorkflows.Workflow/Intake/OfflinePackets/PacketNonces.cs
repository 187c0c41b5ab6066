using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Workflow.Kiosks;

namespace CitizenWorkflows.Workflow.Intake.OfflinePackets;

/// <summary>
/// Spends a packet's nonce in the kiosks' <see cref="NonceLedger"/> (so neither a packet nor a request can use it
/// again) while telling a reuse apart from the same packet seen again. A packet is re-processed after a crash, or
/// uploaded twice (a sync tool retrying): that is not a replay, and must reach the idempotency key, which answers with
/// the application the first copy created. Table <c>packetnonces</c> (PK = kiosk id, RK = nonce) remembers which
/// signature first claimed each nonce; the same signature over the same (kiosk, nonce) is the same packet, since it
/// covers the key, the timestamp and every byte of every entry.
/// </summary>
public sealed class PacketNonces(TableServiceClient tables, NonceLedger ledger, TimeProvider clock)
{
    TableClient Claims => tables.GetTableClient(OfflinePacketStorage.NonceClaimsTable);

    /// <summary>
    /// Claims the nonce of a packet whose signature has been verified. <paramref name="source"/> names this upload
    /// (blob name and version); the answer says which upload claimed the nonce first.
    /// </summary>
    public async Task<NonceClaim> ClaimAsync(PacketSignature signature, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var claim = new TableEntity(signature.KioskId, signature.Nonce)
        {
            ["Signature"] = signature.Signature,
            ["IdempotencyKey"] = signature.IdempotencyKey,
            ["FirstSource"] = source,
            ["ClaimedAt"] = clock.GetUtcNow(),
        };
        string firstSource = source;
        try
        {
            await Claims.AddEntityAsync(claim, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            TableEntity existing = (await Claims.GetEntityAsync<TableEntity>(signature.KioskId, signature.Nonce, cancellationToken: cancellationToken)).Value;
            if (existing.GetString("Signature") != signature.Signature)
            {
                // Another packet of this kiosk already used the nonce.
                return new NonceClaim(Replayed: true, existing.GetString("FirstSource"));
            }

            firstSource = existing.GetString("FirstSource") ?? source;
        }

        // This signature holds the nonce among packets; now spend it for everyone (HTTP requests check the same ledger).
        DateTimeOffset signedAt = DateTimeOffset.FromUnixTimeSeconds(signature.Timestamp);
        if (await ledger.TryRecordAsync(signature.KioskId, signature.Nonce, signedAt, cancellationToken))
        {
            return new NonceClaim(Replayed: false, firstSource);
        }

        // Spent before: by an earlier run for this very packet (which records the packet's own timestamp), or by a
        // signed HTTP request of this kiosk (which records its request time, never this packet's signing second).
        NullableResponse<TableEntity> spent = await tables.GetTableClient(NonceLedger.TableName)
            .GetEntityIfExistsAsync<TableEntity>(signature.KioskId, signature.Nonce, cancellationToken: cancellationToken);
        bool samePacket = spent.HasValue && spent.Value!.GetDateTimeOffset("RequestTimestamp") == signedAt;
        return new NonceClaim(Replayed: !samePacket, firstSource);
    }
}

/// <summary>
/// The nonce was used by something else (<paramref name="Replayed"/>), or belongs to this packet; either way
/// <paramref name="FirstSource"/> is the upload that claimed it first.
/// </summary>
public sealed record NonceClaim(bool Replayed, string? FirstSource);
