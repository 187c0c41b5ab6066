using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Intake.OfflinePackets;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Seeding;

/// <summary>
/// Writes synthetic applications through the projection's write path (<see cref="ApplicationProjection.ImportAsync"/>),
/// in batches. Each application is delivered as its latest transition (one timeline row) unless
/// <c>fullJournal</c>: the reads measured never read timelines, and Azurite's table store slows with its size.
/// </summary>
public static class Seeder
{
    public static async Task SeedAsync(
        ApplicationProjection projection, int from, int count, int batchSize, int parallelism, Action<int>? progress, CancellationToken cancellationToken,
        bool fullJournal = false)
    {
        ArgumentNullException.ThrowIfNull(projection);
        for (int start = from; start < from + count; start += batchSize)
        {
            int size = Math.Min(batchSize, from + count - start);
            await projection.ImportAsync(
                [.. Enumerable.Range(start, size).Select(i => fullJournal ? SyntheticApplications.For(i) : [SyntheticApplications.For(i)[^1]])],
                parallelism, cancellationToken);
            progress?.Invoke(start + size - from);
        }
    }

    /// <summary>
    /// The ledger rows those applications left at intake, through the ledgers' own write paths, all live (written now):
    /// an idempotency key and a kiosk nonce each, and a packet receipt for one in ten (offline teams).
    /// </summary>
    public static async Task SeedLedgersAsync(TableServiceClient tables, int from, int count, int parallelism, CancellationToken cancellationToken)
    {
        var keys = new IdempotencyLedger(tables, TimeProvider.System);
        var nonces = new NonceLedger(tables, TimeProvider.System);
        var receipts = new PacketReceipts(tables);
        await Parallel.ForEachAsync(Enumerable.Range(from, count), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            ApplicationHeader header = SyntheticApplications.For(i)[0].Header;
            DateTimeOffset now = DateTimeOffset.UtcNow;
            await keys.ClaimAsync(header.KioskId, $"seed-{i}", new IdempotencyEntry("seeded", header.ApplicationId, now, now.AddDays(9), Completed: true), ct);
            await nonces.TryRecordAsync(header.KioskId, $"seed-{i}", now, ct);
            if (i % 10 == 0)
            {
                await receipts.AddOrGetAsync(
                    new PacketReceipt($"seed/{i}.zip", new ETag($"\"0x{i:X}\""), PacketReceiptKind.Accepted, header.ApplicationId, null, null, now, Counted: true), ct);
            }
        });
    }
}
