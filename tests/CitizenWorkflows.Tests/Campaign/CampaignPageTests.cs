using System.Net.Http.Json;
using System.Text.Json;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Security;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CitizenWorkflows.Tests.Campaign;

/// <summary>
/// The dashboard's campaign page in Chromium, against a Local host (child process): an officer sets targets for two
/// provinces, a kiosk in one of them takes two applications; the page lists both provinces against their targets, draws
/// the target chart and the weekly trend from the host's figures, and downloads the weekly review as CSV. The page is
/// saved as a screenshot with the test results.
/// </summary>
public sealed class CampaignPageTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task The_campaign_page_shows_provinces_against_their_targets_with_the_target_chart_and_the_weekly_review()
    {
        await using LocalHostProcess host = await LocalHostProcess.StartAsync(azurite, "CampaignPageHub");
        using HttpClient kiosk = host.SignedClient(await LocalHostProcess.RegisterKioskAsync(azurite, LocalHostProcess.KioskId, "079"));
        using HttpClient officer = host.Client(Roles.Operator);
        DateOnly today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(WorkingDayCalendar.VietnamOffset).DateTime);
        string start = today.AddDays(-7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        string end = today.AddDays(60).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using (HttpResponseMessage set = await officer.PutAsJsonAsync(new Uri("/api/v1/campaign/targets", UriKind.Relative), new
        {
            targets = new object[]
            {
                new { province = "079", target = 5000, periodStart = start, periodEnd = end },
                new { province = "001", target = 3, periodStart = start, periodEnd = end },
            },
        }))
        {
            Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync());
        }

        string[] taken = [(await Api.SubmitAsync(kiosk, Samples.RenewalBy())).ApplicationId, (await Api.SubmitAsync(kiosk, Samples.RenewalBy())).ApplicationId];
        foreach (string id in taken)
        {
            await host.WaitForAsync(id, s => s.Stage != ApplicationStage.Received);
        }

        // The progress the page draws, as the API gives it: 079 took two applications today.
        JsonElement progress = await officer.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/campaign/progress", UriKind.Relative));
        JsonElement hcm = progress.GetProperty("provinces").EnumerateArray().Single(p => p.GetProperty("province").GetString() == "079");
        Assert.Equal(2, hcm.GetProperty("received").GetInt32());

        await using DashboardBrowser browser = await DashboardBrowser.OpenAsync(host.BaseAddress);
        IPage page = browser.Page;
        await browser.SignInAsync(LocalHostProcess.Keys[Roles.Operator].Principal);

        // Both provinces against their targets, each behind (neither reaches its target by the period's end at this rate).
        ILocator rows = page.Locator("#campaign-provinces tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        ILocator hcm079 = rows.Filter(new() { HasText = "079" });
        await Assertions.Expect(hcm079).ToContainTextAsync("(behind)");
        await Assertions.Expect(hcm079.Locator("td").Nth(0)).ToHaveTextAsync("5000");
        await Assertions.Expect(hcm079.Locator("td").Nth(1)).ToHaveTextAsync("2");
        await Assertions.Expect(rows.Filter(new() { HasText = "001" }).Locator("td").Nth(0)).ToHaveTextAsync("3");

        // The target chart holds the host's figures, and both charts have pixels drawn.
        await page.WaitForFunctionAsync("() => typeof Chart !== 'undefined' && Chart.getChart('campaign-chart') && Chart.getChart('campaign-weeks-chart')");
        const string Of079 = "(label) => { const c = Chart.getChart('campaign-chart'); const i = c.data.labels.findIndex(l => l.startsWith('079')); return c.data.datasets.find(d => d.label === label).data[i]; }";
        Assert.Equal(5000, await page.EvaluateAsync<int>(Of079, "Target"));
        Assert.Equal(2, await page.EvaluateAsync<int>(Of079, "Received"));
        Assert.Equal(2, await page.EvaluateAsync<int>("() => Chart.getChart('campaign-chart').data.labels.length"));
        Assert.Equal(2, await page.EvaluateAsync<int>("() => Chart.getChart('campaign-weeks-chart').data.datasets.find(d => d.label === 'Received').data.reduce((a, b) => a + b, 0)"));
        foreach (string canvas in new[] { "campaign-chart", "campaign-weeks-chart" })
        {
            int drawn = await browser.PixelsDrawnAsync(canvas);
            Assert.True(drawn > 500, $"{canvas}: {drawn} pixels drawn");
        }

        // The weekly review downloads as CSV with the operator's token: a header and a line for 079's total.
        IDownload download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download the weekly review (CSV)" }).ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        string csv = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Contains("079", csv, StringComparison.Ordinal);

        await page.Locator("#campaign").ScrollIntoViewIfNeededAsync();
        string screenshot = await browser.ScreenshotAsync("campaign-dashboard");
        output.WriteLine($"screenshot: {screenshot}");
        Assert.Empty(browser.ConsoleErrors);
    }
}
