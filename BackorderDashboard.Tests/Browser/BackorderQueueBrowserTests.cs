using BackorderDashboard.Tests.TestSupport;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>The merchant works the queue: expediting a line moves it to the front and shifts the dates.</summary>
[Collection(AppCollection.Name)]
public class BackorderQueueBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task Expedite_LastInLine_MovesToTheFrontWithAnEarlierEta()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
        // The demo store's longest queue is on the merchant's home page.
        var sku = (await page.Locator("[data-testid=merchant-home] table").First.Locator("tbody tr .mud-typography-caption").First.InnerTextAsync()).Trim();
        await page.GotoAsync("/backorders");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.Locator("input[data-testid=queue-product]").PressSequentiallyAsync(sku, new() { Delay = 20 });
        var rows = page.Locator("[data-testid=queue-table] tbody tr");
        await page.WaitForFunctionAsync(
            "sku => { const r = [...document.querySelectorAll('[data-testid=queue-table] tbody tr')]; return r.length > 1 && r.every(x => x.innerText.includes(sku)); }", sku);
        await Assertions.Expect(rows.Locator("[data-testid=queue-position]").First).ToHaveTextAsync("1");
        var count = await rows.CountAsync();
        var last = rows.Nth(count - 1);
        var order = (await last.Locator("[data-testid=queue-order]").InnerTextAsync()).Trim().Split(' ', '\n')[0];
        var etaBefore = (await last.Locator("[data-testid=queue-eta]").InnerTextAsync()).Trim();
        await BrowserFixture.ScreenshotAsync(page, "queue-before");

        await page.ClickAsync($"[data-testid=expedite-{order}]");

        var first = rows.First;
        await Assertions.Expect(first.Locator("[data-testid=queue-order]")).ToContainTextAsync(order);
        await Assertions.Expect(first.Locator("[data-testid=queue-order]")).ToContainTextAsync("Expedited");
        var etaAfter = (await first.Locator("[data-testid=queue-eta]").InnerTextAsync()).Trim();
        // First in line now: it ships no later than before, and no later than anyone behind it.
        Assert.True(ParseEta(etaAfter) <= ParseEta(etaBefore), $"{etaBefore} -> {etaAfter}");
        var behind = await rows.Locator("[data-testid=queue-eta]").AllInnerTextsAsync();
        Assert.All(behind, eta => Assert.True(ParseEta(etaAfter) <= ParseEta(eta), $"{etaAfter} after {eta}"));
        await BrowserFixture.ScreenshotAsync(page, "queue-after-expedite");

        // Put it back for the other tests sharing this store.
        await page.ClickAsync($"[data-testid=expedite-{order}]");
        await Assertions.Expect(rows.Last.Locator("[data-testid=queue-order]")).ToContainTextAsync(order);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Expedite_IsMarkedInTheQueueAndOnTheOrder_AndInTheOrdersHistoryWithWhoDidIt()
    {
        var sku = await app.AddProductAsync();
        await app.PlaceOrderAsync("Ed Early", $"ed.{Guid.NewGuid():N}@example.com", sku);
        var late = await app.PlaceOrderAsync("Lou Later", $"lou.{Guid.NewGuid():N}@example.com", sku);
        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
        await page.GotoAsync($"/backorders?product={sku}");
        await BrowserFixture.WaitForCircuitAsync(page);
        var rows = page.Locator("[data-testid=queue-table] tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-testid=queue-table] [data-testid=expedited-chip]")).ToHaveCountAsync(0);

        await page.ClickAsync($"[data-testid=expedite-{late}]");

        await Assertions.Expect(rows.First.Locator("[data-testid=queue-order]")).ToContainTextAsync(late);
        await Assertions.Expect(rows.First.Locator("[data-testid=expedited-chip]")).ToHaveTextAsync("Expedited");
        await Assertions.Expect(rows.Nth(1).Locator("[data-testid=expedited-chip]")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "queue-expedited-chip");

        await page.GotoAsync($"/orders/{late}");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator($"[data-testid=line-place-{sku}] [data-testid=expedited-chip]")).ToHaveTextAsync("Expedited");
        var expedited = page.Locator("[data-testid=timeline] li").Filter(new() { HasText = "Expedited:" });
        await Assertions.Expect(expedited).ToContainTextAsync($"Product {sku} expedited: moved to the front of the queue.");
        // Who did it, by the name the merchant goes by.
        await Assertions.Expect(expedited).ToContainTextAsync(BackorderDashboard.Data.DemoOptions.DisplayName("merchant@example.com"));
        await BrowserFixture.ScreenshotAsync(page, "order-expedited-history");
        await page.Context.CloseAsync();
    }

    /// <summary>"Dec 5" (maybe followed by "late") as a date in the coming months.</summary>
    private static DateOnly ParseEta(string text)
    {
        var words = text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var date = DateOnly.ParseExact($"{words[0]} {words[1]}", "MMM d", System.Globalization.CultureInfo.GetCultureInfo("en-US"));
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var candidate = new DateOnly(today.Year, date.Month, date.Day);
        return candidate < today.AddDays(-60) ? candidate.AddYears(1) : candidate;
    }
}
