using Microsoft.Playwright;

namespace BackorderDashboard.Tests.TestSupport;

/// <summary>
/// Debian's Chromium driven by Playwright (its own browser download is not used). Launched once for the
/// browser tests; each test opens its own context, so cookies and storage never leak between tests.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots of the pages under test go, to be looked at after a run.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        var path = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } p ? p : "/usr/bin/chromium";
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    public async Task<IPage> NewPageAsync(string baseUrl, int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-US",
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    /// <summary>A fresh browser context signed in as the given user, its circuit live.</summary>
    public async Task<IPage> SignedInPageAsync(string baseUrl, string email, int width = 1280, int height = 900)
    {
        var page = await NewPageAsync(baseUrl, width, height);
        await LoginAsync(page, email);
        return page;
    }

    /// <summary>Whether the tests run under CI (the <c>CI</c> variable set), where nobody looks at the pictures afterwards.</summary>
    public static bool InCi { get; } = Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci && !string.Equals(ci, "false", StringComparison.OrdinalIgnoreCase);

    /// <summary>Keeps a picture of the page for people to look at after the run.</summary>
    public static Task ScreenshotAsync(IPage page, string name, bool fullPage = true) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, $"{name}.png"), FullPage = fullPage });

    /// <summary>Signs in through the real login form and waits until the page's circuit is live.</summary>
    public static async Task LoginAsync(IPage page, string email, string password = BackorderDashboard.Data.DemoOptions.Password)
    {
        // Signing in hashes the password and starts the home page's circuit: while the run starts its apps side by side
        // that can take longer than a click usually may.
        var slow = 45_000;
        await page.GotoAsync("/", new() { Timeout = slow });
        await page.WaitForURLAsync("**/Account/Login**", new() { Timeout = slow });
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", password);
        await page.ClickAsync("button[type=submit]:has-text('Log in')", new() { Timeout = slow });
        await page.WaitForURLAsync(url => !url.Contains("/Account/"), new() { Timeout = slow });
        await page.Locator("[data-testid=circuit-ready]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = slow });
    }

    /// <summary>
    /// Clicks <paramref name="target"/> until <paramref name="shows"/> appears: a click that lands while the list
    /// under it is still being re-drawn (a search just typed) reaches an element that is then replaced.
    /// </summary>
    public static async Task ClickUntilShownAsync(ILocator target, ILocator shows, int attempts = 4)
    {
        for (var attempt = 1; ; attempt++)
        {
            await target.ClickAsync();
            try
            {
                await shows.First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 3000 });
                return;
            }
            catch (TimeoutException) when (attempt < attempts)
            {
            }
        }
    }

    /// <summary>The message shown under the field whose input has this data-testid (MudBlazor's helper line in error).</summary>
    public static ILocator FieldError(IPage page, string testId) =>
        page.Locator($".mud-input-control:has(input[data-testid={testId}]) .mud-input-helper-text.mud-input-error");

    public static Task WaitForCircuitAsync(IPage page) =>
        page.Locator("[data-testid=circuit-ready]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
    }
}
