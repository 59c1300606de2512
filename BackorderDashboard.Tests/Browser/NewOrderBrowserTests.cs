using BackorderDashboard.Domain;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>Taking a phone order that goes partly on backorder, as a support agent would.</summary>
[Collection(AppCollection.Name)]
public class NewOrderBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task NewOrder_PartlyOnBackorder_ShowsTheShipDateTheProductPageShows()
    {
        // A product of its own, nothing in stock, 5 units due in 6 store days: it ships then plus the handling days.
        var sku = await app.AddProductAsync();
        var po = await app.PlacePurchaseOrderAsync(sku, 5, days: 6);
        var (_, handling) = await app.StoreDayAsync();
        var badge = $"Backordered – ships {MerchantClock.ShortDate(po.Expected.AddDays(handling))}";
        var page = await browser.SignedInPageAsync(app.BaseUrl, "support@example.com");
        await page.GotoAsync($"/products/{sku}");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=availability-badge]").First).ToHaveTextAsync(badge);

        await page.GotoAsync("/orders/new");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.ClickAsync("[data-testid=place-order]");
        await Assertions.Expect(page.GetByText("Enter the customer's name.").First).ToBeVisibleAsync();

        await page.FillAsync("input[data-testid=customer-name]", "Grace Hopper");
        await page.FillAsync("input[data-testid=customer-email]", "grace.hopper@example.com");
        await page.Locator("input[data-testid=line-sku-0]").PressSequentiallyAsync(sku, new() { Delay = 20 });
        await page.GetByRole(AriaRole.Option).Filter(new() { HasText = sku }).First.ClickAsync();
        await page.FillAsync("input[data-testid=line-qty-0]", "1");
        await page.ClickAsync("[data-testid=place-order]");

        await Assertions.Expect(page.Locator("[data-testid=order-placed]")).ToContainTextAsync("SO-");
        var ships = (await page.Locator("[data-testid=placed-lines] tbody tr td").Last.InnerTextAsync()).Trim();
        Assert.EndsWith(ships, badge);
        await BrowserFixture.ScreenshotAsync(page, "new-order-placed");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task NewOrder_TypingRightAfterTheCircuitConnects_KeepsEveryCharacter_AndTheChosenProductShowsItsBadge()
    {
        var sku = await app.AddProductAsync(onHand: 50);
        var name = $"Product {sku}";
        var page = await browser.SignedInPageAsync(app.BaseUrl, "support@example.com");
        await page.GotoAsync("/orders/new");
        await BrowserFixture.WaitForCircuitAsync(page);

        // As fast as a keyboard goes, the moment the page is live: every character stays, also once the search answers.
        var picker = page.Locator("input[data-testid=line-sku-0]");
        await picker.FocusAsync();
        await page.Keyboard.TypeAsync(name);
        await Assertions.Expect(picker).ToHaveValueAsync(name);
        var option = page.GetByRole(AriaRole.Option).Filter(new() { HasText = sku }).First;
        await option.WaitForAsync();
        await Assertions.Expect(picker).ToHaveValueAsync(name);

        await option.ClickAsync();
        var chosen = page.Locator("[data-testid=line-product-0]");
        await Assertions.Expect(chosen).ToContainTextAsync(name);
        await Assertions.Expect(chosen.Locator("[data-testid=availability-badge]")).ToHaveTextAsync("In stock");
        await BrowserFixture.ScreenshotAsync(page, "new-order-chosen-product");
        await page.Context.CloseAsync();
    }
}
