using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Workflow.Operations.Query;

/// <summary>
/// Searches and counts applications. A list page is a key range over the list index (<see cref="ApplicationIndex"/>)
/// or the projection, so it reads in proportion to the page; counts are read from the maintained counters
/// (<see cref="ApplicationCounters"/>), a few rows whatever the number of applications. A row that does not read
/// (an unknown stage or type, a missing column) is listed as unreadable with its id, never fails the page.
/// </summary>
public sealed partial class ApplicationSearch(TableServiceClient tables, TimeProvider clock, ILogger<ApplicationSearch> log)
{
    /// <summary>A page never takes more than this many storage requests (the service may answer with empty pages).</summary>
    const int MaxRequestsPerPage = 20;

    static readonly string[] ListColumns =
        ["PartitionKey", ApplicationIndex.ApplicationIdColumn, "Stage", "Type", "Province", "KioskId", "CreatedAt", "UpdatedAt", "DueAt", "WaitingFor", "WaitDeadline"];

    readonly ApplicationCounters counters = new(tables);

    TableClient Applications => tables.GetTableClient(StorageNames.ApplicationsTable);

    /// <summary>
    /// One page of up to <paramref name="pageSize"/> applications after <paramref name="continuation"/> (null: the first).
    /// Returns the token for the next page, or null after the last.
    /// </summary>
    public async Task<ApplicationPage> ListAsync(ApplicationFilter filter, int pageSize, ContinuationToken? continuation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var items = new List<ApplicationSummary>(pageSize);
        var unreadable = new List<UnreadableApplication>();
        if (filter.MatchesNothing)
        {
            return new ApplicationPage(items, null, unreadable);
        }

        DateTimeOffset now = clock.GetUtcNow();
        (string table, string odata) = filter.Plan(now);
        TableClient source = tables.GetTableClient(table);
        string? token = continuation?.StorageToken;
        // Each request asks only for what is still missing, so the storage's token after it is exactly where this page ends.
        for (int request = 0; request < MaxRequestsPerPage && items.Count + unreadable.Count < pageSize; request++)
        {
            int missing = pageSize - items.Count - unreadable.Count;
            await foreach (Page<TableEntity> page in source
                .QueryAsync<TableEntity>(odata.Length == 0 ? null : odata, maxPerPage: missing, select: ListColumns, cancellationToken: cancellationToken)
                .AsPages(token, missing))
            {
                foreach (TableEntity row in page.Values)
                {
                    if (ApplicationSummary.TryRead(row, now, out ApplicationSummary? summary, out string? problem))
                    {
                        items.Add(summary);
                    }
                    else
                    {
                        string id = ApplicationSummary.IdOf(row);
                        LogUnreadable(log, id, problem);
                        unreadable.Add(new UnreadableApplication(id, problem));
                    }
                }

                token = page.ContinuationToken;
                break;
            }

            if (token is null)
            {
                break;
            }
        }

        return new ApplicationPage(items, token is null ? null : new ContinuationToken(filter.Fingerprint(), token).Encode(), unreadable);
    }

