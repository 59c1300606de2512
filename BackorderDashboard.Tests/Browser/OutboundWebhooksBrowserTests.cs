using BackorderDashboard.Tests.TestSupport;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>
/// A merchant subscribes the ERP (a real receiver on 127.0.0.1, with a very long address) on the Integrations page,
/// copies the secret shown once, sends a test event and sees the app's own dispatcher deliver it, on a laptop and on a
/// phone without the page scrolling sideways.
/// </summary>
[Collection(AppCollection.Name)]
public class OutboundWebhooksBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task Merchant_SubscribesTheErp_SendsATestEvent_SeesItDelivered_AtLaptopAndPhoneWidths()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var url = receiver.Url + "/" + string.Concat(Enumerable.Repeat("a-very-long-path-segment-", 8)) + "?tenant=backorders";
        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
        await page.GotoAsync($"{app.BaseUrl}/integrations");
        await BrowserFixture.WaitForCircuitAsync(page);
        var panel = page.Locator("[data-testid=outbound-webhooks]");

        await panel.Locator("[data-testid=outbound-add]").ClickAsync();
        await page.Locator("input[data-testid=outbound-url]").FillAsync(url);
        await page.Locator("[data-testid=outbound-save]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=outbound-secret-value]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^whsec_"));

        var row = panel.Locator("[data-testid=outbound-subscriptions] tbody tr").Filter(new() { HasText = "tenant=backorders" }).Last;
        await row.GetByRole(AriaRole.Button, new() { Name = "Send a test event" }).ClickAsync();
        var log = panel.Locator("[data-testid=outbound-log] tbody tr").Filter(new() { HasText = "tenant=backorders" }).First;
        await Assertions.Expect(log).ToContainTextAsync("Delivered · 200", new() { Timeout = 15_000 });
        Assert.Contains(receiver.Received, r => r.Event == "test");

        foreach (var (width, height, name) in new[] { (1280, 800, "desktop"), (390, 844, "phone") })
        {
            await page.SetViewportSizeAsync(width, height);
            await BrowserFixture.ScreenshotAsync(page, $"integrations-outbound-{name}");
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 0, $"The Integrations page scrolls sideways by {overflow} px at {width} px.");
            var cell = await row.BoundingBoxAsync();
            Assert.True(cell is not null && cell.X >= 0 && cell.X + cell.Width <= width + 1, $"The subscription row is cut off at {width} px.");
        }
    }
}
