using System.Globalization;
using System.Text.Json;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Operations.Query;
using CitizenWorkflows.Workflow.Security;
using Microsoft.AspNetCore.Http;

namespace CitizenWorkflows.Workflow.Telemetry;

/// <summary>
/// <c>GET /api/v1/stage-trends?days=14</c>: what the dashboard's charts draw besides the live counts — applications taken
/// and ended per day (the day counters: one range query) and stage-duration percentiles (<see cref="StageDurations"/>).
/// Area-scoped like every read: a province-bound officer gets the province's figures; one bound to a district or commune
/// gets none (both sources are kept per province, finer areas are not).
/// </summary>
public sealed class StageTrendsEndpoint(ApplicationCounters counters, StageDurations durations, TimeProvider clock)
{
    public const int DefaultDays = 14;
    public const int MaxDays = 92;
    const string DaysParameter = "days";
    static readonly string[] Parameters = [DaysParameter];

    public async Task<IResult> GetAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ApplicationFilter.Unknown(request.Query, Parameters) is { Count: > 0 } unknown)
        {
            return Problems.UnknownParameters(unknown, Parameters);
        }

        int days = DefaultDays;
        if (request.Query.TryGetValue(DaysParameter, out var given)
            && !(int.TryParse(given.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out days) && days is >= 1 and <= MaxDays))
        {
            return Problems.Validation([new FieldError(DaysParameter, "range", $"'{DaysParameter}' is a whole number of days from 1 to {MaxDays}.")]);
        }

        OfficerScope? scope = OfficerScope.Of(CallerClaims.Of(request));
        DateOnly to = ApplicationCounters.Day(clock.GetUtcNow());
        DateOnly from = to.AddDays(1 - days);
        if (scope is { District: not null } or { Commune: not null })
        {
            return Results.Json(new StageTrends(from, to, scope.Province, [], [], durations.Since, "Day counts and stage durations are kept per province: none for an area below it."), JsonSerializerOptions.Web);
        }

        string? province = scope?.Province;
        IReadOnlyList<DailyCount> counted = await counters.ReadDaysAsync(from, to, province, cancellationToken);
        var byDay = counted.GroupBy(c => c.Day).ToDictionary(g => g.Key, g => g.ToList());
        DayTrend[] trend = [.. Enumerable.Range(0, days).Select(i => from.AddDays(i)).Select(day =>
        {
            List<DailyCount> rows = byDay.GetValueOrDefault(day) ?? [];
            Dictionary<string, long> ended = ApplicationCounters.DayColumns.Where(c => c != ApplicationCounters.Received)
                .ToDictionary(c => c, c => rows.Sum(r => r.Counts.GetValueOrDefault(c)), StringComparer.Ordinal);
            return new DayTrend(day, rows.Sum(r => r.Counts.GetValueOrDefault(ApplicationCounters.Received)), ended);
        })];
        return Results.Json(new StageTrends(from, to, province, trend, durations.Percentiles(province), durations.Since, null), JsonSerializerOptions.Web);
    }
}

/// <summary>The dashboard's trends: per day from <see cref="From"/> to <see cref="To"/> (Vietnam time), and stage
/// durations since <see cref="DurationsSince"/>.</summary>
/// <param name="Province">The province the figures are of; null for the whole country.</param>
/// <param name="Note">Why figures are missing, when they are.</param>
public sealed record StageTrends(
    DateOnly From, DateOnly To, string? Province, IReadOnlyList<DayTrend> Days, IReadOnlyList<StagePercentiles> Durations, DateTimeOffset DurationsSince, string? Note);

/// <summary>Applications taken on <see cref="Day"/> and those that ended that day, per final stage.</summary>
public sealed record DayTrend(DateOnly Day, long Received, IReadOnlyDictionary<string, long> Ended);
