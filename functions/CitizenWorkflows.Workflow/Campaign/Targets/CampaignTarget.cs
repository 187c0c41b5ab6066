using System.Globalization;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Registry;

namespace CitizenWorkflows.Workflow.Campaign.Targets;

/// <summary>How many applications a province (or one of its districts) is to take in a campaign period.</summary>
public sealed record CampaignTarget(string Province, string? District, int Target, DateOnly PeriodStart, DateOnly PeriodEnd);

/// <summary>The JSON body of <c>PUT /v1/campaign/targets</c>; the same targets may come as CSV (<see
/// cref="CampaignTargetsCsv"/>).</summary>
public sealed record SetCampaignTargets(IReadOnlyList<TargetLine>? Targets);

/// <summary>One target as sent: province, optional district, the number, the period (yyyy-MM-dd).</summary>
public sealed record TargetLine(string? Province, string? District, int? Target, string? PeriodStart, string? PeriodEnd)
{
    /// <summary>The target, or the rules it breaks with their fields under <paramref name="at"/> (e.g.
    /// <c>targets[2].</c> or <c>line 3: </c>).</summary>
    public (CampaignTarget? Target, IReadOnlyList<FieldError> Errors) Validate(string at)
    {
        var errors = CampaignPlace.Validate(Province, District, commune: null, at).ToList();
        if (Target is not > 0)
        {
            errors.Add(new FieldError(at + "target", "target.positive", "The target is a whole number above 0."));
        }

        bool start = DateOnly.TryParseExact(PeriodStart, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly from);
        bool end = DateOnly.TryParseExact(PeriodEnd, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly to);
        if (!start || !end || to < from)
        {
            errors.Add(new FieldError(at + "period", "period.dates", "periodStart and periodEnd are yyyy-MM-dd, the end not before the start."));
        }

        return errors.Count > 0 ? (null, errors) : (new CampaignTarget(Province!, District, Target!.Value, from, to), errors);
    }
}

/// <summary>
/// Targets as CSV, header <c>province,district,target,periodStart,periodEnd</c>, read with <see cref="CsvRecords"/>: every
/// line's problems are reported (field <c>line N: column</c>), nothing is thrown, and a file with any problem is refused whole.
/// </summary>
public static class CampaignTargetsCsv
{
    public static readonly string[] Columns = ["province", "district", "target", "periodStart", "periodEnd"];

    public static (IReadOnlyList<CampaignTarget> Targets, IReadOnlyList<FieldError> Errors) Read(TextReader text)
    {
        using IEnumerator<CsvRecord> records = CsvRecords.Read(text, maxFieldLength: 64, maxFields: Columns.Length + 1).GetEnumerator();
        var targets = new List<CampaignTarget>();
        var errors = new List<FieldError>();
        if (!records.MoveNext() || !records.Current.Fields.Select(f => f.Trim()).SequenceEqual(Columns, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add(new FieldError("line 1", "csv.header", $"The first line names the columns: {string.Join(',', Columns)}."));
            return (targets, errors);
        }

        while (records.MoveNext())
        {
            CsvRecord record = records.Current;
            string at = $"line {record.Line}: ";
            if (record.Problem is not null || record.Fields.Count != Columns.Length)
            {
                errors.Add(new FieldError($"line {record.Line}", record.Problem ?? "csv.columns", record.ProblemMessage ?? $"A line has {Columns.Length} fields."));
                continue;
            }

            string? Field(int i) => record.Fields[i].Trim() is { Length: > 0 } v ? v : null;
            int? target = int.TryParse(Field(2), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null;
            (CampaignTarget? valid, IReadOnlyList<FieldError> problems) = new TargetLine(Field(0), Field(1), target, Field(3), Field(4)).Validate(at);
            errors.AddRange(problems);
            if (valid is not null)
            {
                targets.Add(valid);
            }
        }

        return (targets, errors);
    }
}
