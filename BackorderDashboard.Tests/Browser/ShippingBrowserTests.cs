using BackorderDashboard.Tests.TestSupport;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

[Collection(AppCollection.Name)]
public class ShippingBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task Shipping_MerchantShipsTheOldestReadyOrder_ItLeavesTheList()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
        await page.GotoAsync("/shipping");
        await BrowserFixture.WaitForCircuitAsync(page);
        var first = page.Locator("[data-testid=ready-table] tbody tr").First;
        await Assertions.Expect(first).ToBeVisibleAsync();
        var testId = await first.GetAttributeAsync("data-testid");
        var number = testId!["ready-".Length..];
        await BrowserFixture.ScreenshotAsync(page, "shipping");

        await page.ClickAsync($"[data-testid=ship-{number}]");
        await page.FillAsync("input[data-testid=tracking]", "1Z-TEST-1");
        await page.ClickAsync("[data-testid=confirm-ship]");

        await Assertions.Expect(page.GetByText($"{number} shipped")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"[data-testid=ready-{number}]")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
