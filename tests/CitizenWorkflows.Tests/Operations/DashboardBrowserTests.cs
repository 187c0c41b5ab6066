using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Operations.Audit;
using CitizenWorkflows.Workflow.Security;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CitizenWorkflows.Tests.Operations;

/// <summary>The same five applications for the browser, on their own task hub and storage.</summary>
public sealed class DashboardFixture() : OperationsFixture("DashboardHub");

/// <summary>
/// The dashboard in a real browser: Debian's chromium driven by Playwright, against the Local host on Azurite. An
/// operator signs in through the host's OpenID provider (authorization code + PKCE; a wrong password first), filters,
/// opens an application, approves it through the confirmation dialog and sees the stage change, then signs out; the
/// token lived in the tab's session storage only. The page is saved as a screenshot with the test results.
/// </summary>
public sealed class DashboardBrowserTests(DashboardFixture fixture, ITestOutputHelper output) : IClassFixture<DashboardFixture>
{
    [Fact]
    public async Task An_operator_filters_opens_an_application_approves_it_and_sees_its_stage_change()
    {
        await using DashboardBrowser browser = await DashboardBrowser.OpenAsync(fixture.Host.BaseAddress);
        IPage page = browser.Page;
        const float Timeout = DashboardBrowser.Timeout;

        // The short address redirects to the page; signed out it shows no data and asks for a sign-in.
        await page.GotoAsync("/dashboard");
        Assert.EndsWith("/api/dashboard", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Sign in to begin.");
        Assert.Equal(0, await page.Locator("#applications tbody tr").CountAsync());

        // Sign in at the provider: a wrong password is refused there, the right one comes back to the dashboard with a code.
        string officer = LocalHostProcess.Keys[Roles.Operator].Principal;
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/connect/authorize**");
        await browser.SubmitProviderFormAsync(officer, "not-the-password-at-all");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The user name or password is not valid.");
        await browser.SubmitProviderFormAsync(officer, LocalHostProcess.SecretOf(officer));
        await browser.ExpectBackOnTheDashboardAsync();
        await Assertions.Expect(page.Locator("#signed-in-as")).ToContainTextAsync(LocalHostProcess.NameOf(officer));
        await Assertions.Expect(page.Locator("#total")).ToHaveTextAsync("5", new() { Timeout = Timeout });
        Assert.DoesNotContain("code=", page.Url, StringComparison.Ordinal);
        Assert.Equal(0, await page.EvaluateAsync<int>("() => localStorage.length"));
        Assert.True(await page.EvaluateAsync<bool>("() => (sessionStorage.getItem('citizenworkflows.accessToken') || '').split('.').length === 3"));
        await Assertions.Expect(page.Locator("#counts tbody tr", new() { HasText = "AwaitingApproval" })).ToContainTextAsync("4");
        await Assertions.Expect(page.Locator("#applications tbody tr")).ToHaveCountAsync(5);

        // Filter: the mobile team's applications waiting for approval.
        await page.GetByLabel("Stage", new() { Exact = true }).SelectOptionAsync("AwaitingApproval");
        await page.GetByLabel("Kiosk", new() { Exact = true }).FillAsync(OperationsFixture.MobileKioskId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        Submitted chosen = fixture.Applications.Single(a => a.KioskId == OperationsFixture.MobileKioskId && a.Waiting == ApplicationStage.AwaitingApproval);
        await Assertions.Expect(page.Locator("#applications tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#applications tbody tr")).ToContainTextAsync(chosen.Id);

        // Open it: summary, timeline and the orchestration's history.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Open application {chosen.Id}" }).ClickAsync();
        await Assertions.Expect(page.Locator("#d-id")).ToHaveTextAsync(chosen.Id);
        await Assertions.Expect(page.Locator("#d-stage")).ToHaveTextAsync("AwaitingApproval");
        await Assertions.Expect(page.Locator("#detail-heading")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#timeline tbody tr").Last).ToContainTextAsync("AwaitingApproval");
        Assert.True(int.Parse(await page.Locator("#history-count").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture) > 5);
        await Assertions.Expect(page.Locator("#documents")).ToContainTextAsync("portrait");

        // Approve through the confirmation dialog (a reason is required), then watch the stage change.
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve…" }).ClickAsync();
        ILocator dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog).ToContainTextAsync(chosen.Id);
        await dialog.GetByLabel("Reason (recorded in the audit)").FillAsync("documents and photo checked at the district office");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm approval" }).ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#d-stage")).Not.ToHaveTextAsync("AwaitingApproval", new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator("#timeline")).ToContainTextAsync("Approved");
        await Assertions.Expect(page.Locator("#timeline")).ToContainTextAsync("documents and photo checked at the district office");
        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync($"Application {chosen.Id} is now", new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator("#approve")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("#audit tbody tr", new() { HasText = "approve" })).ToContainTextAsync("accepted");
        await Assertions.Expect(page.Locator("#audit tbody tr", new() { HasText = "approve" })).ToContainTextAsync(LocalHostProcess.NameOf(officer));
        await Assertions.Expect(page.Locator("#suspend")).ToBeEnabledAsync();
        await Assertions.Expect(page.Locator("#redrive")).ToBeDisabledAsync();

        // The workflow agrees with the page, and the approval went through the actions endpoint: it is in the audit.
        ApplicationStatusResponse status = await fixture.Host.StatusAsync(chosen.Id);
        Assert.Contains(status.Timeline, t => t.Stage == ApplicationStage.Approved && t.Detail == "documents and photo checked at the district office");
        var audit = new OperationsAudit(fixture.Azurite.Tables, TimeProvider.System);
        Assert.Contains((await audit.ListAsync(chosen.Id, CancellationToken.None)).Select(e => e.Record), r =>
            r.Action == "approve" && r.Outcome == OperationsAudit.Accepted && r.Actor == officer && r.ActorName == LocalHostProcess.NameOf(officer)
            && r.Reason == "documents and photo checked at the district office");

        string screenshot = await browser.ScreenshotAsync("dashboard");
        output.WriteLine($"Dashboard screenshot: {screenshot}");

        // Sign out: the token is gone from the tab, the data from the page, and a reload asks for a sign-in again.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Signed out.");
        await Assertions.Expect(page.Locator("#total")).ToHaveTextAsync("–");
        Assert.Equal(0, await page.Locator("#applications tbody tr").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => sessionStorage.getItem('citizenworkflows.accessToken') === null"));
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Sign in to begin.");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.Empty(browser.ConsoleErrors);
    }
}
