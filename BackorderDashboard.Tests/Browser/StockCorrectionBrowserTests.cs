using BackorderDashboard.Tests.TestSupport;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>
/// A product with 10 on hand, 3 of them set aside for Dot's order. The stocktake finds 2: the dialog says before saving
/// that one unit comes back from Dot's order, and after saving the page shows the new figures and the ledger row.
/// </summary>
[Collection(AppCollection.Name)]
public class StockCorrectionBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task Merchant_CorrectsAStockCountFromTheProductPage_SeesTheNewFiguresAndTheLedgerRow()
    {
        var sku = await app.AddProductAsync(onHand: 10);
        var order = await app.PlaceOrderAsync("Dot Count", "dot.count@example.com", sku, qty: 3);

        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
        await page.GotoAsync($"/products/{sku}");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=figure-on-hand]")).ToContainTextAsync("10");
        await page.ClickAsync("[data-testid=correct-stock]");
        await Assertions.Expect(page.Locator("[data-testid=correction-on-hand]")).ToHaveTextAsync("10");

        await page.FillAsync("input[data-testid=correction-quantity]", "2");
        var preview = page.Locator("[data-testid=correction-preview]");
        await Assertions.Expect(preview).ToContainTextAsync($"On hand 10 → 2. 1 unit taken back from {order}");
        await Assertions.Expect(preview).ToContainTextAsync("rejoins the queue at place 1");
        await Assertions.Expect(preview).ToContainTextAsync("its customer will be told of the delay");
        await page.FillAsync("textarea[data-testid=correction-note], input[data-testid=correction-note]", "Shelf B recount");
        await BrowserFixture.ScreenshotAsync(page, "stock-correction-dialog");
        await page.SetViewportSizeAsync(390, 844);
        await BrowserFixture.ScreenshotAsync(page, "stock-correction-dialog-narrow", fullPage: false);
        await page.SetViewportSizeAsync(1280, 900);
        await page.ClickAsync("[data-testid=confirm-correction]");

        await Assertions.Expect(page.Locator("[data-testid=figure-on-hand]")).ToContainTextAsync("2");
        await Assertions.Expect(page.Locator("[data-testid=figure-allocated]")).ToContainTextAsync("2");
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Backorder queue (1)" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Stock ledger" }).ClickAsync();
        var newest = page.Locator("[data-testid=ledger-table] tbody tr", new() { HasText = "Adjustment: stocktake" });
        await Assertions.Expect(newest).ToHaveCountAsync(1);
        await Assertions.Expect(newest).ToContainTextAsync("−8");
        await Assertions.Expect(newest).ToContainTextAsync("Shelf B recount");
        // Dot's unit taken back is a row of its own.
        await Assertions.Expect(page.Locator("[data-testid=ledger-table] tbody tr", new() { HasText = order })).ToHaveCountAsync(2);
        await BrowserFixture.ScreenshotAsync(page, "stock-correction-ledger");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Merchant_SavesAStocktakeSheet_ABadRowIsNamedAtItsFieldAndNothingSaved_ThenAllAreSaved()
    {
        var first = await app.AddProductAsync(onHand: 4);
        var second = await app.AddProductAsync(onHand: 1);

        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
        await page.GotoAsync("/products");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.ClickAsync("[data-testid=stock-count-link]");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/stock/count$"));
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.FillAsync("input[data-testid=count-sku-0]", first);
        await page.FillAsync("input[data-testid=count-qty-0]", "6");
        await page.FillAsync("input[data-testid=count-sku-1]", "NO-SUCH-SKU");
        await page.FillAsync("input[data-testid=count-qty-1]", "3");
        await page.ClickAsync("[data-testid=count-save]");

        await Assertions.Expect(BrowserFixture.FieldError(page, "count-sku-1")).ToHaveTextAsync("There is no product with SKU “NO-SUCH-SKU”.");
        await Assertions.Expect(page.Locator("[data-testid=count-error]")).ToContainTextAsync("nothing was changed");
        await BrowserFixture.ScreenshotAsync(page, "stock-count-refused");
        await page.GotoAsync($"/products/{first}");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=figure-on-hand]")).ToContainTextAsync("4");

        await page.GotoAsync("/stock/count");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.FillAsync("input[data-testid=count-sku-0]", first);
        await page.FillAsync("input[data-testid=count-qty-0]", "6");
        await page.FillAsync("input[data-testid=count-sku-1]", second.ToLowerInvariant());
        await page.FillAsync("input[data-testid=count-qty-1]", "1");
        await page.ClickAsync("[data-testid=count-save]");

        var saved = page.Locator("[data-testid=count-saved] tbody tr");
        await Assertions.Expect(saved).ToHaveCountAsync(2);
        await Assertions.Expect(saved.Nth(0)).ToContainTextAsync("On hand 4 → 6.");
        await Assertions.Expect(saved.Nth(1)).ToContainTextAsync("On hand is already 1");
        await BrowserFixture.ScreenshotAsync(page, "stock-count-saved");
        await page.SetViewportSizeAsync(390, 844);
        await BrowserFixture.ScreenshotAsync(page, "stock-count-narrow");
        await page.Context.CloseAsync();
    }
}
