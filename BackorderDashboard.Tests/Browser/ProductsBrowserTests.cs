using BackorderDashboard.Features.Products;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>The merchant's products list and a product's page, with the same promise on both.</summary>
[Collection(AppCollection.Name)]
public class ProductsBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task Products_FilterBackordered_BadgeDateMatchesTheDetailPage()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
        await page.GotoAsync("/products");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=availability-badge]").First).ToBeVisibleAsync();

        await ChooseStatusAsync(page, "Backordered");
        await page.WaitForURLAsync("**/products?status=backordered");
        var firstRow = page.Locator("[data-testid=products-table] tbody tr").First;
        await Assertions.Expect(firstRow.Locator("[data-testid=availability-badge]")).ToContainTextAsync("Backordered – ships");
        // The list is re-drawn with the filter after the address changes: wait until no row of the unfiltered list is left
        // (a timeout here means the filter let other products through).
        await page.WaitForFunctionAsync(
            "() => { const b = [...document.querySelectorAll('[data-testid=products-table] [data-testid=availability-badge]')]; return b.length > 0 && b.every(x => x.innerText.trim().startsWith('Backordered – ships')); }");
        var badges = await page.Locator("[data-testid=products-table] [data-testid=availability-badge]").AllInnerTextsAsync();
        AssertAll.NonEmpty(badges, b => Assert.StartsWith("Backordered – ships", b.Trim()));
        var badge = (await firstRow.Locator("[data-testid=availability-badge]").InnerTextAsync()).Trim();
        await BrowserFixture.ScreenshotAsync(page, "products-backordered");

        await firstRow.Locator("a").First.ClickAsync();
        await page.WaitForURLAsync("**/products/*");
        var detailBadge = page.Locator("h1 + [data-testid=availability-badge], [data-testid=availability-badge]").First;
        await Assertions.Expect(detailBadge).ToHaveTextAsync(badge);
        await BrowserFixture.ScreenshotAsync(page, "product-detail");

        // A shared link keeps the filter.
        var shared = await browser.SignedInPageAsync(app.BaseUrl, "support@example.com");
        await shared.GotoAsync("/products?status=backordered");
        await Assertions.Expect(shared.Locator("[data-testid=products-table] [data-testid=availability-badge]").First)
            .ToContainTextAsync("Backordered – ships");
        await page.Context.CloseAsync();
        await shared.Context.CloseAsync();
    }

    [Fact]
    public async Task ProductDetail_QueueShowsEachLinesEta()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
        await page.GotoAsync("/products?status=late");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.Locator("[data-testid=products-table] tbody tr a").First.ClickAsync();
        await page.WaitForURLAsync("**/products/*");

        var etas = page.Locator("[data-testid=queue-table] [data-testid=queue-eta]");
        await Assertions.Expect(etas.First).ToBeVisibleAsync();
        Assert.Contains(await etas.AllInnerTextsAsync(), t => t.Contains("late"));
        await BrowserFixture.ScreenshotAsync(page, "product-queue");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task BackorderSettings_MerchantFixesBadInputThenSavesAndTheBadgeFollows()
    {
        using var scope = app.Services.CreateScope();
        var products = scope.ServiceProvider.GetRequiredService<ProductService>();
        var original = ProductService.ToInput((await products.GetDetailAsync("KIT-101"))!);
        Assert.False(original.Discontinued);
        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
        try
        {
            await page.GotoAsync("/products/KIT-101");
            await BrowserFixture.WaitForCircuitAsync(page);
            await page.GetByRole(AriaRole.Tab, new() { Name = "Backorder settings" }).ClickAsync();

            var cap = page.Locator("input[data-testid=cap]");
            await cap.FillAsync("-5");
            await cap.BlurAsync();
            await page.ClickAsync("[data-testid=save-policy]");
            await Assertions.Expect(BrowserFixture.FieldError(page, "cap")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Enter a number from 0 to "));

            await cap.FillAsync("");
            await cap.BlurAsync();
            await page.Locator("input[data-testid=is-preorder]").CheckAsync();
            await page.ClickAsync("[data-testid=save-policy]");
            await Assertions.Expect(page.GetByText("A pre-order needs its release date.", new() { Exact = true })).ToBeVisibleAsync();
            await BrowserFixture.ScreenshotAsync(page, "product-settings-errors");

            await page.Locator("input[data-testid=is-preorder]").UncheckAsync();
            await page.Locator("input[data-testid=discontinued]").CheckAsync();
            await page.ClickAsync("[data-testid=save-policy]");
            await Assertions.Expect(page.Locator("[data-testid=availability-badge]").First).ToHaveTextAsync("Discontinued");
        }
        finally
        {
            // Put KIT-101's settings back for the other tests sharing this store, whatever happened above.
            Assert.Empty(await products.UpdatePolicyAsync("KIT-101", original, TestActors.Merchant));
            Assert.False((await products.GetDetailAsync("KIT-101"))!.Stock.Discontinued);
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task ProductPage_Manager_ReadsButCannotEdit()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "manager@example.com");
        await page.GotoAsync("/products/KIT-101");
        await BrowserFixture.WaitForCircuitAsync(page);

        await Assertions.Expect(page.Locator("[data-testid=availability-badge]").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Backorder settings" })).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Products_PhoneWidthAndUnknownSku_StayReadable()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "support@example.com", width: 390, height: 844);
        await page.GotoAsync("/products?status=backordered");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=availability-badge]").First).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390);
        // The app bar hides its title on a phone; the home link keeps its name for screen readers.
        await Assertions.Expect(page.Locator("header a[href='/']")).ToHaveAccessibleNameAsync("BackorderDashboard home");
        await BrowserFixture.ScreenshotAsync(page, "products-phone");

        await page.GotoAsync("/products/NO-SUCH-SKU");
        await Assertions.Expect(page.Locator("[data-testid=product-not-found]")).ToContainTextAsync("NO-SUCH-SKU");
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// Picks a status from the filter's list. On a busy machine the list can still be opening when the option is
    /// clicked; the pick is tried again until the filter shows it.
    /// </summary>
    private static async Task ChooseStatusAsync(IPage page, string status)
    {
        for (var attempt = 1; ; attempt++)
        {
            await page.Locator("[data-testid=status-filter]").ClickAsync();
            var option = page.GetByRole(AriaRole.Option, new() { Name = status, Exact = true });
            await option.WaitForAsync();
            await option.ClickAsync();
            try
            {
                await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"status={status.ToLowerInvariant()}"),
                    new() { Timeout = 5_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
                await page.Keyboard.PressAsync("Escape");
            }
        }
    }
}
