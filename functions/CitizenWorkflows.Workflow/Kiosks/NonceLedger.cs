using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Kiosks;

/// <summary>
/// Nonces each kiosk has used, in Table <c>kiosknonces</c> (partition = kiosk id, row = nonce, with the request's
/// timestamp). Insert-if-absent makes a second use of a nonce a replay, even when two copies arrive at once.
/// A row only matters while its timestamp is inside the clock window (older requests are refused as expired
/// anyway), so housekeeping deletes rows older than the window, found through <see cref="LedgerExpiry"/>.
/// </summary>
public sealed class NonceLedger(TableServiceClient tables, TimeProvider clock)
{
    public const string TableName = "kiosknonces";

    /// <summary>This ledger's name in <see cref="LedgerExpiry"/>; its rows expire by <c>RequestTimestamp</c>.</summary>
    public const string ExpiryName = "nonce";

    readonly LedgerExpiry expiry = new(tables);

    TableClient Nonces => tables.GetTableClient(TableName);

    /// <summary>Records the nonce; true when this is its first use, false when it was seen before (a replay).</summary>
    /// <remarks>The kiosk id and nonce must be well formed (<c>KioskSignature.IsWellFormed…</c>): both become Table keys.</remarks>
    public async Task<bool> TryRecordAsync(string kioskId, string nonce, DateTimeOffset requestTimestamp, CancellationToken cancellationToken)
    {
        var row = new TableEntity(kioskId, nonce)
        {
            ["RequestTimestamp"] = requestTimestamp,
            ["ReceivedAt"] = clock.GetUtcNow(),
        };
        // The expiry entry first, so the row is never without one (a replay writes the same entry again).
        await expiry.AddAsync(ExpiryName, kioskId, nonce, requestTimestamp, cancellationToken);
        try
        {
            await Nonces.AddEntityAsync(row, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }
}
