using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Intake.OfflinePackets;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Operations.Reconciliation;
using CitizenWorkflows.Workflow.Production;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Tests.Operations;

/// <summary>
/// Housekeeping by the ledgers' expiry index on Azurite: rows written through the ledgers are found by the hour they
/// expire in, expired ones go and live ones stay (also a row whose time moved on since it was indexed), and a row the
/// index does not know is never found: a pass does not read the ledgers.
/// </summary>
public sealed class LedgerExpiryTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    static readonly DateTimeOffset Now = new(2026, 12, 7, 4, 20, 0, TimeSpan.Zero);
    static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    [Fact]
    public async Task Expired_rows_are_deleted_live_ones_stay_and_a_row_the_index_does_not_know_is_not_found()
    {
        var clock = new FakeClock(Now - Retention - TimeSpan.FromDays(1));
        var ledger = new IdempotencyLedger(azurite.Tables, clock);
        await azurite.Tables.GetTableClient(StorageNames.IdempotencyTable).CreateIfNotExistsAsync();
        IdempotencyEntry Entry() => new("digest", Guid.NewGuid().ToString("N"), clock.GetUtcNow(), clock.GetUtcNow().AddDays(9), Completed: false);

        // Claimed 31 days ago: expired. Claimed 31 days ago and renewed by its owner 29 days ago: its time moved on, it stays.
        await ledger.ClaimAsync("K-EXP", "expired", Entry(), CancellationToken.None);
        IdempotencyClaim moved = await ledger.ClaimAsync("K-EXP", "moved-on", Entry(), CancellationToken.None);
        clock.Advance(TimeSpan.FromDays(2));
        Assert.True(await ledger.KeepAsync("K-EXP", "moved-on", moved, CancellationToken.None));
        // Claimed a day ago: live.
        clock.Set(Now - TimeSpan.FromDays(1));
        await ledger.ClaimAsync("K-EXP", "live", Entry(), CancellationToken.None);
        // Written behind the ledger's back, 40 days ago, with no expiry entry: no pass reads it.
        TableClient rows = azurite.Tables.GetTableClient(StorageNames.IdempotencyTable);
        await rows.AddEntityAsync(new TableEntity("K-EXP", "unindexed") { ["ClaimedAt"] = Now.AddDays(-40) });
        int before = await RowCountAsync(rows);

        var expiry = new LedgerExpiry(azurite.Tables);
        (int deleted, bool moreLeft) = await expiry.SweepAsync(
            IdempotencyLedger.ExpiryName, StorageNames.IdempotencyTable, "ClaimedAt", Now - Retention, 1000, null, CancellationToken.None);

        Assert.Equal((1, false), (deleted, moreLeft));
        Assert.Equal(before - 1, await RowCountAsync(rows));
        Assert.Equal(3, await RowCountAsync(rows, "PartitionKey eq 'K-EXP'"));
        Assert.True((await rows.GetEntityIfExistsAsync<TableEntity>("K-EXP", "unindexed")).HasValue);
        // The expired hours are empty now (the moved row's entry waits in a later hour), so the next pass finds nothing.
        Assert.Equal((0, false), await expiry.SweepAsync(
            IdempotencyLedger.ExpiryName, StorageNames.IdempotencyTable, "ClaimedAt", Now - Retention, 1000, null, CancellationToken.None));

        // Two days later the renewed one has expired too, found through its moved entry.
        Assert.Equal((1, false), await expiry.SweepAsync(
            IdempotencyLedger.ExpiryName, StorageNames.IdempotencyTable, "ClaimedAt", Now - Retention + TimeSpan.FromDays(2) + TimeSpan.FromHours(2), 1000, null, CancellationToken.None));
        Assert.Equal(2, await RowCountAsync(rows, "PartitionKey eq 'K-EXP'"));
    }

    [Fact]
    public async Task Nonces_and_receipts_expire_by_their_own_times_and_a_receipt_waits_until_it_is_counted()
    {
        var nonces = new NonceLedger(azurite.Tables, TimeProvider.System);
        await azurite.Tables.GetTableClient(NonceLedger.TableName).CreateIfNotExistsAsync();
        Assert.True(await nonces.TryRecordAsync("K-NONCE", "old-nonce", Now.AddHours(-3), CancellationToken.None));
        Assert.True(await nonces.TryRecordAsync("K-NONCE", "new-nonce", Now.AddMinutes(-2), CancellationToken.None));
        // A replay writes the same entry again and is still refused.
        Assert.False(await nonces.TryRecordAsync("K-NONCE", "old-nonce", Now.AddHours(-3), CancellationToken.None));

        var receipts = new PacketReceipts(azurite.Tables);
        await azurite.Tables.GetTableClient(OfflinePacketStorage.ReceiptsTable).CreateIfNotExistsAsync();
        PacketReceipt counted = await receipts.AddOrGetAsync(Receipt("counted.zip", "0x1", Now.AddDays(-31)), CancellationToken.None);
        await receipts.MarkCountedAsync(counted, CancellationToken.None);
        PacketReceipt uncounted = await receipts.AddOrGetAsync(Receipt("uncounted.zip", "0x2", Now.AddDays(-31)), CancellationToken.None);

        var expiry = new LedgerExpiry(azurite.Tables);
        Assert.Equal((1, false), await expiry.SweepAsync(
            NonceLedger.ExpiryName, NonceLedger.TableName, "RequestTimestamp", Now.AddHours(-1), 1000, null, CancellationToken.None));
        Func<TableEntity, CancellationToken, Task<bool>> onlyCounted = (row, _) => Task.FromResult(row.GetBoolean("Counted") == true);
        Assert.Equal((1, false), await expiry.SweepAsync(
            PacketReceipts.ExpiryName, OfflinePacketStorage.ReceiptsTable, "ProcessedAt", Now - Retention, 1000, onlyCounted, CancellationToken.None));

        Assert.False((await azurite.Tables.GetTableClient(NonceLedger.TableName).GetEntityIfExistsAsync<TableEntity>("K-NONCE", "old-nonce")).HasValue);
        Assert.True((await azurite.Tables.GetTableClient(NonceLedger.TableName).GetEntityIfExistsAsync<TableEntity>("K-NONCE", "new-nonce")).HasValue);
        Assert.Null(await receipts.GetAsync(counted.BlobName, counted.ETag, CancellationToken.None));
        Assert.NotNull(await receipts.GetAsync(uncounted.BlobName, uncounted.ETag, CancellationToken.None));

        // Counted later, the kept receipt goes once the cutoff passes the hour its entry was moved to.
        await receipts.MarkCountedAsync(uncounted, CancellationToken.None);
        Assert.Equal((0, false), await expiry.SweepAsync(
            PacketReceipts.ExpiryName, OfflinePacketStorage.ReceiptsTable, "ProcessedAt", Now - Retention, 1000, onlyCounted, CancellationToken.None));
        Assert.Equal((1, false), await expiry.SweepAsync(
            PacketReceipts.ExpiryName, OfflinePacketStorage.ReceiptsTable, "ProcessedAt", Now - Retention + TimeSpan.FromHours(2), 1000, onlyCounted, CancellationToken.None));
        Assert.Null(await receipts.GetAsync(uncounted.BlobName, uncounted.ETag, CancellationToken.None));
    }

    static PacketReceipt Receipt(string name, string etag, DateTimeOffset at) =>
        new(name, new ETag("\"" + etag + "\""), PacketReceiptKind.Accepted, "app", null, null, at, Counted: false);

    internal static async Task<int> RowCountAsync(TableClient table, string? filter = null)
    {
        int n = 0;
        await foreach (TableEntity _ in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey"]))
        {
            n++;
        }

        return n;
    }
}

