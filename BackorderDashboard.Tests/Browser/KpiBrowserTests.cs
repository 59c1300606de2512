using System.Globalization;
using System.Text.RegularExpressions;
using BackorderDashboard.Data;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>The manager reads the KPI page on the demo store: the backorder-rate chart with its 5% line, another range, a drill into the queue.</summary>
[Collection(AppCollection.Name)]
public class KpiBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task Manager_SeesTheBackorderRateAgainstTheBenchmark_ChangesTheRange_AndDrillsIntoTheQueue()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "manager@example.com");
        await page.GetByRole(AriaRole.Link, new() { Name = "Key figures", Exact = true }).ClickAsync();
        await BrowserFixture.WaitForCircuitAsync(page);

        // The chart is drawn (an SVG with one line), with the benchmark annotation.
        var chart = page.Locator("[data-testid=kpi-chart-backorder-rate]");
        // The charts library loads on first use: the first chart may take a while on a busy machine.
        await Assertions.Expect(chart.Locator("svg .apexcharts-line-series path.apexcharts-line")).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Assertions.Expect(chart.Locator(".apexcharts-yaxis-annotations")).ToContainTextAsync("5% benchmark");
        await Assertions.Expect(page.Locator("[data-testid=kpi-tile-backorder-rate] .kpi-figure")).ToHaveTextAsync(new Regex(@"^\d+\.\d%$"));
        await BrowserFixture.ScreenshotAsync(page, "kpi-90-days");

        // The table view says the same as the chart: one row per week of the last 90 days.
        await page.ClickAsync("[data-testid=kpi-table-toggle-backorder-rate]");
        var rows = page.Locator("[data-testid=kpi-table-backorder-rate] tbody tr");
        await Assertions.Expect(rows.First).ToBeVisibleAsync();
        Assert.InRange(await rows.CountAsync(), 13, 15);

        // Last 30 days, by day: thirty points.
        await page.Locator("[data-testid=kpi-range]").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Last 30 days" }).ClickAsync();
        await page.Locator("[data-testid=kpi-group]").GetByText("Day").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(30);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("range=30&group=day"));
        await Assertions.Expect(page.Locator("[data-testid=kpi-csv-backorder-rate]")).ToHaveAttributeAsync("href",
            new Regex("^/kpi/export/backorder-rate.csv\\?range=30&group=day"));

        // A bar of the aging chart opens the queue with that filter.
        var aging = page.Locator("[data-testid=kpi-chart-aging]");
        await Assertions.Expect(aging.Locator("path.apexcharts-bar-area")).ToHaveCountAsync(4);
        await aging.Locator("path.apexcharts-bar-area").Nth(2).ClickAsync(new() { Force = true });
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/backorders\\?age=15-30"));
        await BrowserFixture.WaitForCircuitAsync(page);
        var waiting = page.Locator("[data-testid=queue-table] tbody tr td[data-label='Days waiting']");
        await Assertions.Expect(waiting.First).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "kpi-drill-queue");
        var days = await waiting.AllInnerTextsAsync();
        Assert.NotEmpty(days);
        AssertAll.NonEmpty(days, d => Assert.InRange(int.Parse(d.Trim(), CultureInfo.InvariantCulture), 15, 30));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Merchant_TurnsProductsBelowTheirReorderPointIntoDraftPurchaseOrders()
    {
        var before = await LastPurchaseOrderIdAsync();
        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
        try
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Replenishment" }).ClickAsync();
            await BrowserFixture.WaitForCircuitAsync(page);

            var rows = page.Locator("[data-testid=repl-table] tbody tr");
            await Assertions.Expect(rows.First).ToBeVisibleAsync();
            Assert.True(await rows.CountAsync() >= 2, "the demo store has products due for reordering");
            await BrowserFixture.ScreenshotAsync(page, "replenishment", fullPage: false);

            // The first product gets 7 units instead of the suggestion; the second keeps its suggestion.
            var first = rows.Nth(0);
            var second = rows.Nth(1);
            var firstSku = (await first.Locator("td[data-label='Product'] .mud-typography-caption").InnerTextAsync()).Split('·')[0].Trim();
            var secondSku = (await second.Locator("td[data-label='Product'] .mud-typography-caption").InnerTextAsync()).Split('·')[0].Trim();
            Assert.NotEqual("", firstSku);
            Assert.NotEqual("", secondSku);
            var secondQty = await page.Locator($"input[data-testid=repl-qty-{secondSku}]").InputValueAsync();
            await page.Locator($"input[data-testid=repl-qty-{firstSku}]").FillAsync("7");
            await page.Locator($"input[data-testid=repl-qty-{firstSku}]").PressAsync("Tab");
            await first.Locator("input[type=checkbox]").CheckAsync();
            await second.Locator("input[type=checkbox]").CheckAsync();
            await page.ClickAsync("[data-testid=repl-create-drafts]");

            var links = page.Locator("[data-testid=repl-draft-link]");
            await Assertions.Expect(links.First).ToBeVisibleAsync();
            var count = await links.CountAsync();
            Assert.InRange(count, 1, 2);
            await links.First.ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid=po-status]")).ToContainTextAsync("Draft");
            var lines = page.Locator("[data-testid=po-lines]");
            // One draft per supplier: one draft holds both products, two drafts one each.
            await Assertions.Expect(lines).ToContainTextAsync(new Regex($"{Regex.Escape(firstSku)}|{Regex.Escape(secondSku)}"));
            var text = await lines.InnerTextAsync();
            if (count == 1)
            {
                Assert.Contains(firstSku, text);
                Assert.Contains(secondSku, text);
            }
            if (text.Contains(firstSku))
            {
                Assert.Matches($@"{firstSku}\s+7\b", text);
            }
            if (text.Contains(secondSku))
            {
                Assert.Matches($@"{secondSku}\s+{secondQty}\b", text);
            }
        }
        finally
        {
            // The drafts are the test's own: removed, so the demo store's replenishment list is as it was.
            await using var db = await Factory().CreateDbContextAsync();
            await db.PurchaseOrderLines.Where(l => l.PurchaseOrderId > before).ExecuteDeleteAsync();
            await db.PurchaseOrders.Where(p => p.Id > before && p.Status == PurchaseOrderStatus.Draft).ExecuteDeleteAsync();
            await page.Context.CloseAsync();
        }
        Assert.Equal(before, await LastPurchaseOrderIdAsync());
    }

    private IDbContextFactory<AppDbContext> Factory() => app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();

    private async Task<int> LastPurchaseOrderIdAsync()
    {
        await using var db = await Factory().CreateDbContextAsync();
        return await db.PurchaseOrders.MaxAsync(p => p.Id);
    }
}
