using BackorderDashboard.Tests.TestSupport;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>The manager follows a top SKU from the key figures to its product's chart, and comes back to the same period.</summary>
[Collection(AppCollection.Name)]
public class ProductFiguresBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task Manager_ClicksATopSku_SeesItsChartForThePeriod_AndGoesBackWithThePeriodKept()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "manager@example.com");
        await page.GotoAsync("/kpi?range=30&group=day");
        await BrowserFixture.WaitForCircuitAsync(page);
        var period = (await page.Locator("[data-testid=kpi-period]").InnerTextAsync()).Trim();
        Assert.Matches(@"\d", period); // a period with its dates, so the comparison below can fail
        var bars = page.Locator("[data-testid=kpi-chart-top-backordered] path.apexcharts-bar-area");
        await Assertions.Expect(bars.First).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await bars.First.ClickAsync(new() { Force = true });

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/products/[^?]+\?range=30&from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d&group=day$"));
        await BrowserFixture.WaitForCircuitAsync(page);
        var chart = page.Locator("[data-testid=product-kpi-chart]");
        // Stockouts are the line over the demand and backorder columns.
        await Assertions.Expect(chart.Locator("svg .apexcharts-line-series path.apexcharts-line")).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Assertions.Expect(chart.Locator("svg .apexcharts-bar-series .apexcharts-series")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-testid=product-kpi-period]")).ToContainTextAsync("by day");
        await BrowserFixture.ScreenshotAsync(page, "product-figures");

        // The table under the chart: one row per day of the thirty, and backorders there, since the product is a top SKU.
        await page.ClickAsync("[data-testid=product-kpi-table-toggle]");
        await Assertions.Expect(page.Locator("[data-testid=product-kpi-table] tbody tr")).ToHaveCountAsync(30);
        Assert.DoesNotContain("· 0 units backordered", await page.Locator("[data-testid=product-kpi-period]").InnerTextAsync());

        await page.ClickAsync("[data-testid=back-to-kpi]");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/kpi\?range=30&group=day$"));
        await Assertions.Expect(page.Locator("[data-testid=kpi-period]")).ToHaveTextAsync(period);
        await page.Context.CloseAsync();
    }
}
