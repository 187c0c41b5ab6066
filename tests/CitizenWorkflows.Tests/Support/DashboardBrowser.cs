using Microsoft.Playwright;

namespace CitizenWorkflows.Tests.Support;

/// <summary>
/// The operators' dashboard in a real browser: Debian's chromium driven by Playwright (never a downloaded browser),
/// against a running host. Collects the page's console errors and signs an operator in through the host's OpenID
/// provider (authorization code + PKCE, the provider's own form), as a person would.
/// </summary>
public sealed class DashboardBrowser : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>Generous: the machine is shared and the workflows move on their own schedule.</summary>
    public const float Timeout = 90_000;

    // Without the background-networking flags chromium keeps dialling Google's hosts, which this machine refuses.
    static readonly string[] Flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    readonly IPlaywright playwright;
    readonly IBrowser browser;
    readonly List<string> consoleErrors = [];

    DashboardBrowser(IPlaywright playwright, IBrowser browser, IPage page)
    {
        this.playwright = playwright;
        this.browser = browser;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (consoleErrors)
                {
                    consoleErrors.Add($"{message.Text} ({message.Location})");
                }
            }
        };
    }

    public IPage Page { get; }

    /// <summary>What the page wrote to the console as errors (a rendering failure of a chart lands here).</summary>
    public IReadOnlyList<string> ConsoleErrors
    {
        get
        {
            lock (consoleErrors)
            {
                return [.. consoleErrors];
            }
        }
    }

    /// <summary>A new browser with one page whose relative addresses resolve against <paramref name="host"/>.</summary>
    public static async Task<DashboardBrowser> OpenAsync(Uri host, int width = 1280, int height = 1000)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium (./test.sh does).");
        IPlaywright playwright = await Playwright.CreateAsync();
        try
        {
            IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = Flags });
            IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = host.ToString(), ViewportSize = new() { Width = width, Height = height } });
            page.SetDefaultTimeout(Timeout);
            return new DashboardBrowser(playwright, browser, page);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Opens the dashboard and signs <paramref name="principal"/> in with their password; returns once the
    /// page shows them signed in.</summary>
    public async Task SignInAsync(string principal)
    {
        await Page.GotoAsync("/api/dashboard");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Page.WaitForURLAsync("**/connect/authorize**");
        await SubmitProviderFormAsync(principal, LocalHostProcess.SecretOf(principal));
        await ExpectBackOnTheDashboardAsync();
        await Assertions.Expect(Page.Locator("#signed-in-as")).ToContainTextAsync(LocalHostProcess.NameOf(principal));
    }

    /// <summary>
    /// Waits until the page is the dashboard again with the code gone from its address: the provider redirects to
    /// <c>/api/dashboard?code=…</c> and the page, once it has exchanged the code, replaces its address without it
    /// (<c>history.replaceState</c>). Polls the address: <c>WaitForURLAsync</c> waits for a navigation's load event and
    /// missed that same-document change now and then (seen hanging 90 s with the page already at the address).
    /// </summary>
    public Task ExpectBackOnTheDashboardAsync() =>
        Assertions.Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/api/dashboard$"));

    /// <summary>Fills the provider's sign-in form (the page must be on it) and submits it.</summary>
    public async Task SubmitProviderFormAsync(string userName, string password)
    {
        await Page.GetByLabel("User name").FillAsync(userName);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>How many pixels of the canvas <paramref name="canvasId"/> are not transparent: a chart that rendered
    /// draws hundreds.</summary>
    public Task<int> PixelsDrawnAsync(string canvasId) => Page.EvaluateAsync<int>(
        """
        (id) => {
          const canvas = document.getElementById(id);
          const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          let drawn = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) drawn++;
          return drawn;
        }
        """, canvasId);

    /// <summary>Saves the whole page as <c>tests/CitizenWorkflows.Tests/TestResults/{name}.png</c>; returns the path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        string path = Path.Combine(RepoPaths.Root, "tests", "CitizenWorkflows.Tests", "TestResults", name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}
