using BackorderDashboard.Data;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace BackorderDashboard.Tests.Browser;

/// <summary>
/// The worst addresses of the HTTP sweep (<see cref="Integration.AddressSweepTests"/>) opened in a browser: after the
/// prerendered page the interactive circuit renders it again with the same address, and must live on (the error bar
/// stays hidden, and the page still answers a click).
/// </summary>
[Collection(AppCollection.Name)]
public class AddressSweepBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task WorstAddresses_ShowTheirNotice_AndTheCircuitLivesOn()
    {
        string sku;
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            sku = await db.Products.Where(p => !p.Sku.StartsWith(AppFactory.TestSkuPrefix)).OrderBy(p => p.Sku).Select(p => p.Sku).FirstAsync();
        }
        var page = await browser.SignedInPageAsync(app.BaseUrl, "admin@example.com");
        (string Url, string Shows)[] addresses =
        [
            ("/products?category=abc&supplier=2147483648&status=%3Cscript%3E", "[data-testid=query-notice]"),
            ("/receiving?po=2147483648", "[data-testid=query-notice]"),
            ("/outbox?message=9223372036854775807", "[data-testid=outbox-message-missing]"),
            ("/backorders?late=maybe&category=-1&age=forever", "[data-testid=query-notice]"),
            ("/purchase-orders/2147483648", "[data-testid=po-not-found]"),
            ("/shipping/pick-list?days=abc&orders=%00", "[data-testid=query-notice]"),
            ($"/products/{Uri.EscapeDataString(sku)}?range=custom&from=1100-01-01&to=9999-12-31&group=century", "[data-testid=product-kpi] [data-testid=query-notice]"),
            ("/kpi?range=custom&from=1100-01-01&to=9999-12-31&group=century&channel=fax", "[data-testid=query-notice]"),
        ];

        foreach (var (url, shows) in addresses)
        {
            await page.GotoAsync(url);
            await BrowserFixture.WaitForCircuitAsync(page);
            await Expect(page.Locator(shows)).ToBeVisibleAsync();
            // A failure in the interactive render shows the error bar a moment after the circuit starts.
            await page.WaitForTimeoutAsync(400);
            await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        }

        // The KPI page is still live: choosing a period replaces the default one shown and the notice goes.
        await page.Locator("[data-testid=kpi-range]").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Last 30 days" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("range=30&group=week$"));
        await Expect(page.Locator("[data-testid=query-notice]")).ToHaveCountAsync(0);
        await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }
}
