using BackorderDashboard.Data;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>
/// The pages work under the app's Content-Security-Policy (charts, popovers, the circuit), and a name from the
/// store's data shows as text in a chart's tooltip instead of running as markup.
/// </summary>
[Collection(AppCollection.Name)]
public class SecurityBrowserTests(AppFactory app, BrowserFixture browser)
{
    private const string HostileName = "<img src=x onerror=window.__xss=1> Pinecrest";

    /// <summary>A page that records every CSP violation: the browser's console line and the DOM event, from the first page on.</summary>
    private async Task<(IPage Page, List<string> Violations)> WatchedPageAsync()
    {
        var page = await browser.NewPageAsync(app.BaseUrl);
        var violations = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add(m.Text);
            }
        };
        await page.Context.AddInitScriptAsync("""
            window.__csp = [];
            document.addEventListener('securitypolicyviolation', e => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
            """);
        return (page, violations);
    }

    private static async Task<IReadOnlyList<string>> DomViolationsAsync(IPage page) =>
        await page.EvaluateAsync<string[]>("() => window.__csp ?? []");

    [Fact]
    public async Task KpiPage_ChartsTooltipsAndPopovers_RunUnderTheCsp_WithoutAViolation()
    {
        var (page, violations) = await WatchedPageAsync();
        await BrowserFixture.LoginAsync(page, "manager@example.com");
        await page.GotoAsync("/kpi?range=90&group=week");
        await BrowserFixture.WaitForCircuitAsync(page);

        // The charts library loads and draws (its own script and the style elements it adds).
        var rate = page.Locator("[data-testid=kpi-chart-backorder-rate]");
        await Assertions.Expect(rate.Locator("svg .apexcharts-line-series path.apexcharts-line")).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("[data-testid=kpi-chart-suppliers] path.apexcharts-bar-area").First).ToBeAttachedAsync();
        await rate.Locator("svg .apexcharts-grid").HoverAsync(new() { Force = true });
        await Assertions.Expect(rate.Locator(".apexcharts-tooltip-title")).Not.ToBeEmptyAsync();

        // A MudBlazor popover: the period picker's list.
        await page.Locator("[data-testid=kpi-range]").ClickAsync();
        var option = page.GetByRole(AriaRole.Option, new() { Name = "Last 30 days" });
        await Assertions.Expect(option).ToBeVisibleAsync();
        await option.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("range=30"));

        Assert.Empty(violations);
        Assert.Empty(await DomViolationsAsync(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task KpiSupplierChart_HostileSupplierName_ShowsAsTextInTheTooltipAndTable_AndRunsNothing()
    {
        var factory = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        string original;
        int supplierId;
        await using (var db = await factory.CreateDbContextAsync())
        {
            var supplier = await db.Suppliers.FirstAsync(s => s.Name.StartsWith("Pinecrest"));
            (original, supplierId) = (supplier.Name, supplier.Id);
            await db.Suppliers.Where(s => s.Id == supplierId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Name, HostileName));
        }
        try
        {
            var (page, violations) = await WatchedPageAsync();
            await BrowserFixture.LoginAsync(page, "manager@example.com");
            // A period of its own, so the report is computed now, with the new name (reports are reused for a minute).
            var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
            await page.GotoAsync($"/kpi?range=custom&from={today.AddDays(-151):yyyy-MM-dd}&to={today.AddDays(-1):yyyy-MM-dd}&group=month");
            await BrowserFixture.WaitForCircuitAsync(page);

            var chart = page.Locator("[data-testid=kpi-chart-suppliers]");
            var bars = chart.Locator("path.apexcharts-bar-area");
            await Assertions.Expect(bars.First).ToBeAttachedAsync(new() { Timeout = 20_000 });
            var title = chart.Locator(".apexcharts-tooltip-title");
            // The tooltip shows for the bar under the mouse: hover the bars until it is the renamed supplier's.
            async Task<string> TitleAsync() => await title.EvaluateAllAsync<string>("els => els.map(e => e.textContent).join('')");
            var count = await bars.CountAsync();
            for (var i = 0; i < count && !(await TitleAsync()).Contains("Pinecrest"); i++)
            {
                await bars.Nth(i).HoverAsync(new() { Force = true });
            }

            await Assertions.Expect(title).ToHaveTextAsync(HostileName);
            await Assertions.Expect(chart.Locator(".apexcharts-tooltip img")).ToHaveCountAsync(0);
            await BrowserFixture.ScreenshotAsync(page, "kpi-hostile-supplier-tooltip", fullPage: false);
            Assert.True(await page.EvaluateAsync<bool>("() => typeof window.__xss === 'undefined'"));

            await page.ClickAsync("[data-testid=kpi-table-toggle-suppliers]");
            var table = page.Locator("[data-testid=kpi-table-suppliers]");
            await Assertions.Expect(table).ToContainTextAsync(HostileName);
            await Assertions.Expect(table.Locator("img")).ToHaveCountAsync(0);
            Assert.True(await page.EvaluateAsync<bool>("() => typeof window.__xss === 'undefined'"));
            // Escaped, nothing was even tried: no inline handler reached the page for the policy to block.
            Assert.Empty(violations);
            await page.Context.CloseAsync();
        }
        finally
        {
            await using var db = await factory.CreateDbContextAsync();
            await db.Suppliers.Where(s => s.Id == supplierId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Name, original));
        }
    }
}