/// <summary>
/// Rows written before the expiry index existed: the old scan deletes them until every one has expired, then stops, and
/// a ledger that was empty when housekeeping first met it is never scanned.
/// </summary>
public sealed class LegacyLedgerScanTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    static readonly DateTimeOffset Start = new(2026, 12, 7, 4, 20, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_old_scan_runs_until_the_rows_written_before_the_index_have_expired_and_then_stops()
    {
        TableServiceClient tables = azurite.Tables;
        await Task.WhenAll(
            tables.GetTableClient(StorageNames.IdempotencyTable).CreateIfNotExistsAsync(),
            tables.GetTableClient(NonceLedger.TableName).CreateIfNotExistsAsync());
        TableClient keys = tables.GetTableClient(StorageNames.IdempotencyTable);
        TableClient nonces = tables.GetTableClient(NonceLedger.TableName);
        // Written by the earlier build (no expiry entries): one expired, one claimed yesterday.
        await keys.AddEntityAsync(new TableEntity("K-OLD", "expired") { ["ClaimedAt"] = Start.AddDays(-31) });
        await keys.AddEntityAsync(new TableEntity("K-OLD", "yesterday") { ["ClaimedAt"] = Start.AddDays(-1) });

        var clock = new FakeClock(Start);
        var options = new ReconciliationOptions();
        var housekeeping = new Housekeeping(
            tables, azurite.Blobs, new CitizenClaims(tables, new PersonalNumberRegistry(tables, new Workflow.Registry.PopulationRegistry(tables)), clock), new FixedOptions<ReconciliationOptions>(options), clock);

        HousekeepingResult first = await housekeeping.ExpireLedgersAsync(CancellationToken.None);
        Assert.Equal(1, first.IdempotencyKeysDeleted);
        Assert.True((await keys.GetEntityIfExistsAsync<TableEntity>("K-OLD", "yesterday")).HasValue);

        // The nonce ledger was empty when first met: a nonce row without an entry is never scanned for.
        await nonces.AddEntityAsync(new TableEntity("K-OLD", "unindexed") { ["RequestTimestamp"] = Start.AddHours(-5) });
        Assert.Equal(0, (await housekeeping.ExpireLedgersAsync(CancellationToken.None)).NoncesDeleted);
        Assert.True((await nonces.GetEntityIfExistsAsync<TableEntity>("K-OLD", "unindexed")).HasValue);

        // A month on, the row claimed before the index began has expired: the scan deletes it and is done.
        clock.Advance(options.Housekeeping.IdempotencyRetention + TimeSpan.FromHours(2));
        Assert.Equal(1, (await housekeeping.ExpireLedgersAsync(CancellationToken.None)).IdempotencyKeysDeleted);
        Assert.False((await keys.GetEntityIfExistsAsync<TableEntity>("K-OLD", "yesterday")).HasValue);

        // From now on only the index is read: an old row it does not know stays, one written through the ledger goes.
        await keys.AddEntityAsync(new TableEntity("K-OLD", "unindexed") { ["ClaimedAt"] = clock.GetUtcNow().AddDays(-40) });
        var ledger = new IdempotencyLedger(tables, new FakeClock(clock.GetUtcNow().AddDays(-40)));
        await ledger.ClaimAsync("K-OLD", "indexed", new IdempotencyEntry("d", "app", Start, Start, Completed: true), CancellationToken.None);
        Assert.Equal(1, (await housekeeping.ExpireLedgersAsync(CancellationToken.None)).IdempotencyKeysDeleted);
        Assert.True((await keys.GetEntityIfExistsAsync<TableEntity>("K-OLD", "unindexed")).HasValue);
        Assert.Equal(1, await LedgerExpiryTests.RowCountAsync(keys));
    }
}
