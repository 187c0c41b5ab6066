using System.Globalization;
using System.Text;
using System.Text.Json;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace CitizenWorkflows.Workflow.Campaign.Targets;

/// <summary>
/// <c>PUT /v1/campaign/targets</c> (JSON or <c>text/csv</c>): an officer sets targets in their area, every line checked
/// first and the whole set refused (422, each line's problems named) if any is wrong. <c>GET /v1/campaign/progress</c>
/// and <c>GET /v1/campaign/report</c>: the weekly review as JSON and as CSV; an area-bound officer sees their province.
/// </summary>
public sealed class CampaignTargetEndpoints(CampaignTargets targets, CampaignProgress progress, TimeProvider clock)
{
    const long MaxBodyBytes = 256 * 1024;
    static readonly string[] ReportParameters = ["province", "from", "to"];

    public async Task<IResult> SetAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Caller caller = CallerClaims.Of(request);
        IReadOnlyList<CampaignTarget> lines;
        var errors = new List<FieldError>();
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out MediaTypeHeaderValue? type) && type.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            (byte[]? body, IResult? tooLarge) = await RequestBody.ReadBytesAsync(request, MaxBodyBytes, cancellationToken);
            if (body is null)
            {
                return tooLarge!;
            }

            (lines, IReadOnlyList<FieldError> problems) = CampaignTargetsCsv.Read(new StringReader(Encoding.UTF8.GetString(body)));
            errors.AddRange(problems);
        }
        else
        {
            (SetCampaignTargets? body, IResult? problem) = await RequestBody.ReadJsonAsync<SetCampaignTargets>(request, MaxBodyBytes, allowEmpty: false, cancellationToken);
            if (body is null)
            {
                return problem!;
            }

            var valid = new List<CampaignTarget>();
            foreach ((TargetLine line, int i) in (body.Targets ?? []).Select((l, i) => (l, i)))
            {
                (CampaignTarget? target, IReadOnlyList<FieldError> problems) = line.Validate($"targets[{i}].");
                errors.AddRange(problems);
                if (target is not null)
                {
                    valid.Add(target);
                }
            }

            lines = valid;
        }

        if (errors.Count == 0 && lines.Count == 0)
        {
            errors.Add(new FieldError("targets", "targets.required", "Send at least one target."));
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (lines.Select(t => new CampaignPlace(t.Province, t.District, null)).FirstOrDefault(p => !p.IsWithin(caller)) is { } outside)
        {
            return outside.OutsideArea(caller, "a target");
        }

        await targets.SetAsync(lines, caller.Principal, clock.GetUtcNow(), cancellationToken);
        return Results.Json(new { set = lines.Count }, JsonSerializerOptions.Web);
    }

    public async Task<IResult> ProgressAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        (CampaignReport? report, IResult? problem) = await ReportOfAsync(request, cancellationToken);
        return report is null ? problem! : Results.Json(report, JsonSerializerOptions.Web);
    }

    public async Task<IResult> ReportAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        (CampaignReport? report, IResult? problem) = await ReportOfAsync(request, cancellationToken);
        return report is null
            ? problem!
            : Results.Text(CampaignProgress.ToCsv(report), "text/csv; charset=utf-8", Encoding.UTF8);
    }

    async Task<(CampaignReport?, IResult?)> ReportOfAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Caller caller = CallerClaims.Of(request);
        string[] unknown = [.. request.Query.Keys.Where(k => !ReportParameters.Contains(k, StringComparer.Ordinal))];
        if (unknown.Length > 0)
        {
            return (null, Problems.UnknownParameters(unknown, ReportParameters));
        }

        string? province = request.Query["province"].FirstOrDefault();
        var errors = province is null ? [] : CampaignPlace.Validate(province, null, null).ToList();
        DateOnly? Date(string name)
        {
            string? value = request.Query[name].FirstOrDefault();
            if (value is null)
            {
                return null;
            }

            if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly day))
            {
                return day;
            }

            errors.Add(new FieldError(name, "date.format", $"'{name}' is a date, yyyy-MM-dd."));
            return null;
        }

        DateOnly? from = Date("from"), to = Date("to");
        if (from > to)
        {
            errors.Add(new FieldError("from", "period.dates", "'from' is not after 'to'."));
        }

        if (errors.Count > 0)
        {
            return (null, Problems.Validation(errors));
        }

        if (OfficerArea.IsBound(caller) && caller.Province is { } own)
        {
            if (province is not null && province != own)
            {
                return (null, new CampaignPlace(province, null, null).OutsideArea(caller, "the report asked for"));
            }

            province = own;
        }

        return (await progress.ReportAsync(province, from, to, cancellationToken), null);
    }
}