    /// <summary>How many applications match, by stage and by province, from the counters (a few rows, not a scan).</summary>
    public Task<ApplicationCounts> CountAsync(ApplicationFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return counters.ReadAsync(CountScope.Of(filter), filter.Stage, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Application {ApplicationId} is listed as unreadable: {Problem}")]
    static partial void LogUnreadable(ILogger logger, string applicationId, string problem);
}

/// <summary>
/// One application's row as the answers show it: the list item, the detail's <c>application</c>, and the head of the
/// status answer (<see cref="ApplicationStatusResponse"/>) and of the projection's view (<see cref="ApplicationView"/>),
/// which add their own members after these. Read from a projection or list-index row in one place, <see cref="TryRead"/>.
/// </summary>
public record ApplicationSummary
{
    public required string ApplicationId { get; init; }
    public required ApplicationStage Stage { get; init; }
    public required ApplicationType Type { get; init; }
    public required string Province { get; init; }
    public required string KioskId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public required DateTimeOffset DueAt { get; init; }
    /// <summary>Not final and past <see cref="DueAt"/> when read.</summary>
    public required bool Overdue { get; init; }
    public required IReadOnlyList<string> WaitingFor { get; init; }
    public DateTimeOffset? WaitDeadline { get; init; }

    /// <summary>A projection or index row as the application's row, or why it does not read.</summary>
    public static bool TryRead(TableEntity row, DateTimeOffset now, [NotNullWhen(true)] out ApplicationSummary? summary, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(row);
        summary = null;
        try
        {
            if (!TryName(row.GetString("Stage"), out ApplicationStage stage))
            {
                problem = $"unknown stage '{row.GetString("Stage")}'";
                return false;
            }

            if (!TryName(row.GetString("Type"), out ApplicationType type))
            {
                problem = $"unknown type '{row.GetString("Type")}'";
                return false;
            }

            if (row.GetDateTimeOffset("DueAt") is not { } due || row.GetDateTimeOffset("CreatedAt") is not { } created)
            {
                problem = "no due or creation time";
                return false;
            }

            string? waitingFor = row.GetString("WaitingFor");
            summary = new ApplicationSummary
            {
                ApplicationId = IdOf(row),
                Stage = stage,
                Type = type,
                Province = row.GetString("Province") ?? "",
                KioskId = row.GetString("KioskId") ?? "",
                CreatedAt = created,
                UpdatedAt = row.GetDateTimeOffset("UpdatedAt") ?? created,
                DueAt = due,
                Overdue = IsOverdue(stage, due, now),
                WaitingFor = string.IsNullOrEmpty(waitingFor) ? [] : waitingFor.Split(',', StringSplitOptions.RemoveEmptyEntries),
                WaitDeadline = row.GetDateTimeOffset("WaitDeadline"),
            };
            problem = null;
            return true;
        }
        catch (InvalidOperationException e)
        {
            // A column holding another type than the projection writes.
            problem = e.Message;
            return false;
        }
    }

    /// <summary>The row of an application the workflow has received but the projection not yet written (it lags by one activity).</summary>
    public static ApplicationSummary Received(ApplicationHeader header, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(header);
        return new ApplicationSummary
        {
            ApplicationId = header.ApplicationId,
            Stage = ApplicationStage.Received,
            Type = header.Type,
            Province = header.Province,
            KioskId = header.KioskId,
            CreatedAt = header.ReceivedAt,
            UpdatedAt = header.ReceivedAt,
            DueAt = header.DueAt,
            Overdue = IsOverdue(ApplicationStage.Received, header.DueAt, now),
            WaitingFor = [],
            WaitDeadline = null,
        };
    }

    internal static string IdOf(TableEntity row) => row.GetString(ApplicationIndex.ApplicationIdColumn) ?? row.PartitionKey;

    static bool IsOverdue(ApplicationStage stage, DateTimeOffset due, DateTimeOffset now) => !stage.IsFinal() && now > due;

    /// <summary>Names only (an enum's number is not a name the projection writes).</summary>
    static bool TryName<TEnum>(string? text, out TEnum value)
        where TEnum : struct, Enum
    {
        value = default;
        return text is not null && Enum.GetNames<TEnum>().Contains(text, StringComparer.Ordinal) && Enum.TryParse(text, out value);
    }
}

/// <summary>One page of the list, the rows on it that did not read, and the opaque token for the next (null after the last page).</summary>
public sealed record ApplicationPage(IReadOnlyList<ApplicationSummary> Items, string? Continuation, IReadOnlyList<UnreadableApplication> Unreadable);

/// <summary>An application whose stored row did not read: its id and what was wrong, so an operator can open or repair it.</summary>
public sealed record UnreadableApplication(string ApplicationId, string Problem);

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
