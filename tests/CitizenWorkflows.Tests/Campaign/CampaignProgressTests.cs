using System.Globalization;
using Azure.Data.Tables;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Campaign.Targets;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Operations.Query;
using CitizenWorkflows.Workflow.Registry;

namespace CitizenWorkflows.Tests.Campaign;

/// <summary>
/// Targets and progress: targets read from CSV with every bad line named; the day counters' approved/printed
/// milestones counted once on the way in (not again after a suspension); the weekly review on Azurite from the
/// counters with its forecast, behind provinces first, and its CSV guarded against spreadsheet formulas.
/// </summary>
public sealed class CampaignProgressTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    // Wednesday 9 December 2026, noon in Vietnam.
    static readonly DateTimeOffset Noon = new(2026, 12, 9, 12, 0, 0, WorkingDayCalendar.VietnamOffset);
    static readonly DateOnly Today = new(2026, 12, 9);

    [Fact]
    public void Targets_CSV_names_every_bad_line_and_reads_the_good_ones()
    {
        string csv = "province,district,target,periodStart,periodEnd\r\n"
            + "079,,120000,2026-11-01,2027-04-30\r\n"
            + "999,,10,2026-11-01,2027-04-30\r\n"
            + "001,7601,-5,2026-11-01,2026-10-01\r\n"
            + "001,760,500,2026-11-01,2027-04-30\r\n"
            + "\"001,x\r\n";

        (IReadOnlyList<CampaignTarget> targets, IReadOnlyList<Workflow.Http.FieldError> errors) = CampaignTargetsCsv.Read(new StringReader(csv));

        Assert.Equal([new CampaignTarget("079", null, 120000, new DateOnly(2026, 11, 1), new DateOnly(2027, 4, 30)), new CampaignTarget("001", "760", 500, new DateOnly(2026, 11, 1), new DateOnly(2027, 4, 30))], targets);
        Assert.Contains(errors, e => e.Field == "line 3: province" && e.Rule == "province.known");
        Assert.Contains(errors, e => e.Field == "line 4: district" && e.Rule == "district.format");
        Assert.Contains(errors, e => e.Field == "line 4: target" && e.Rule == "target.positive");
        Assert.Contains(errors, e => e.Field == "line 4: period" && e.Rule == "period.dates");
        Assert.Contains(errors, e => e.Field == "line 6" && e.Rule.StartsWith("csv.", StringComparison.Ordinal));
        Assert.Equal("csv.header", Assert.Single(CampaignTargetsCsv.Read(new StringReader("prov,target\r\n079,1\r\n")).Errors).Rule);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("Hồ Chí Minh", "Hồ Chí Minh")]
    public void Report_text_is_defused_for_spreadsheets(string value, string written) =>
        Assert.Equal(written, SpreadsheetSafeText.DefuseFormula(value));

    [Fact]
    public async Task The_weekly_review_comes_from_the_day_counters_with_a_forecast_and_behind_provinces_first()
    {
        TableServiceClient tables = azurite.Tables;
        foreach (string table in new[] { ApplicationCounters.TableName, ApplicationIndex.TableName, CampaignTargets.TableName })
        {
            await tables.GetTableClient(table).CreateIfNotExistsAsync();
        }

        var counters = new ApplicationCounters(tables);
        // Province 079: three received this week; one approved, printed and delivered; one suspended after approval and resumed.
        string[] hcm = [.. Enumerable.Range(0, 3).Select(i => $"camp-079-{i}")];
        foreach (string id in hcm)
        {
            await counters.CountAsync(null, Row(id, "079", ApplicationStage.Received, Noon.AddHours(-2)), CancellationToken.None);
        }

        await StepAsync(counters, hcm[0], "079", ApplicationStage.Received, ApplicationStage.AwaitingApproval, ApplicationStage.Approved, ApplicationStage.Printing, ApplicationStage.Printed, ApplicationStage.Shipped, ApplicationStage.Delivered);
        await StepAsync(counters, hcm[1], "079", ApplicationStage.Received, ApplicationStage.AwaitingApproval, ApplicationStage.Approved, ApplicationStage.Suspended, ApplicationStage.Personalised);
        // Province 001: two received last week, target reached.
        foreach (string id in new[] { "camp-001-0", "camp-001-1" })
        {
            await counters.CountAsync(null, Row(id, "001", ApplicationStage.Received, Noon.AddDays(-7), created: Noon.AddDays(-7)), CancellationToken.None);
        }

        var targets = new CampaignTargets(tables);
        await targets.SetAsync(
            [new("079", null, 10, Today.AddDays(-14), Today.AddDays(14)), new("001", null, 2, Today.AddDays(-14), Today.AddDays(14)), new("079", "760", 4, Today.AddDays(-14), Today.AddDays(14))],
            "officer-test", Noon, CancellationToken.None);

        CampaignReport report = await new CampaignProgress(targets, counters, tables, new FakeClock(Noon)).ReportAsync(null, Today.AddDays(-13), null, CancellationToken.None);

        Assert.Equal(["079", "001"], report.Provinces.Select(p => p.Province));
        ProvinceProgress behind = report.Provinces[0];
        Assert.Equal((3L, 2L, 1L, 1L), (behind.Received, behind.Approved, behind.Printed, behind.Delivered));
        // 7 more at 3 a week: 17 days from today, after the period's end in 14.
        Assert.Equal((3L, Today.AddDays(17), true), (behind.WeeklyRate, behind.Forecast, behind.Behind));
        Assert.Equal(new WeekProgress(new DateOnly(2026, 12, 7), 3, 2, 1, 1), Assert.Single(behind.Weeks));
        Assert.Equal("760", Assert.Single(behind.DistrictTargets).District);
        ProvinceProgress reached = report.Provinces[1];
        Assert.Equal((2L, 0L, true, false, (DateOnly?)null), (reached.Received, reached.WeeklyRate, reached.Reached, reached.Behind, reached.Forecast));

        string[] csv = CampaignProgress.ToCsv(report).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("province,name,week,received,approved,printed,delivered,overdue,target,weeklyRate,forecast,behind", csv[0]);
        Assert.Contains("079,Hồ Chí Minh,total,3,2,1,1,0,10,3,2026-12-26,yes", csv);
        Assert.Contains("001,Hà Nội,total,2,0,0,0,0,2,0,reached,no", csv);
    }

    static async Task StepAsync(ApplicationCounters counters, string id, string province, params ApplicationStage[] stages)
    {
        for (int i = 1; i < stages.Length; i++)
        {
            await counters.CountAsync(Row(id, province, stages[i - 1], Noon.AddHours(-2), i), Row(id, province, stages[i], Noon.AddHours(-1), i + 1), CancellationToken.None);
        }
    }

    static ProjectedRow Row(string id, string province, ApplicationStage stage, DateTimeOffset at, int sequence = 1, DateTimeOffset? created = null) =>
        new(id, stage.ToString(), province, null, null, "KIOSK-TEST", created ?? Noon.AddHours(-2), at, Noon.AddDays(7), sequence, new TableEntity());
}
