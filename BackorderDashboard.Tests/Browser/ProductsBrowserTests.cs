using BackorderDashboard.Tests.TestSupport;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>The merchant's products list and a product's page, with the same promise on both.</summary>
[Collection(AppCollection.Name)]
public class ProductsBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task Products_FilterBackordered_BadgeDateMatchesTheDetailPage()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
        await page.GotoAsync("/products");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=availability-badge]").First).ToBeVisibleAsync();

        await page.Locator("[data-testid=status-filter]").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Backordered", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/products?status=backordered");
        var firstRow = page.Locator("[data-testid=products-table] tbody tr").First;
        await Assertions.Expect(firstRow.Locator("[data-testid=availability-badge]")).ToContainTextAsync("Backordered – ships");
        var badges = await page.Locator("[data-testid=products-table] [data-testid=availability-badge]").AllInnerTextsAsync();
        Assert.All(badges, b => Assert.StartsWith("Backordered – ships", b.Trim()));
        var badge = (await firstRow.Locator("[data-testid=availability-badge]").InnerTextAsync()).Trim();
        await BrowserFixture.ScreenshotAsync(page, "products-backordered");

        await firstRow.Locator("a").First.ClickAsync();
        await page.WaitForURLAsync("**/products/*");
        var detailBadge = page.Locator("h1 + [data-testid=availability-badge], [data-testid=availability-badge]").First;
        await Assertions.Expect(detailBadge).ToHaveTextAsync(badge);
        await BrowserFixture.ScreenshotAsync(page, "product-detail");

        // A shared link keeps the filter.
        var shared = await browser.SignedInPageAsync(app.BaseUrl, "support@example.com");
        await shared.GotoAsync("/products?status=backordered");
        await Assertions.Expect(shared.Locator("[data-testid=products-table] [data-testid=availability-badge]").First)
            .ToContainTextAsync("Backordered – ships");
        await page.Context.CloseAsync();
        await shared.Context.CloseAsync();
    }

    [Fact]
    public async Task ProductDetail_QueueShowsEachLinesEta()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
        await page.GotoAsync("/products?status=late");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.Locator("[data-testid=products-table] tbody tr a").First.ClickAsync();
        await page.WaitForURLAsync("**/products/*");

        var etas = page.Locator("[data-testid=queue-table] [data-testid=queue-eta]");
        await Assertions.Expect(etas.First).ToBeVisibleAsync();
        Assert.Contains(await etas.AllInnerTextsAsync(), t => t.Contains("late"));
        await BrowserFixture.ScreenshotAsync(page, "product-queue");
        await page.Context.CloseAsync();
    }
}
