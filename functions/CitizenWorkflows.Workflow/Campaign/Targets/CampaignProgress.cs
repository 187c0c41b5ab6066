using System.Globalization;
using Azure.Data.Tables;
using CitizenWorkflows.Workflow.Operations.Query;
using CsvHelper;

namespace CitizenWorkflows.Workflow.Campaign.Targets;

/// <summary>One province's week (Monday to Sunday, Vietnam time): applications received, approved, printed, delivered.</summary>
public sealed record WeekProgress(DateOnly WeekStart, long Received, long Approved, long Printed, long Delivered);

/// <summary>
/// A province against its target over the report's days: the totals, the applications overdue now, the current weekly
/// rate (received in the last 7 days), the day the target is reached at that rate (null: reached already, or never at
/// a rate of 0), and whether that is after the period's end (<see cref="Behind"/>).
/// </summary>
public sealed record ProvinceProgress(
    string Province,
    string Name,
    int? Target,
    DateOnly? PeriodEnd,
    long Received,
    long Approved,
    long Printed,
    long Delivered,
    long Overdue,
    long WeeklyRate,
    DateOnly? Forecast,
    bool Reached,
    bool Behind,
    IReadOnlyList<WeekProgress> Weeks,
    IReadOnlyList<CampaignTarget> DistrictTargets);

/// <summary>The weekly review: every province with a target or any application in the days from <see cref="From"/> to
/// <see cref="To"/>, behind and overdue first.</summary>
public sealed record CampaignReport(DateOnly From, DateOnly To, IReadOnlyList<ProvinceProgress> Provinces);

/// <summary>
/// Progress from the maintained counters, never a scan of the projection: the per-day rows of
/// <see cref="ApplicationCounters"/> (received, approved, printed, delivered: one range query over the days) and the
/// list index's overdue rows (a key range below now: what is read grows with the overdue applications, not with all).
/// </summary>
public sealed class CampaignProgress(CampaignTargets targets, ApplicationCounters counters, TableServiceClient tables, TimeProvider clock)
{
    /// <summary>Without targets or dates, a report covers the last 8 weeks.</summary>
    const int DefaultWeeks = 8;

    static readonly string[] Columns = [ApplicationCounters.Received, ApplicationCounters.ReachedApproval, ApplicationCounters.ReachedPrinted, nameof(Domain.ApplicationStage.Delivered)];

    public async Task<CampaignReport> ReportAsync(string? province, DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        DateTimeOffset now = clock.GetUtcNow();
        DateOnly today = ApplicationCounters.Day(now);
        IReadOnlyList<CampaignTarget> set = await targets.ListAsync(province, cancellationToken);
        Dictionary<string, CampaignTarget> byProvince = set.Where(t => t.District is null).ToDictionary(t => t.Province, StringComparer.Ordinal);
        DateOnly last = to ?? today;
        DateOnly first = from ?? (byProvince.Count > 0 ? byProvince.Values.Min(t => t.PeriodStart) : last.AddDays(-7 * DefaultWeeks + 1));
        IReadOnlyList<DailyCount> days = await counters.ReadDaysAsync(first, last, province, cancellationToken, Columns);
        Dictionary<string, long> overdue = await OverdueAsync(province, now, cancellationToken);

        var provinces = new List<ProvinceProgress>();
        foreach (string code in days.Select(d => d.Province).Concat(byProvince.Keys).Concat(overdue.Keys).Distinct(StringComparer.Ordinal))
        {
            if (!Domain.Province.TryGet(code, out Domain.Province known))
            {
                continue; // a counter row of an unknown area ('~'): not a province to review
            }

            DailyCount[] own = [.. days.Where(d => d.Province == code)];
            long Sum(IEnumerable<DailyCount> counts, string column) => counts.Sum(d => d.Counts.GetValueOrDefault(column));
            WeekProgress[] weeks = [.. own.GroupBy(d => WeekStart(d.Day)).OrderBy(g => g.Key).Select(g => new WeekProgress(
                g.Key, Sum(g, Columns[0]), Sum(g, Columns[1]), Sum(g, Columns[2]), Sum(g, Columns[3])))];
            long received = Sum(own, Columns[0]);
            long rate = Sum(own.Where(d => d.Day > last.AddDays(-7)), Columns[0]);
            CampaignTarget? target = byProvince.GetValueOrDefault(code);
            long remaining = target is null ? 0 : target.Target - received;
            DateOnly? forecast = remaining > 0 && rate > 0 ? last.AddDays((int)Math.Ceiling(remaining * 7.0 / rate)) : null;
            bool behind = target is not null && remaining > 0 && (forecast is null || forecast > target.PeriodEnd);
            provinces.Add(new ProvinceProgress(
                code, known.Name, target?.Target, target?.PeriodEnd, received, Sum(own, Columns[1]), Sum(own, Columns[2]), Sum(own, Columns[3]),
                overdue.GetValueOrDefault(code), rate, forecast, target is not null && remaining <= 0, behind, weeks,
                [.. set.Where(t => t.Province == code && t.District is not null)]));
        }

        return new CampaignReport(first, last, [.. provinces
            .OrderByDescending(p => p.Behind).ThenByDescending(p => p.Overdue).ThenBy(p => p.Province, StringComparer.Ordinal)]);
    }

    /// <summary>The Monday of the week a day falls in.</summary>
    public static DateOnly WeekStart(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    /// <summary>Applications overdue now, by province: the list index's overdue key range, as the list endpoint plans it.</summary>
    async Task<Dictionary<string, long>> OverdueAsync(string? province, DateTimeOffset now, CancellationToken cancellationToken)
    {
        (string table, string filter) = new ApplicationFilter(null, province, null, null, null, null, Overdue: true).Plan(now);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (TableEntity row in tables.GetTableClient(table).QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["Province"], cancellationToken: cancellationToken))
        {
            string code = row.GetString("Province") ?? "";
            counts[code] = counts.GetValueOrDefault(code) + 1;
        }

        return counts;
    }

    /// <summary>The weekly review as CSV (RFC 4180): one line per province and week, then its totals; user text guarded
    /// against spreadsheet formulas.</summary>
    public static string ToCsv(CampaignReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using CsvWriter csv = Registry.CsvRecords.Writer(text);
        csv.WriteRecord(["province", "name", "week", "received", "approved", "printed", "delivered", "overdue", "target", "weeklyRate", "forecast", "behind"]);
        foreach (ProvinceProgress p in report.Provinces)
        {
            string? Name() => Registry.SpreadsheetSafeText.DefuseFormula(p.Name);
            foreach (WeekProgress week in p.Weeks)
            {
                csv.WriteRecord([p.Province, Name(), Day(week.WeekStart), N(week.Received), N(week.Approved), N(week.Printed), N(week.Delivered), "", "", "", "", ""]);
            }

            csv.WriteRecord(
            [
                p.Province, Name(), "total", N(p.Received), N(p.Approved), N(p.Printed), N(p.Delivered), N(p.Overdue),
                p.Target?.ToString(CultureInfo.InvariantCulture), N(p.WeeklyRate), p.Forecast is { } f ? Day(f) : p.Reached ? "reached" : "",
                p.Behind ? "yes" : "no",
            ]);
        }

        csv.Flush();
        return text.ToString();
    }

    static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
