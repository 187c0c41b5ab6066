using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.AspNetCore.Http;

namespace CitizenWorkflows.Workflow.Operations.Query;

/// <summary>
/// What an operator searches for: every criterion optional, all of them combined (AND). Read from the query string
/// (<c>stage, province, kiosk, type, createdFrom, createdTo, overdue</c>) and turned into a key range over the list
/// index plus an OData filter (<see cref="Plan"/>), so a page reads in proportion to the page, not to the table.
/// </summary>
public sealed record ApplicationFilter(
    ApplicationStage? Stage,
    string? Province,
    string? KioskId,
    ApplicationType? Type,
    DateTimeOffset? CreatedFrom,
    DateTimeOffset? CreatedTo,
    bool? Overdue)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    const int MaxKioskIdLength = 64;

    /// <summary>The caller's area, ANDed to the criteria: an area-bound officer searches their area only (null: the
    /// whole country).</summary>
    public OfficerScope? Scope { get; init; }

    /// <summary>The stages after which an application can no longer be overdue (it is done).</summary>
    static readonly ApplicationStage[] FinalStages = [.. Enum.GetValues<ApplicationStage>().Where(s => s.IsFinal())];

    /// <summary>Reads the filter; every malformed parameter is reported at once, each under its own name.</summary>
    public static ApplicationFilter Parse(IQueryCollection query, List<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(errors);
        ApplicationStage? stage = null;
        if (Single(query, "stage", errors) is { } stageText)
        {
            // Names only: Enum.TryParse would also take "4".
            if (Enum.GetNames<ApplicationStage>().FirstOrDefault(n => n.Equals(stageText, StringComparison.OrdinalIgnoreCase)) is { } name)
            {
                stage = Enum.Parse<ApplicationStage>(name);
            }
            else
            {
                errors.Add(new FieldError("stage", "stage.known", $"'{stageText}' is not a stage; stages: {string.Join(", ", Enum.GetNames<ApplicationStage>())}."));
            }
        }

        string? province = Single(query, "province", errors);
        if (province is not null && !Domain.Province.IsKnown(province))
        {
            errors.Add(new FieldError("province", "province.known", $"'{province}' is not a province code (three digits, e.g. 001 or 079)."));
            province = null;
        }

        string? kiosk = Single(query, "kiosk", errors);
        if (kiosk is not null && (kiosk.Length > MaxKioskIdLength || !kiosk.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            errors.Add(new FieldError("kiosk", "kiosk.format", $"A kiosk id has at most {MaxKioskIdLength} letters, digits, '-', '_' or '.'."));
            kiosk = null;
        }

        ApplicationType? type = null;
        if (Single(query, "type", errors) is { } typeText)
        {
            if (Enum.GetNames<ApplicationType>().FirstOrDefault(n => n.Equals(typeText, StringComparison.OrdinalIgnoreCase)) is { } name)
            {
                type = Enum.Parse<ApplicationType>(name);
            }
            else
            {
                errors.Add(new FieldError("type", "type.known", $"'{typeText}' is not an application type; types: new, renewal, reissue."));
            }
        }

        DateTimeOffset? from = Instant(query, "createdFrom", errors);
        DateTimeOffset? to = Instant(query, "createdTo", errors);
        if (from is not null && to is not null && from >= to)
        {
            errors.Add(new FieldError("createdTo", "created-to.after-created-from", "createdTo must be later than createdFrom."));
        }

        bool? overdue = null;
        if (Single(query, "overdue", errors) is { } overdueText)
        {
            overdue = overdueText switch
            {
                "true" => true,
                "false" => false,
                _ => null,
            };
            if (overdue is null)
            {
                errors.Add(new FieldError("overdue", "overdue.boolean", "overdue is 'true' or 'false'."));
            }
        }

        return new ApplicationFilter(stage, province, kiosk, type, from, to, overdue);
    }

    /// <summary>Reads <c>pageSize</c> (1..200, 50 when absent).</summary>
    public static int ParsePageSize(IQueryCollection query, List<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (Single(query, "pageSize", errors) is not { } text)
        {
            return DefaultPageSize;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int size) && size is >= 1 and <= MaxPageSize)
        {
            return size;
        }

        errors.Add(new FieldError("pageSize", "page-size.range", $"pageSize is a whole number from 1 to {MaxPageSize}."));
        return DefaultPageSize;
    }

    /// <summary>The query parameters of the list; any other is refused (400) rather than ignored.</summary>
    public static readonly string[] ListParameters = ["stage", "province", "kiosk", "type", "createdFrom", "createdTo", "overdue", "pageSize", "continuation"];

    /// <summary>The query parameters of the counts (the filters the counters are kept by; the others are refused by name).</summary>
    public static readonly string[] CountParameters = ["stage", "province", "kiosk", "type", "createdFrom", "createdTo", "overdue"];

    /// <summary>The parameters <paramref name="query"/> has that are not in <paramref name="known"/> (names compared as given).</summary>
    public static IReadOnlyList<string> Unknown(IQueryCollection query, IReadOnlyCollection<string> known)
    {
        ArgumentNullException.ThrowIfNull(query);
        return [.. query.Keys.Where(k => !known.Contains(k, StringComparer.Ordinal)).Order(StringComparer.Ordinal)];
    }

    /// <summary>The filters the counters cannot answer (they are kept by area, kiosk and stage), each as an error naming it.</summary>
    public IEnumerable<FieldError> NotCounted()
    {
        const string Rule = "filter.not-counted";
        const string Why = "Counts are kept by area, kiosk and stage; list the applications with this filter instead.";
        if (Type is not null)
        {
            yield return new FieldError("type", Rule, Why);
        }

        if (CreatedFrom is not null)
        {
            yield return new FieldError("createdFrom", Rule, Why);
        }

        if (CreatedTo is not null)
        {
            yield return new FieldError("createdTo", Rule, Why);
        }

        if (Overdue is not null)
        {
            yield return new FieldError("overdue", Rule, Why);
        }
    }

    /// <summary>True when the criteria and the caller's area contradict each other (another province): nothing matches.</summary>
    public bool MatchesNothing => Province is not null && Scope?.Province is { } bound && bound != Province;

    /// <summary>
    /// Where a page of this search is read and with which OData filter: a key range over the list index
    /// (<see cref="ApplicationIndex"/>) for a kiosk, overdue, a stage or a province, else the projection table (whose
    /// keys are version-7 ids, so a created range is a key range too). The criteria are ANDed on top: they are exact,
    /// the key range only bounds what is read. <paramref name="now"/> decides what is overdue (due date passed and not
    /// finished), the same rule as the status endpoint's <c>overdue</c>.
    /// </summary>
    public (string Table, string Filter) Plan(DateTimeOffset now)
    {
        string? province = Province ?? Scope?.Province;
        string p = IndexKeys.Part(province);
        string nowKey = IndexKeys.Instant(now);
        var keys = new List<string>();
        if (KioskId is { } kiosk)
        {
            keys.Add(TableClient.CreateQueryFilter($"PartitionKey eq {"k-" + IndexKeys.Part(kiosk)}"));
            if (CreatedFrom is { } from)
            {
                keys.Add(TableClient.CreateQueryFilter($"RowKey ge {IndexKeys.Instant(from)}"));
            }

            if (CreatedTo is { } to)
            {
                keys.Add(TableClient.CreateQueryFilter($"RowKey lt {IndexKeys.Instant(to)}"));
            }
        }
        else if (Overdue is true)
        {
            keys.Add(province is null
                ? TableClient.CreateQueryFilter($"PartitionKey ge {"o-"} and PartitionKey lt {"o."}")
                : TableClient.CreateQueryFilter($"PartitionKey eq {"o-" + p}"));
            keys.Add(TableClient.CreateQueryFilter($"RowKey lt {nowKey}"));
        }
        else if (Stage is { } stage)
        {
            string prefix = $"s-{stage}-";
            keys.Add(province is null
                ? TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {$"s-{stage}."}")
                : TableClient.CreateQueryFilter($"PartitionKey eq {prefix + p}"));
            if (Overdue is false && !stage.IsFinal())
            {
                keys.Add(TableClient.CreateQueryFilter($"RowKey ge {nowKey}"));
            }
        }
        else if (province is not null)
        {
            keys.Add(TableClient.CreateQueryFilter($"PartitionKey eq {"p-" + p}"));
        }
        else
        {
            // Version-7 ids begin with the creation time in milliseconds: a created range bounds the keys (a minute of slack).
            if (CreatedFrom is { } from)
            {
                keys.Add(TableClient.CreateQueryFilter($"PartitionKey ge {IdPrefix(from.AddMinutes(-1))}"));
            }

            if (CreatedTo is { } to)
            {
                keys.Add(TableClient.CreateQueryFilter($"PartitionKey lt {IdPrefix(to.AddMinutes(1))}"));
            }

            return (StorageNames.ApplicationsTable, string.Join(" and ", [.. keys, .. Criteria(now)]));
        }

        return (ApplicationIndex.TableName, string.Join(" and ", [.. keys, .. Criteria(now)]));
    }

    static string IdPrefix(DateTimeOffset at) =>
        Math.Max(0, at.ToUnixTimeMilliseconds()).ToString("x12", CultureInfo.InvariantCulture);

    /// <summary>The criteria as OData clauses over the columns both the projection rows and the index rows carry.</summary>
    IEnumerable<string> Criteria(DateTimeOffset now)
    {
        if (Stage is { } stage)
        {
            yield return TableClient.CreateQueryFilter($"Stage eq {stage.ToString()}");
        }

        if (Province is { } province)
        {
            yield return TableClient.CreateQueryFilter($"Province eq {province}");
        }

        if (Scope is { } scope)
        {
            foreach (string clause in scope.Clauses())
            {
                yield return clause;
            }
        }

        if (KioskId is { } kiosk)
        {
            yield return TableClient.CreateQueryFilter($"KioskId eq {kiosk}");
        }

        if (Type is { } type)
        {
            yield return TableClient.CreateQueryFilter($"Type eq {type.ToString()}");
        }

        if (CreatedFrom is { } from)
        {
            yield return TableClient.CreateQueryFilter($"CreatedAt ge {from}");
        }

        if (CreatedTo is { } to)
        {
            yield return TableClient.CreateQueryFilter($"CreatedAt lt {to}");
        }

        if (Overdue is { } overdue)
        {
            string notFinal = string.Join(" and ", FinalStages.Select(s => TableClient.CreateQueryFilter($"Stage ne {s.ToString()}")));
            string final = string.Join(" or ", FinalStages.Select(s => TableClient.CreateQueryFilter($"Stage eq {s.ToString()}")));
            yield return overdue
                ? $"({TableClient.CreateQueryFilter($"DueAt lt {now}")} and {notFinal})"
                : $"({TableClient.CreateQueryFilter($"DueAt ge {now}")} or {final})";
        }
    }

    /// <summary>
    /// A short digest of the criteria (not of the clock): a continuation token is only valid with the filter it was issued for.
    /// </summary>
    public string Fingerprint()
    {
        string text = string.Join('|',
            Stage?.ToString(), Province, KioskId, Type?.ToString(),
            CreatedFrom?.UtcTicks.ToString(CultureInfo.InvariantCulture), CreatedTo?.UtcTicks.ToString(CultureInfo.InvariantCulture), Overdue?.ToString(),
            Scope?.ToString());
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 8));
    }

    static string? Single(IQueryCollection query, string name, List<FieldError> errors)
    {
        if (!query.TryGetValue(name, out var values))
        {
            return null;
        }

        if (values.Count != 1)
        {
            errors.Add(new FieldError(name, "parameter.single", $"Give {name} at most once."));
            return null;
        }

        string? value = values[0];
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new FieldError(name, "parameter.not-empty", $"{name} is empty; leave it out to not filter by it."));
            return null;
        }

        return value.Trim();
    }

    /// <summary>An RFC 3339 date-time with offset (or Z), or a date meaning 00:00 UTC of that day.</summary>
    static DateTimeOffset? Instant(IQueryCollection query, string name, List<FieldError> errors)
    {
        if (Single(query, name, errors) is not { } text)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
        {
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        // An offset is required: a bare local time would mean something different on every server.
        if (text.Length > 10 && (text.EndsWith('Z') || text[^6] is '+' or '-')
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset instant))
        {
            return instant.ToUniversalTime();
        }

        errors.Add(new FieldError(name, "date-time.format", $"{name} is a date (2026-11-26) or a date-time with offset (2026-11-26T08:00:00Z)."));
        return null;
    }
}

/// <summary>An area-bound officer's area as search criteria (province, district, commune; each null when not bound).</summary>
public sealed record OfficerScope(string? Province, string? District, string? Commune)
{
    /// <summary>The caller's scope, or null for a caller who sees the whole country.</summary>
    public static OfficerScope? Of(Security.Caller caller) =>
        Security.OfficerArea.IsBound(caller) ? new(caller.Province, caller.District, caller.Commune) : null;

    internal IEnumerable<string> Clauses()
    {
        if (Province is { } province)
        {
            yield return TableClient.CreateQueryFilter($"Province eq {province}");
        }

        if (District is { } district)
        {
            yield return TableClient.CreateQueryFilter($"District eq {district}");
        }

        if (Commune is { } commune)
        {
            yield return TableClient.CreateQueryFilter($"Commune eq {commune}");
        }
    }
}
