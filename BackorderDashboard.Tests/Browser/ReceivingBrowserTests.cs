using System.Globalization;
using BackorderDashboard.Domain;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>
/// A product nobody has in stock, Ann, Ben and Cy waiting one unit each; PO A brings 2 units in 5 days, PO B 5 units
/// in 20. The merchant receives A: Ann and Ben become ready to ship, Cy waits on B, and a second browser open on the
/// product watches its queue drain without reloading.
/// </summary>
[Collection(AppCollection.Name)]
public class ReceivingBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task Merchant_ReceivesAPurchaseOrder_FirstInLineBecomeReady_AndASecondBrowserSeesTheQueueDrain()
    {
        var (sku, poA, dateB, handling) = await SetUpAsync();
        var orders = new List<string>();
        foreach (var name in new[] { "Ann Receipt", "Ben Receipt", "Cy Receipt" })
        {
            orders.Add(await PlaceAsync(name, sku));
        }

        // The second browser: someone watching the product page.
        var watcher = await browser.SignedInPageAsync(app.BaseUrl, "manager@example.com");
        await watcher.GotoAsync($"/products/{sku}");
        await BrowserFixture.WaitForCircuitAsync(watcher);
        await Assertions.Expect(watcher.GetByRole(AriaRole.Tab, new() { Name = "Backorder queue (3)" })).ToBeVisibleAsync();

        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
        await page.GotoAsync($"/receiving?po={poA}");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=receipt-lines]")).ToContainTextAsync(sku);
        // Too many: refused until the over-receipt is confirmed.
        await page.FillAsync($"input[data-testid=receive-qty-{sku}]", "3");
        await page.ClickAsync("[data-testid=receipt-preview]");
        await Assertions.Expect(page.Locator("[data-testid=receipt-error]")).ToContainTextAsync("1 more than ordered");

        await page.ClickAsync("[data-testid=fill-outstanding]");
        await page.ClickAsync("[data-testid=receipt-preview]");
        var filled = page.Locator($"[data-testid=receipt-filled-{sku}] tbody tr");
        await Assertions.Expect(filled).ToHaveCountAsync(2);
        await Assertions.Expect(filled.Nth(0)).ToContainTextAsync(orders[0]);
        await Assertions.Expect(filled.Nth(1)).ToContainTextAsync(orders[1]);
        await Assertions.Expect(page.Locator("[data-testid=preview-summary]")).ToContainTextAsync("2 orders become ready to ship");
        await BrowserFixture.ScreenshotAsync(page, "receiving-preview");
        // Nothing saved by the preview: the watcher still sees three.
        await Assertions.Expect(watcher.GetByRole(AriaRole.Tab, new() { Name = "Backorder queue (3)" })).ToBeVisibleAsync();

        await page.ClickAsync("[data-testid=receipt-commit]");
        await Assertions.Expect(page.Locator("[data-testid=receipt-committed]")).ToContainTextAsync("2 orders ready to ship");
        await BrowserFixture.ScreenshotAsync(page, "receiving-committed");

        // The watcher's page drained by itself; its badge now gives PO B's date.
        await Assertions.Expect(watcher.GetByRole(AriaRole.Tab, new() { Name = "Backorder queue (1)" })).ToBeVisibleAsync();
        await Assertions.Expect(watcher.Locator("[data-testid=availability-badge]").First)
            .ToContainTextAsync($"ships {MerchantClock.ShortDate(dateB.AddDays(handling))}");
        await BrowserFixture.ScreenshotAsync(watcher, "receiving-watcher");

        await page.GotoAsync($"/orders/{orders[0]}");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator($"[data-testid=line-status-{sku}]")).ToContainTextAsync("Ready to ship");
        await page.GotoAsync($"/orders/{orders[2]}");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator($"[data-testid=line-place-{sku}]")).ToHaveTextAsync("1st in line");
        await watcher.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Merchant_SlipsAPurchaseOrder_SeesWhoBecomesLateFirst_AndTheyAreTold()
    {
        var (sku, poA, _, _) = await SetUpAsync();
        var ann = await PlaceAsync("Ann Slip", sku);
        var ben = await PlaceAsync("Ben Slip", sku);
        var newDate = (await app.StoreDayAsync()).Today.AddDays(40).ToDateTime(TimeOnly.MinValue);

        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
        await page.GotoAsync($"/purchase-orders/{poA}");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.ClickAsync("[data-testid=po-change-date]");
        var date = page.Locator("input[data-testid=po-new-date]");
        await date.FillAsync(newDate.ToString("MMM d, yyyy", CultureInfo.GetCultureInfo("en-US")));
        await date.PressAsync("Tab");
        await page.ClickAsync("[data-testid=po-show-impact]");

        // Ann and Ben waited on this PO; now PO B comes first, later than their promise.
        await Assertions.Expect(page.Locator("[data-testid=po-impact-summary]")).ToContainTextAsync("2 become late");
        await Assertions.Expect(page.Locator("[data-testid=po-impact-lines]")).ToContainTextAsync(ann);
        await Assertions.Expect(page.Locator("[data-testid=po-impact-lines]")).ToContainTextAsync(ben);
        await BrowserFixture.ScreenshotAsync(page, "po-slip-impact");
        await page.ClickAsync("[data-testid=po-confirm]");
        await Assertions.Expect(page.GetByText("2 delay messages queued")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=po-expected]")).ToHaveTextAsync(newDate.ToString("MMM d", CultureInfo.GetCultureInfo("en-US")));

        await page.GotoAsync($"/orders/{ann}");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator($"[data-testid=line-eta-{sku}]")).ToContainTextAsync("late");
        await Assertions.Expect(page.Locator("[data-testid=timeline]")).ToContainTextAsync("is delayed");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Merchant_TypesNegativeUnits_RefusedAtTheField_AndThePreviewSaysWhyItWaits()
    {
        var (sku, poA, _, _) = await SetUpAsync();
        await PlaceAsync("Una Negative", sku);
        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
        await page.GotoAsync($"/receiving?po={poA}");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=receipt-lines]")).ToContainTextAsync(sku);
        var preview = page.Locator("[data-testid=receipt-preview]");
        var notReady = page.Locator("[data-testid=receipt-not-ready]");
        await Assertions.Expect(preview).ToBeDisabledAsync();
        await Assertions.Expect(notReady).ToHaveTextAsync("Enter a quantity to preview.");

        // A scan of −2 units stays −2 and is refused at its field (it used to become 1 unit quietly).
        await page.FillAsync("input[data-testid=scan-qty]", "-2");
        await Assertions.Expect(page.GetByText("Enter at least 1 unit.")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("input[data-testid=scan-qty]")).ToHaveValueAsync("-2");
        await Assertions.Expect(page.Locator("[data-testid=scan-add]")).ToBeDisabledAsync();

        // A line's count of −2: refused at its field; Preview and Commit wait, and say why.
        await page.FillAsync($"input[data-testid=receive-qty-{sku}]", "-2");
        await Assertions.Expect(page.GetByText("Can't be negative: enter 0 if none came.")).ToBeVisibleAsync();
        await Assertions.Expect(notReady).ToHaveTextAsync("Correct the quantities marked in red to preview.");
        await Assertions.Expect(preview).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("[data-testid=receipt-commit]")).ToBeDisabledAsync();
        await BrowserFixture.ScreenshotAsync(page, "receiving-negative-refused");
        var phone = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com", width: 390, height: 844);
        await phone.GotoAsync($"/receiving?po={poA}");
        await BrowserFixture.WaitForCircuitAsync(phone);
        await phone.FillAsync($"input[data-testid=receive-qty-{sku}]", "-2");
        await Assertions.Expect(phone.GetByText("Can't be negative: enter 0 if none came.")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(phone, "receiving-negative-refused-phone");
        await phone.Context.CloseAsync();

        await page.FillAsync($"input[data-testid=receive-qty-{sku}]", "1");
        await Assertions.Expect(notReady).ToHaveCountAsync(0);
        await page.ClickAsync("[data-testid=receipt-preview]");
        await Assertions.Expect(page.Locator("[data-testid=preview-summary]")).ToContainTextAsync("1 unit in; 1 order becomes ready to ship");
        await page.Context.CloseAsync();
    }

    /// <summary>The product with PO A (2 units in 5 days) and PO B (5 units in 20 days).</summary>
    private async Task<(string Sku, int PoA, DateOnly DateB, int Handling)> SetUpAsync()
    {
        var sku = await app.AddProductAsync();
        var a = await app.PlacePurchaseOrderAsync(sku, 2, days: 5);
        var b = await app.PlacePurchaseOrderAsync(sku, 5, days: 20);
        return (sku, a.Id, b.Expected, (await app.StoreDayAsync()).HandlingDays);
    }

    private Task<string> PlaceAsync(string name, string sku) =>
        app.PlaceOrderAsync(name, $"{name.Replace(' ', '.').ToLowerInvariant()}.{Guid.NewGuid():N}@example.com", sku);
}
