using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackorderDashboard.Tests.Browser;

/// <summary>The merchant works the queue: expediting a line moves it to the front and shifts the dates.</summary>
[Collection(AppCollection.Name)]
public class BackorderQueueBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task Expedite_LastInLine_MovesToTheFrontWithAnEarlierEta()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
        string? sku = null, order = null;
        try
        {
            // A long queue of the demo store that fits on the queue page's first page (other tests may have added a
            // one-line queue of many units, which the home page would list first).
            sku = await LongQueueAsync();
            // The product filter comes in the address, as a link from the product page brings it: a keystroke typed
            // while a loaded machine is still wiring the page would leave a shorter filter that matches other queues.
            await page.GotoAsync($"/backorders?product={Uri.EscapeDataString(sku)}");
            await BrowserFixture.WaitForCircuitAsync(page);
            var rows = page.Locator("[data-testid=queue-table] tbody tr");
            await page.WaitForFunctionAsync(
                "sku => { const r = [...document.querySelectorAll('[data-testid=queue-table] tbody tr')]; return r.length > 1 && r.every(x => x.innerText.includes(sku)); }", sku);
            await Assertions.Expect(rows.Locator("[data-testid=queue-position]").First).ToHaveTextAsync("1");
            var count = await rows.CountAsync();
            var last = rows.Nth(count - 1);
            order = (await last.Locator("[data-testid=queue-order]").InnerTextAsync()).Trim().Split(' ', '\n')[0];
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
            AssertAll.NonEmpty(behind, eta => Assert.True(ParseEta(etaAfter) <= ParseEta(eta), $"{etaAfter} after {eta}"));
            await BrowserFixture.ScreenshotAsync(page, "queue-after-expedite");

            // Taking the expedite back puts the line back at the end.
            await page.ClickAsync($"[data-testid=expedite-{order}]");
            await Assertions.Expect(rows.Last.Locator("[data-testid=queue-order]")).ToContainTextAsync(order);
        }
        finally
        {
            // The demo line is never left expedited for the other tests sharing this store.
            if (sku is not null && order is not null)
            {
                await UnexpediteAsync(order, sku);
            }
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Paging_NextPreviousAndTheAddress_ShowTheQueueInOrderWithPlacesThatFollowOn()
    {
        // 30 customers wait for one new product, in the order they ordered.
        var sku = await app.AddProductAsync();
        var orders = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            orders.Add(await app.PlaceOrderAsync($"Pager Customer {i:00}", $"pager.{i}.{Guid.NewGuid():N}@example.com", sku));
        }
        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
        try
        {
            await page.GotoAsync($"/backorders?product={sku}");
            await BrowserFixture.WaitForCircuitAsync(page);
            var rows = page.Locator("[data-testid=queue-table] tbody tr");
            await Expect(rows).ToHaveCountAsync(30);
            await Expect(page.Locator("[data-testid=queue-pager-summary]")).ToHaveTextAsync("Lines 1–30 of 30");
            await Expect(page.Locator("[data-testid=queue-pager-next]")).ToBeDisabledAsync();

            await page.Locator("[data-testid=queue-pager-size]").ClickAsync();
            await page.GetByRole(AriaRole.Option, new() { Name = "25", Exact = true }).ClickAsync();
            await Expect(rows).ToHaveCountAsync(25);
            await Expect(page.Locator("[data-testid=queue-pager-previous]")).ToBeDisabledAsync();
            await Expect(rows.Last.Locator("[data-testid=queue-order]")).ToContainTextAsync(orders[24]);

            await page.ClickAsync("[data-testid=queue-pager-next]");
            await Expect(rows).ToHaveCountAsync(5);
            await Expect(page.Locator("[data-testid=queue-pager-summary]")).ToHaveTextAsync("Lines 26–30 of 30");
            // Places in line go on from the first page: the 26th customer is 26th in line, 25 units ahead.
            await Expect(rows.First.Locator("[data-testid=queue-position]")).ToHaveTextAsync("26");
            await Expect(rows.First.Locator("[data-testid=queue-order]")).ToContainTextAsync(orders[25]);
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("[?&]after=\\d+"));
            await BrowserFixture.ScreenshotAsync(page, "queue-second-page");

            // The address brings back the same place in the queue.
            await page.ReloadAsync();
            await BrowserFixture.WaitForCircuitAsync(page);
            await Expect(rows).ToHaveCountAsync(5);
            await Expect(rows.First.Locator("[data-testid=queue-position]")).ToHaveTextAsync("26");

            await page.ClickAsync("[data-testid=queue-pager-previous]");
            await Expect(rows).ToHaveCountAsync(25);
            await Expect(rows.First.Locator("[data-testid=queue-position]")).ToHaveTextAsync("1");
            await Expect(rows.First.Locator("[data-testid=queue-order]")).ToContainTextAsync(orders[0]);
            await Expect(page.Locator("[data-testid=queue-pager-previous]")).ToBeDisabledAsync();
            await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>Takes back an expedite through the app's service, if the line is still expedited.</summary>
    private async Task UnexpediteAsync(string order, string sku)
    {
        using var scope = app.Services.CreateScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var line = await db.OrderLines.Where(l => l.Order.Number == order && l.Product.Sku == sku)
            .Select(l => new { l.Id, l.Version, l.Priority }).SingleAsync();
        if (line.Priority == QueuePriority.Expedited)
        {
            var result = await scope.ServiceProvider.GetRequiredService<BackorderService>().SetExpeditedAsync(line.Id, line.Version, false, TestActors.Merchant);
            Assert.True(result.Succeeded, result.Message);
        }
    }

    private async Task<string> LongQueueAsync()
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.OrderLines.Where(l => l.QueuedAt != null && l.QtyUnfilled > 0 && l.Priority != QueuePriority.Expedited)
            .GroupBy(l => l.Product.Sku).Select(g => new { Sku = g.Key, Lines = g.Count() })
            .Where(q => q.Lines >= 3 && q.Lines <= 25).OrderByDescending(q => q.Lines).ThenBy(q => q.Sku).Select(q => q.Sku).FirstAsync();
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

    /// <summary>"Dec 5" (maybe followed by "late") as a date in the coming months of the app's clock.</summary>
    private DateOnly ParseEta(string text)
    {
        var words = text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var date = DateOnly.ParseExact($"{words[0]} {words[1]}", "MMM d", System.Globalization.CultureInfo.GetCultureInfo("en-US"));
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        var candidate = new DateOnly(today.Year, date.Month, date.Day);
        return candidate < today.AddDays(-60) ? candidate.AddYears(1) : candidate;
    }
}
