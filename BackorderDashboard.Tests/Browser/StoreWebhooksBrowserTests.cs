using System.Text.Json;
using BackorderDashboard.Data;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static BackorderDashboard.Tests.Features.Integrations.StoreWebhookFixtures;

namespace BackorderDashboard.Tests.Browser;

/// <summary>The merchant sees a Shopify order that failed for an unknown SKU, creates the product, and replays it from the Integrations page.</summary>
[Collection(ApiAppCollection.Name)]
public class StoreWebhooksBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Theory]
    [InlineData(1280)]
    [InlineData(390)]
    public async Task IntegrationsPage_FailedDeliveryShowsItsReason_ReplayAfterTheFixMakesItProcessed(int width)
    {
        var sku = $"{AppFactory.TestSkuPrefix}{Guid.NewGuid():N}"[..10].ToUpperInvariant();
        var id = Random.Shared.NextInt64(1_000_000_000, long.MaxValue / 100);
        var number = Random.Shared.Next(1000, int.MaxValue);
        var at = app.Clock.GetUtcNow().AddMinutes(-5);
        await app.PostShopifyAsync("orders/create", Shopify(id, number, at, at, [new Line(sku, 1)]));
        var delivery = (await app.DeliveriesDoneAsync(StorePlatform.Shopify, id.ToString())).Single();
        Assert.Equal(DeliveryState.Failed, delivery.State);

        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com", width);
        await page.GotoAsync("/integrations");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=store-shopify-url]")).ToContainTextAsync("/webhooks/shopify");
        await Assertions.Expect(page.Locator("[data-testid=store-shopify-secret]")).ToContainTextAsync($"••••{ShopifySecret[^4..]}");
        await Assertions.Expect(page.Locator($"[data-testid=store-delivery-state-{delivery.Id}]")).ToContainTextAsync("Failed");
        await Assertions.Expect(page.Locator($"[data-testid=store-delivery-reason-{delivery.Id}]")).ToContainTextAsync($"Unknown SKU {sku}");
        var overflow = await page.EvaluateAsync<JsonElement>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow.GetInt32() <= 1, $"The page scrolls sideways by {overflow} px at {width} px.");
        var clipped = await page.EvaluateAsync<string[]>(LayoutBrowserTests.ClippedBoxesScript);
        Assert.True(clipped.Length == 0, string.Join("\n", clipped));
        await BrowserFixture.ScreenshotAsync(page, $"integrations-store-webhooks-{width}");

        await CreateProductAsync(sku);
        await page.ClickAsync($"[data-testid=store-delivery-replay-{delivery.Id}]");

        await Assertions.Expect(page.Locator($"[data-testid=store-delivery-state-{delivery.Id}]")).ToContainTextAsync("Processed", new() { Timeout = 15_000 });
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var placed = await db.Orders.Where(o => o.ExternalNumber == $"#{number}").Select(o => o.Number).SingleAsync();
        await Assertions.Expect(page.Locator($"[data-testid=store-deliveries] a[href='/orders/{placed}']")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    private async Task CreateProductAsync(string sku)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        db.Products.Add(new Product
        {
            Sku = sku, Name = $"Product {sku}", CategoryId = await db.Categories.Select(c => c.Id).FirstAsync(),
            SupplierId = await db.Suppliers.Select(s => s.Id).FirstAsync(), PriceCents = 2500, BackorderPolicy = BackorderPolicy.Allowed,
            CreatedAt = app.Clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync();
    }
}
