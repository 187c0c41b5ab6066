using System.Buffers.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Workflow.Operations.Query;

/// <summary>
/// Searches and counts the Table projection of applications. The partition key is the application id, so a search is
/// a filtered scan of the table: the filter runs in the storage service, only matching rows travel, and the order is
/// the ids' (version-7 GUIDs: oldest first).
/// </summary>
public sealed class ApplicationSearch(TableServiceClient tables, TimeProvider clock)
{
    /// <summary>A page never takes more than this many storage requests (the service may answer with empty pages).</summary>
    const int MaxRequestsPerPage = 20;

    static readonly string[] ListColumns =
        ["PartitionKey", "Stage", "Type", "Province", "KioskId", "CreatedAt", "UpdatedAt", "DueAt", "WaitingFor", "WaitDeadline"];

    static readonly string[] CountColumns = ["Stage", "Province"];

    TableClient Applications => tables.GetTableClient(StorageNames.ApplicationsTable);

    /// <summary>
    /// One page of up to <paramref name="pageSize"/> applications after <paramref name="continuation"/> (null: the first).
    /// Returns the token for the next page, or null after the last.
    /// </summary>
    public async Task<ApplicationPage> ListAsync(ApplicationFilter filter, int pageSize, ContinuationToken? continuation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        DateTimeOffset now = clock.GetUtcNow();
        string? odata = filter.ToTableFilter(now);
        var items = new List<ApplicationSummary>(pageSize);
        string? token = continuation?.StorageToken;
        // Each request asks only for what is still missing, so the storage's token after it is exactly where this page ends.
        for (int request = 0; request < MaxRequestsPerPage && items.Count < pageSize; request++)
        {
            int missing = pageSize - items.Count;
            await foreach (Page<TableEntity> page in Applications
                .QueryAsync<TableEntity>(odata, maxPerPage: missing, select: ListColumns, cancellationToken: cancellationToken)
                .AsPages(token, missing))
            {
                items.AddRange(page.Values.Select(row => Summary(row, now)));
                token = page.ContinuationToken;
                break;
            }

            if (token is null)
            {
                break;
            }
        }

        return new ApplicationPage(items, token is null ? null : new ContinuationToken(filter.Fingerprint(), token).Encode());
    }

    /// <summary>How many applications match, by stage and by province: a scan that reads two columns of each matching row.</summary>
    public async Task<ApplicationCounts> CountAsync(ApplicationFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        // Every stage, in lifecycle order, zeros included: the dashboard lists them all.
        Dictionary<string, int> byStage = Enum.GetNames<ApplicationStage>().ToDictionary(s => s, _ => 0, StringComparer.Ordinal);
        var byProvince = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int total = 0;
        await foreach (TableEntity row in Applications.QueryAsync<TableEntity>(
            filter.ToTableFilter(clock.GetUtcNow()), maxPerPage: 1000, select: CountColumns, cancellationToken: cancellationToken))
        {
            total++;
            Increment(byStage, row.GetString("Stage") ?? "");
            Increment(byProvince, row.GetString("Province") ?? "");
        }

        return new ApplicationCounts(total, byStage, byProvince);
    }

    /// <summary>One application's row as a list item; null when the projection has no row for it.</summary>
    public async Task<ApplicationSummary?> GetAsync(string applicationId, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> row = await Applications.GetEntityIfExistsAsync<TableEntity>(
            applicationId, ApplicationRowKey.Of(applicationId), ListColumns, cancellationToken);
        return row.HasValue ? Summary(row.Value!, clock.GetUtcNow()) : null;
    }

    static void Increment(IDictionary<string, int> counts, string key) =>
        counts[key] = counts.TryGetValue(key, out int n) ? n + 1 : 1;

    internal static ApplicationSummary Summary(TableEntity row, DateTimeOffset now)
    {
        ApplicationStage stage = Enum.Parse<ApplicationStage>(row.GetString("Stage"));
        DateTimeOffset due = row.GetDateTimeOffset("DueAt")!.Value;
        string? waitingFor = row.GetString("WaitingFor");
        return new ApplicationSummary(
            row.PartitionKey,
            stage,
            Enum.Parse<ApplicationType>(row.GetString("Type")),
            row.GetString("Province"),
            row.GetString("KioskId"),
            row.GetDateTimeOffset("CreatedAt")!.Value,
            row.GetDateTimeOffset("UpdatedAt")!.Value,
            due,
            Overdue: !stage.IsFinal() && now > due,
            string.IsNullOrEmpty(waitingFor) ? [] : waitingFor.Split(',', StringSplitOptions.RemoveEmptyEntries),
            row.GetDateTimeOffset("WaitDeadline"));
    }
}

/// <summary>An application as the list shows it (the projection's row).</summary>
public sealed record ApplicationSummary(
    string ApplicationId,
    ApplicationStage Stage,
    ApplicationType Type,
    string Province,
    string KioskId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset DueAt,
    bool Overdue,
    IReadOnlyList<string> WaitingFor,
    DateTimeOffset? WaitDeadline);

/// <summary>One page of the list and the opaque token for the next (null after the last page).</summary>
public sealed record ApplicationPage(IReadOnlyList<ApplicationSummary> Items, string? Continuation);

/// <summary>Counts of matching applications.</summary>
public sealed record ApplicationCounts(int Total, IReadOnlyDictionary<string, int> ByStage, IReadOnlyDictionary<string, int> ByProvince);

/// <summary>
/// The continuation handed to clients: the storage service's token wrapped with the filter's fingerprint, base64url
/// encoded, so clients cannot read or build one, and a token is refused with another filter.
/// </summary>
public sealed record ContinuationToken(string FilterFingerprint, string StorageToken)
{
    public string Encode() =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Wire(1, FilterFingerprint, StorageToken)));

    /// <summary>Decodes a token; null when it is not one this API issued.</summary>
    public static ContinuationToken? Decode(string text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 2048)
        {
            return null;
        }

        try
        {
            Wire? wire = JsonSerializer.Deserialize<Wire>(Base64Url.DecodeFromChars(text));
            return wire is { V: 1, F.Length: > 0, T.Length: > 0 } ? new ContinuationToken(wire.F, wire.T) : null;
        }
        catch (FormatException)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    sealed record Wire(int V, string F, string T);
}
