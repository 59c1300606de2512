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
        var page = await browser.SignedInPageAsync(app.BaseUrl, "support@example.com");
        // A backordered product with a purchase order date, as the products list shows it.
        await page.GotoAsync("/products?status=backordered");
        await BrowserFixture.WaitForCircuitAsync(page);
        var row = page.Locator("[data-testid=products-table] tbody tr").First;
        await Assertions.Expect(row.Locator("[data-testid=availability-badge]")).ToContainTextAsync("Backordered – ships");
        var sku = (await row.Locator("a").First.InnerTextAsync()).Trim();
        var badge = (await row.Locator("[data-testid=availability-badge]").InnerTextAsync()).Trim();

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
