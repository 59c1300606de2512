using BackorderDashboard.Tests.TestSupport;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

[Collection(AppCollection.Name)]
public class ShippingBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task Shipping_MerchantShipsAReadyOrder_ItLeavesTheList()
    {
        // An order of its own, its unit set aside: shipping can't be undone, so no demo order is shipped.
        var sku = await app.AddProductAsync(onHand: 1);
        var number = await app.PlaceOrderAsync("Sam Shipping", $"sam.{Guid.NewGuid():N}@example.com", sku);
        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
        await page.GotoAsync("/shipping");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.FillAsync("input[data-testid=ship-filter-product]", sku);
        await Assertions.Expect(page.Locator($"[data-testid=ready-{number}]")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "shipping");

        // The list is re-drawn as the filter is typed: a click may land on a row about to be replaced.
        await BrowserFixture.ClickUntilShownAsync(page.Locator($"[data-testid=ship-{number}]"), page.Locator("input[data-testid=tracking]"));
        await page.FillAsync("input[data-testid=tracking]", "1Z-TEST-1");
        await page.ClickAsync("[data-testid=confirm-ship]");

        await Assertions.Expect(page.GetByText($"{number} shipped")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"[data-testid=ready-{number}]")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
