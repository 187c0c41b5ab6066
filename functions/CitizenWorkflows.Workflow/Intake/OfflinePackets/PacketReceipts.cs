using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Intake.OfflinePackets;

/// <summary>
/// What happened to each version of each packet blob, in Table <c>packetreceipts</c>: PK = hex SHA-256 of the blob name
/// (names are the uploader's and may hold anything), RK = the blob's ETag. Written once (insert-if-absent, so of two
/// processors the first decides) before the blob leaves <c>packets</c>; a blob met again with a receipt is only
/// finished (counted if it was not, then deleted or moved), never processed a second time.
/// </summary>
public sealed class PacketReceipts(TableServiceClient tables)
{
    const int MaxReasonLength = 4000;

    /// <summary>This ledger's name in <see cref="LedgerExpiry"/>; its rows expire by <c>ProcessedAt</c>.</summary>
    public const string ExpiryName = "receipt";

    readonly LedgerExpiry expiry = new(tables);

    TableClient Table => tables.GetTableClient(OfflinePacketStorage.ReceiptsTable);

    public static string PartitionKeyFor(string blobName) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(blobName)));

    /// <summary>The ETag without quotes (<c>"0x8D…"</c> → <c>0x8D…</c>), as a Table key.</summary>
    public static string RowKeyFor(ETag etag) => etag.ToString().Trim('"');

    public async Task<PacketReceipt?> GetAsync(string blobName, ETag etag, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> row = await Table.GetEntityIfExistsAsync<TableEntity>(
            PartitionKeyFor(blobName), RowKeyFor(etag), cancellationToken: cancellationToken);
        return row.HasValue ? FromRow(row.Value!) : null;
    }

    /// <summary>Writes the receipt unless one exists for this blob version; returns the one that holds.</summary>
    public async Task<PacketReceipt> AddOrGetAsync(PacketReceipt receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        // The expiry entry first, so the receipt is never without one.
        await expiry.AddAsync(ExpiryName, PartitionKeyFor(receipt.BlobName), RowKeyFor(receipt.ETag), receipt.ProcessedAt, cancellationToken);
        try
        {
            await Table.AddEntityAsync(ToRow(receipt), cancellationToken);
            return receipt;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return await GetAsync(receipt.BlobName, receipt.ETag, cancellationToken)
                ?? throw new InvalidOperationException($"The receipt of packet version {receipt.ETag} conflicted but cannot be read.", e);
        }
    }

    public async Task MarkCountedAsync(PacketReceipt receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var change = new TableEntity(PartitionKeyFor(receipt.BlobName), RowKeyFor(receipt.ETag)) { ["Counted"] = true };
        await Table.UpdateEntityAsync(change, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    static TableEntity ToRow(PacketReceipt r) => new(PartitionKeyFor(r.BlobName), RowKeyFor(r.ETag))
    {
        ["BlobName"] = r.BlobName,
        ["Outcome"] = r.Kind.ToString(),
        ["ApplicationId"] = r.ApplicationId,
        ["Rule"] = r.Rule,
        ["Reason"] = r.Reason is { Length: > MaxReasonLength } reason ? reason[..MaxReasonLength] + "…" : r.Reason,
        ["ProcessedAt"] = r.ProcessedAt,
        ["Counted"] = r.Counted,
    };

    static PacketReceipt FromRow(TableEntity row) => new(
        row.GetString("BlobName"),
        new ETag("\"" + row.RowKey + "\""),
        Enum.Parse<PacketReceiptKind>(row.GetString("Outcome")),
        row.GetString("ApplicationId"),
        row.GetString("Rule"),
        row.GetString("Reason"),
        row.GetDateTimeOffset("ProcessedAt") ?? row.Timestamp ?? DateTimeOffset.MinValue,
        row.GetBoolean("Counted") ?? false);
}

/// <summary>How a packet version ended; also the name of the <c>packetstats</c> counter it adds to.</summary>
public enum PacketReceiptKind
{
    /// <summary>It created its application.</summary>
    Accepted,

    /// <summary>Its application already existed (the same packet uploaded again, or the same key and content sent before).</summary>
    Duplicate,

    /// <summary>Refused and moved to <c>packets-quarantine</c>.</summary>
    Quarantined,
}

/// <summary>One packet version's outcome.</summary>
public sealed record PacketReceipt(
    string BlobName,
    ETag ETag,
    PacketReceiptKind Kind,
    string? ApplicationId,
    string? Rule,
    string? Reason,
    DateTimeOffset ProcessedAt,
    bool Counted)
{
    public static PacketReceipt For(string blobName, ETag etag, PacketOutcome outcome, DateTimeOffset processedAt) => outcome switch
    {
        PacketOutcome.Accepted a => new(blobName, etag, a.Replayed ? PacketReceiptKind.Duplicate : PacketReceiptKind.Accepted, a.ApplicationId, null, null, processedAt, false),
        PacketOutcome.Quarantined q => new(blobName, etag, PacketReceiptKind.Quarantined, null, q.Rule, q.Reason, processedAt, false),
        _ => throw new ArgumentException($"A receipt records an accepted or quarantined packet, not {outcome}.", nameof(outcome)),
    };

    public PacketOutcome Outcome => Kind == PacketReceiptKind.Quarantined
        ? new PacketOutcome.Quarantined(Rule ?? "", Reason ?? "")
        : new PacketOutcome.Accepted(ApplicationId ?? "", Replayed: Kind == PacketReceiptKind.Duplicate);
}
