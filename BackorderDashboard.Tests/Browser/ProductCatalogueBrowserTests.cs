using BackorderDashboard.Domain;
using BackorderDashboard.Features.Settings;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>A merchant adds a product by hand, sees what its badge promises, and takes it off sale and back.</summary>
[Collection(AppCollection.Name)]
public class ProductCatalogueBrowserTests(AppFactory app, BrowserFixture browser)
{
    private static async Task ChooseAsync(IPage page, string testId, string typed, string option)
    {
        await page.Locator($"input[data-testid={testId}]").PressSequentiallyAsync(typed, new() { Delay = 20 });
        await page.GetByRole(AriaRole.Option).Filter(new() { HasText = option }).First.ClickAsync();
        await Assertions.Expect(page.Locator($"input[data-testid={testId}]")).ToHaveValueAsync(option);
    }

    [Fact]
    public async Task NewProduct_MerchantFixesATakenSku_ThenSeesTheBadgeOnItsPage()
    {
        var sku = $"{AppFactory.TestSkuPrefix}{Guid.NewGuid():N}"[..10].ToUpperInvariant();
        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
        await page.GotoAsync("/products");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.ClickAsync("[data-testid=new-product]");
        await page.WaitForURLAsync("**/products/new");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("input[data-testid=product-sku]")).ToBeEditableAsync();

        await page.FillAsync("input[data-testid=product-sku]", "kit-101");
        await page.FillAsync("input[data-testid=product-name]", "Enamel Camp Mug");
        await ChooseAsync(page, "product-category", "Kitch", "Kitchen");
        await ChooseAsync(page, "product-supplier", "Northwind", "Northwind Housewares");
        await page.FillAsync("input[data-testid=product-price]", "24.50");
        await page.FillAsync("input[data-testid=product-on-hand]", "12");
        await page.ClickAsync("[data-testid=save-product]");
        await Assertions.Expect(BrowserFixture.FieldError(page, "product-sku")).ToHaveTextAsync("There is already a product with SKU KIT-101.");
        await BrowserFixture.ScreenshotAsync(page, "new-product-sku-taken");

        await page.FillAsync("input[data-testid=product-sku]", sku);
        await page.ClickAsync("[data-testid=save-product]");

        await page.WaitForURLAsync($"**/products/{sku}");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Enamel Camp Mug");
        await Assertions.Expect(page.Locator("[data-testid=availability-badge]").First).ToHaveTextAsync("In stock");
        await Assertions.Expect(page.Locator("[data-testid=figure-available]")).ToContainTextAsync("12");
        await Assertions.Expect(page.GetByText($"{sku} · Kitchen · Northwind Housewares · $24.50")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "new-product-created");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ProductPage_MerchantArchivesAndRestores_TheListFollows()
    {
        var sku = await app.AddProductAsync(onHand: 3);
        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
        await page.GotoAsync($"/products/{sku}");
        await BrowserFixture.WaitForCircuitAsync(page);

        await page.ClickAsync("[data-testid=archive-product]");
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Archive", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=archived-chip]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=product-archived]")).ToContainTextAsync("takes no new orders");
        await BrowserFixture.ScreenshotAsync(page, "product-archived");

        await page.GotoAsync($"/products?q={sku}&status=archived");
        await BrowserFixture.WaitForCircuitAsync(page);
        var row = page.Locator("[data-testid=products-table] tbody tr").Filter(new() { HasText = sku });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await row.Locator("[data-testid=restore-row]").ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);

        await page.GotoAsync($"/products/{sku}");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=edit-product]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=archived-chip]")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ProductPage_Support_SeesNoEditArchiveOrNewProduct()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "support@example.com");
        await page.GotoAsync("/products/KIT-101");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=availability-badge]").First).ToBeVisibleAsync();

        await Assertions.Expect(page.Locator("[data-testid=edit-product], [data-testid=archive-product]")).ToHaveCountAsync(0);
        await page.GotoAsync("/products");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=products-table]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=new-product]")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task HolidayCutoff_Set_BackorderedBadgesSayTheyShipAfterIt_OnAPhoneToo()
    {
        using var scope = app.Services.CreateScope();
        var settings = scope.ServiceProvider.GetRequiredService<StoreSettingsService>();
        var original = SettingsService.ToInput(await settings.GetAsync());
        var today = (await settings.GetAsync()).Clock.Today;
        var page = await browser.SignedInPageAsync(app.BaseUrl, "admin@example.com", width: 390, height: 844);
        try
        {
            var input = SettingsService.ToInput(await settings.GetAsync());
            input.HolidayCutoffDate = today.ToDateTime(TimeOnly.MinValue);
            input.HolidayCutoffLabel = "Christmas";
            Assert.Empty(await settings.SaveAsync(input, TestActors.Admin));

            await page.GotoAsync("/products?status=backordered");
            await BrowserFixture.WaitForCircuitAsync(page);
            await Assertions.Expect(page.Locator("[data-testid=products-table] [data-testid=availability-badge]").First)
                .ToContainTextAsync(" · after Christmas");
            await BrowserFixture.ScreenshotAsync(page, "holiday-cutoff-products-phone");

            await page.GotoAsync("/admin/settings");
            await BrowserFixture.WaitForCircuitAsync(page);
            await Assertions.Expect(page.Locator("input[data-testid=holiday-label]")).ToHaveValueAsync("Christmas");
            await BrowserFixture.ScreenshotAsync(page, "holiday-cutoff-settings-phone");

            await page.GotoAsync("/products/new");
            await BrowserFixture.WaitForCircuitAsync(page);
            await Assertions.Expect(page.Locator("input[data-testid=product-sku]")).ToBeEditableAsync();
            await BrowserFixture.ScreenshotAsync(page, "new-product-phone");
        }
        finally
        {
            Assert.Empty(await settings.SaveAsync(original, TestActors.Admin));
            await page.Context.CloseAsync();
        }
    }
}
