using System.Text.Json;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Security;
using Microsoft.Playwright;
using Xunit.Abstractions;
using E = CitizenWorkflows.Workflow.Orchestration.ApplicationEvents;

namespace CitizenWorkflows.Tests.Telemetry;

/// <summary>
/// The dashboard's overdue list and charts in Chromium, against a Local host (child process) that ran two applications,
/// one of them to delivery: the backlog, per-day and stage-duration charts are drawn (pixels on each canvas) from the
/// host's figures; the page is saved as a screenshot with the test results.
/// </summary>
public sealed class DashboardChartsTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task The_dashboard_draws_the_backlog_days_and_stage_duration_charts_from_the_hosts_figures()
    {
        await using LocalHostProcess host = await LocalHostProcess.StartAsync(azurite, "ChartsHub", FastPartners.Settings());
        using HttpClient kiosk = host.SignedClient(await LocalHostProcess.RegisterKioskAsync(azurite, LocalHostProcess.KioskId, "079"));
        using HttpClient officer = host.Client(Roles.Operator);
        string delivered = (await Api.SubmitAsync(kiosk, Samples.RenewalBy())).ApplicationId;
        string waiting = (await Api.SubmitAsync(kiosk, Samples.RenewalBy())).ApplicationId;
        await host.AnswerAsync(delivered, officer, E.ApprovalDecision, new { decision = "approve", reason = "documents in order" });
        Assert.Equal(ApplicationStage.Delivered, (await host.WaitForAsync(delivered, s => s.RuntimeStatus == "Completed", TimeSpan.FromMinutes(3))).Stage);
        await host.WaitForAsync(waiting, s => s.WaitingFor.Contains(E.ApprovalDecision));

        // The trends route, as the page calls it: two taken today, one delivered, durations of the stages left.
        using (HttpResponseMessage response = await officer.GetAsync(new Uri("/api/v1/stage-trends?days=3", UriKind.Relative)))
        {
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            JsonElement trends = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            JsonElement today = trends.GetProperty("days").EnumerateArray().Last();
            Assert.Equal(2, today.GetProperty("received").GetInt32());
            Assert.Equal(1, today.GetProperty("ended").GetProperty(nameof(ApplicationStage.Delivered)).GetInt32());
            string[] left = [.. trends.GetProperty("durations").EnumerateArray().Select(d => d.GetProperty("stage").GetString()!)];
            Assert.Contains(nameof(ApplicationStage.Received), left);
            Assert.Contains(nameof(ApplicationStage.AwaitingApproval), left);
        }

        await using DashboardBrowser browser = await DashboardBrowser.OpenAsync(host.BaseAddress);
        IPage page = browser.Page;
        await browser.SignInAsync(LocalHostProcess.Keys[Roles.Operator].Principal);

        // Overdue applications come first: none here (both were taken today).
        await Assertions.Expect(page.Locator("#overdue-none")).ToBeVisibleAsync();
        // Each chart holds the host's figures: the backlog of AwaitingApproval, today's two applications, the stages left.
        await page.WaitForFunctionAsync("() => typeof Chart !== 'undefined' && ['backlog-chart', 'days-chart', 'durations-chart'].every(id => Chart.getChart(id))");
        await page.WaitForFunctionAsync("() => Chart.getChart('durations-chart').data.labels.some(l => l.startsWith('AwaitingApproval'))");
        Assert.True(await page.EvaluateAsync<bool>(
            "() => Chart.getChart('backlog-chart').data.datasets.some(d => d.label === 'AwaitingApproval' && d.data.at(-1) === 1)"));
        Assert.Equal(2, await page.EvaluateAsync<int>("() => Chart.getChart('days-chart').data.datasets[0].data.at(-1)"));
        Assert.Equal(1, await page.EvaluateAsync<int>("() => Chart.getChart('days-chart').data.datasets.find(d => d.label === 'Delivered').data.at(-1)"));
        foreach (string canvas in new[] { "backlog-chart", "days-chart", "durations-chart" })
        {
            int drawn = await browser.PixelsDrawnAsync(canvas);
            Assert.True(drawn > 500, $"{canvas}: {drawn} pixels drawn");
        }

        string screenshot = await browser.ScreenshotAsync("telemetry-dashboard-charts");
        output.WriteLine($"screenshot: {screenshot}");
        Assert.True(new FileInfo(screenshot).Length > 10_000);
        Assert.Empty(browser.ConsoleErrors);
    }
}
