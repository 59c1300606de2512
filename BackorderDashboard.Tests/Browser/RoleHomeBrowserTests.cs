using BackorderDashboard.Tests.TestSupport;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>Each demo user signs in through the real form in Chromium and lands on their role's home.</summary>
[Collection(AppCollection.Name)]
public class RoleHomeBrowserTests(AppFactory app, BrowserFixture browser)
{
    public static TheoryData<string, string, string[], string[]> Homes => new()
    {
        { "admin@example.com", "admin", ["merchant-home", "support-home", "manager-home"], ["Home", "Products", "Backorder queues", "Where is my order?", "Customers", "New order", "Outbox", "Ready to ship", "Key figures", "Replenishment", "Purchase orders", "Receiving", "Stock count", "Suppliers", "Import", "Storefront badge", "Integrations", "Users & roles", "Settings", "Audit log", "API keys"] },
        { "merchant@example.com", "merchant", ["merchant-home"], ["Home", "Products", "Backorder queues", "Where is my order?", "Customers", "New order", "Ready to ship", "Key figures", "Replenishment", "Purchase orders", "Receiving", "Stock count", "Suppliers", "Import", "Storefront badge", "Integrations"] },
        { "support@example.com", "support", ["support-home"], ["Home", "Products", "Backorder queues", "Where is my order?", "Customers", "New order", "Outbox"] },
        { "manager@example.com", "manager", ["manager-home"], ["Home", "Products", "Backorder queues", "Where is my order?", "Customers", "Key figures", "Replenishment", "Purchase orders", "Receiving", "Suppliers"] },
    };

    [Theory]
    [MemberData(nameof(Homes))]
    public async Task Login_DemoUser_SeesTheirHomeAndNavigation(string email, string name, string[] sections, string[] nav)
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, email);

        // The sections of the user's roles show (waited for); only then can the others be known to stay away.
        foreach (var section in sections)
        {
            await Assertions.Expect(page.Locator($"[data-testid={section}]")).ToBeVisibleAsync();
        }
        foreach (var section in new[] { "merchant-home", "support-home", "manager-home" }.Except(sections))
        {
            await Assertions.Expect(page.Locator($"[data-testid={section}]")).ToHaveCountAsync(0);
        }
        var links = await page.Locator("nav a.mud-nav-link, .mud-navmenu a.mud-nav-link").AllInnerTextsAsync();
        Assert.Equal(nav, links.Select(l => l.Trim()).ToArray());
        // The menu names the person by their display name ("Alex Admin"), not the address they sign in with.
        Assert.Contains(BackorderDashboard.Data.DemoOptions.DisplayName(email), await page.Locator("[data-testid=user-menu]").InnerTextAsync());
        await BrowserFixture.ScreenshotAsync(page, $"home-{name}");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task MerchantHome_ShowsTheDemoQueue()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");

        var openLines = await page.Locator("[data-testid=open-lines] .kpi-figure").InnerTextAsync();

        Assert.True(int.Parse(openLines.Replace(",", "")) > 0, $"open lines: {openLines}");
        await Assertions.Expect(page.Locator("text=Longest queues")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ManagerHome_DrawsTheBackorderRateTrendAndTheAgingChart()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "manager@example.com");

        // ApexCharts draws SVG once the library has loaded from wwwroot/lib.
        var bars = page.Locator("[data-testid=kpi-chart-aging] path.apexcharts-bar-area");
        await Assertions.Expect(bars).ToHaveCountAsync(4, new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("[data-testid=kpi-chart-backorder-rate] path.apexcharts-line")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=kpi-chart-backorder-rate] .apexcharts-yaxis-annotations")).ToContainTextAsync("5% benchmark");
        await BrowserFixture.ScreenshotAsync(page, "home-manager-kpis");
        Assert.Matches(@"^\d+(\.\d)?%$", (await page.Locator("[data-testid=backorder-rate] .kpi-figure").InnerTextAsync()).Trim());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SupportHome_FindsOrdersByPartialEmailAsYouType()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "support@example.com");

        await page.Locator("input[data-testid=order-search]").PressSequentiallyAsync("OLIVIA.", new() { Delay = 30 });
        var rows = page.Locator("[data-testid=order-hits] tbody tr");
        await rows.First.WaitForAsync();

        Assert.InRange(await rows.CountAsync(), 1, 10);
        foreach (var text in await rows.AllInnerTextsAsync())
        {
            Assert.Contains("olivia.", text, StringComparison.OrdinalIgnoreCase);
        }
        await BrowserFixture.ScreenshotAsync(page, "support-search");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task DarkMode_Toggle_IsRememberedForTheUser()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "admin@example.com");
        var before = await BackgroundAsync(page);

        await page.ClickAsync("[data-testid=dark-mode-toggle]");
        await page.WaitForFunctionAsync("b => getComputedStyle(document.body).backgroundColor !== b", before);
        var dark = await BackgroundAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "home-admin-dark");

        // A new browser (no local state) shows the same choice: it is stored with the user.
        var other = await browser.SignedInPageAsync(app.BaseUrl, "admin@example.com");
        Assert.Equal(dark, await BackgroundAsync(other));

        await other.ClickAsync("[data-testid=dark-mode-toggle]");
        await other.WaitForFunctionAsync("b => getComputedStyle(document.body).backgroundColor !== b", dark);
        Assert.Equal(before, await BackgroundAsync(other));
        await page.Context.CloseAsync();
        await other.Context.CloseAsync();
    }

    [Fact]
    public async Task Home_PhoneWidth_KeepsMenuAndUserControlsReachable()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com", width: 390, height: 844);

        await Assertions.Expect(page.Locator("[data-testid=dark-mode-toggle]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=user-menu]")).ToBeVisibleAsync();
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"page scrolls sideways: {width}px");
        await BrowserFixture.ScreenshotAsync(page, "home-merchant-phone");
        await page.Context.CloseAsync();
    }

    private static Task<string> BackgroundAsync(IPage page) => page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");
}
