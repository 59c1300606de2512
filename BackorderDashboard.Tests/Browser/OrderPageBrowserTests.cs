using BackorderDashboard.Data;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>
/// Support works one order: cancels a line whose unit goes to the next customer, and consoles a waiting customer.
/// Each test adds its own product to the shared demo store so the queues it reads are known.
/// </summary>
[Collection(AppCollection.Name)]
public class OrderPageBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task Support_CancelsASetAsideLine_TheFreedUnitGoesToTheNextCustomerInLine()
    {
        var sku = await app.AddProductAsync(onHand: 1);
        var first = await app.PlaceOrderAsync("Ada First", "ada.first@example.com", sku, ShipPolicy.ShipAvailable);
        var second = await app.PlaceOrderAsync("Ben Second", "ben.second@example.com", sku, ShipPolicy.ShipAvailable);
        var page = await browser.SignedInPageAsync(app.BaseUrl, "support@example.com");

        await page.GotoAsync($"/orders/{second}");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator($"[data-testid=line-status-{sku}]")).ToContainTextAsync("Backordered");
        await Assertions.Expect(page.Locator($"[data-testid=line-place-{sku}]")).ToHaveTextAsync("1st in line");

        await page.GotoAsync($"/orders/{first}");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator($"[data-testid=line-status-{sku}]")).ToContainTextAsync("Ready to ship");
        await page.ClickAsync($"[data-testid=cancel-line-{sku}]");
        await page.ClickAsync("[data-testid=confirm-cancel]");
        await Assertions.Expect(page.GetByText("Give a reason.")).ToBeVisibleAsync();
        await page.FillAsync("input[data-testid=cancel-reason]", "Customer found it in a shop");
        await page.ClickAsync("[data-testid=confirm-cancel]");

        await Assertions.Expect(page.GetByText("freed unit went to the next in line")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"[data-testid=line-status-{sku}]")).ToContainTextAsync("Cancelled");
        await Assertions.Expect(page.Locator("[data-testid=timeline]")).ToContainTextAsync("Customer found it in a shop");
        await BrowserFixture.ScreenshotAsync(page, "order-cancelled");

        await page.GotoAsync($"/orders/{second}");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator($"[data-testid=line-status-{sku}]")).ToContainTextAsync("Ready to ship");
        await Assertions.Expect(page.Locator("[data-testid=timeline]")).ToContainTextAsync($"allocated (cancellation of {first})");
        await Assertions.Expect(page.Locator("[data-testid=timeline]")).ToContainTextAsync("is being packed");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Support_CancelsOntoTheWaitlist_SeesWhatHappensToThePayment_AndTheWaitlistOnOrderAndProduct()
    {
        var sku = await app.AddProductAsync();
        var order = await app.PlaceOrderAsync("Wendy Waitlist", $"wendy.{Guid.NewGuid():N}@example.com", sku);
        var page = await browser.SignedInPageAsync(app.BaseUrl, "support@example.com");
        await page.GotoAsync($"/orders/{order}");
        await BrowserFixture.WaitForCircuitAsync(page);

        await page.ClickAsync($"[data-testid=cancel-line-{sku}]");
        await Assertions.Expect(page.Locator("[data-testid=cancel-payment]"))
            .ToHaveTextAsync("Payment: nothing is charged for cancelled items (the card is only charged when items ship), and the card authorization for them is released.");
        await page.FillAsync("input[data-testid=cancel-reason]", "Wants it only when it is in stock");
        await page.GetByText("Put the customer on the product's waitlist").ClickAsync();
        await BrowserFixture.ScreenshotAsync(page, "cancel-dialog-payment");
        await page.ClickAsync("[data-testid=confirm-cancel]");

        await Assertions.Expect(page.Locator($"[data-testid=line-status-{sku}]")).ToContainTextAsync("Cancelled");
        await Assertions.Expect(page.Locator($"[data-testid=line-payment-{sku}]")).ToContainTextAsync("Nothing charged for the 1 cancelled unit; the authorization for");
        await Assertions.Expect(page.Locator("[data-testid=suggested-answer-text]"))
            .ToContainTextAsync("was cancelled: you are not charged for it, and the hold on your card for it is released.");
        await Assertions.Expect(page.Locator("[data-testid=timeline]")).ToContainTextAsync("Joined the waitlist");
        await Assertions.Expect(page.Locator("[data-testid=timeline]")).ToContainTextAsync($"Wendy Waitlist joined the waitlist for Product {sku}");
        await BrowserFixture.ScreenshotAsync(page, "order-cancelled-waitlist");

        await page.GotoAsync($"/products/{sku}");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Waitlist (1)" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=waitlist-table]")).ToContainTextAsync("Wendy Waitlist");
        await BrowserFixture.ScreenshotAsync(page, "product-waitlist");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Support_SwitchesAHeldOrderToPartialShipment_AndAddsAConsolation()
    {
        var sku = await app.AddProductAsync(onHand: 1);
        var number = await app.PlaceOrderAsync("Cy Complete", "cy.complete@example.com", sku, ShipPolicy.ShipComplete, qty: 3);
        var page = await browser.SignedInPageAsync(app.BaseUrl, "support@example.com");
        await page.GotoAsync($"/orders/{number}");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=ship-policy]")).ToContainTextAsync("Ships complete");
        await Assertions.Expect(page.Locator($"[data-testid=line-status-{sku}]")).ToContainTextAsync("1 set aside · 2 waiting");

        await page.ClickAsync("[data-testid=switch-ship-policy]");
        await Assertions.Expect(page.Locator("[data-testid=ship-policy]")).ToContainTextAsync("Ships each item when ready");
        await Assertions.Expect(page.Locator("[data-testid=timeline]")).ToContainTextAsync("each item as soon as it is in stock");

        await page.ClickAsync("[data-testid=add-consolation]");
        await page.FillAsync("input[data-testid=consolation-percent]", "150");
        await page.FillAsync("input[data-testid=consolation-reason]", "Sorry for the wait");
        await page.ClickAsync("[data-testid=confirm-consolation]");
        await Assertions.Expect(BrowserFixture.FieldError(page, "consolation-percent")).ToHaveTextAsync("Enter a number from 1 to 100.");
        await page.FillAsync("input[data-testid=consolation-percent]", "15");
        await page.ClickAsync("[data-testid=confirm-consolation]");

        await Assertions.Expect(page.Locator("[data-testid=consolations]")).ToContainTextAsync("15% off");
        await Assertions.Expect(page.Locator("[data-testid=timeline]")).ToContainTextAsync("A thank-you for waiting");
        await BrowserFixture.ScreenshotAsync(page, "order-consolation");

        // A manager reads the same page without the buttons.
        var manager = await browser.SignedInPageAsync(app.BaseUrl, "manager@example.com");
        await manager.GotoAsync($"/orders/{number}");
        await BrowserFixture.WaitForCircuitAsync(manager);
        await Assertions.Expect(manager.Locator("[data-testid=consolations]")).ToContainTextAsync("15% off");
        await Assertions.Expect(manager.Locator("[data-testid=order-actions]")).ToHaveCountAsync(0);
        await Assertions.Expect(manager.Locator($"[data-testid=cancel-line-{sku}]")).ToHaveCountAsync(0);
        await manager.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Merchant_ShipsPartOfWhatIsSetAside_TheRestStaysReady()
    {
        var sku = await app.AddProductAsync(onHand: 3);
        var number = await app.PlaceOrderAsync("Dot Partial", "dot.partial@example.com", sku, ShipPolicy.ShipAvailable, qty: 3);
        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
        await page.GotoAsync("/shipping");
        await BrowserFixture.WaitForCircuitAsync(page);

        await page.ClickAsync($"[data-testid=ship-{number}]");
        await page.FillAsync($"input[data-testid=ship-qty-{sku}]", "0");
        await page.ClickAsync("[data-testid=confirm-ship]");
        await Assertions.Expect(page.Locator("[data-testid=ship-problem]")).ToHaveTextAsync("Enter at least one unit to ship.");
        await page.FillAsync($"input[data-testid=ship-qty-{sku}]", "2");
        await BrowserFixture.ScreenshotAsync(page, "ship-partial-dialog");
        await page.ClickAsync("[data-testid=confirm-ship]");

        await Assertions.Expect(page.GetByText($"{number} shipped: 2 ×")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"[data-testid=ready-{number}]")).ToContainTextAsync($"1 × Product {sku}");

        await page.GotoAsync($"/orders/{number}");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator($"[data-testid=line-status-{sku}]")).ToContainTextAsync("2 shipped · 1 set aside");
        await page.Context.CloseAsync();
    }
}
