using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Settings;
using BackorderDashboard.Features.Shipping;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>What a customer sees of the store: its name on the tracking page, and a link to the carrier for each parcel.</summary>
[Collection(AppCollection.Name)]
public class StoreNameAndTrackingBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task StoreName_ChangedInSettings_ShowsOnTheTrackingPage_WhoseParcelsLinkToTheirCarrier()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var sku = await app.AddProductAsync(onHand: 2);
        var ups = await ShippedOrderAsync($"ups.{tag}@example.com", sku, "UPS", $"1Z{tag}");
        var other = await ShippedOrderAsync($"bob.{tag}@example.com", sku, "Bob's Couriers", $"B-{tag}");
        var page = await browser.SignedInPageAsync(app.BaseUrl, "admin@example.com");
        try
        {
            await page.GotoAsync("/admin/settings");
            await BrowserFixture.WaitForCircuitAsync(page);
            var name = page.Locator("input[data-testid=store-name]");
            await name.FillAsync("");
            await name.BlurAsync();
            await page.ClickAsync("[data-testid=save-settings]");
            await Assertions.Expect(page.GetByRole(AriaRole.Main).GetByText("Enter the store's name")).ToBeVisibleAsync();
            await name.FillAsync($"Tagged Store {tag}");
            await name.BlurAsync();
            await page.ClickAsync("[data-testid=save-settings]");
            await Assertions.Expect(page.GetByText("Settings saved.")).ToBeVisibleAsync();

            var customer = await browser.NewPageAsync(app.BaseUrl, width: 390, height: 844);
            await customer.GotoAsync($"/track/{ups.Token}");
            await BrowserFixture.WaitForCircuitAsync(customer);
            await Assertions.Expect(customer.Locator("[data-testid=store-name-header]")).ToHaveTextAsync($"Tagged Store {tag}");
            await Assertions.Expect(customer.Locator("[data-testid=store-name-header]")).ToBeVisibleAsync();
            await Assertions.Expect(customer).ToHaveTitleAsync($"Order {ups.Number} · Tagged Store {tag}");
            var link = customer.Locator("[data-testid=track-parcel] a[data-testid=tracking-link]");
            await Assertions.Expect(link).ToHaveTextAsync($"1Z{tag}");
            await Assertions.Expect(link).ToHaveAttributeAsync("href", $"https://www.ups.com/track?tracknum=1Z{tag}");
            await BrowserFixture.ScreenshotAsync(customer, "tracking-store-name-phone");

            await customer.GotoAsync($"/track/{other.Token}");
            await BrowserFixture.WaitForCircuitAsync(customer);
            await Assertions.Expect(customer.Locator("[data-testid=track-parcel]")).ToContainTextAsync($"Bob's Couriers B-{tag}");
            await Assertions.Expect(customer.Locator("[data-testid=track-parcel] a")).ToHaveCountAsync(0);
            await customer.Context.CloseAsync();

            await page.GotoAsync($"/orders/{ups.Number}");
            await BrowserFixture.WaitForCircuitAsync(page);
            await Assertions.Expect(page.Locator("[data-testid=parcels] a[data-testid=tracking-link]"))
                .ToHaveAttributeAsync("href", $"https://www.ups.com/track?tracknum=1Z{tag}");
        }
        finally
        {
            // Put the demo's name back for the other tests sharing this app.
            using var scope = app.Services.CreateScope();
            var settings = scope.ServiceProvider.GetRequiredService<StoreSettingsService>();
            var input = SettingsService.ToInput(await settings.GetAsync());
            input.StoreName = MerchantSettings.DefaultStoreName;
            Assert.Empty(await settings.SaveAsync(input, TestActors.Admin));
            await page.Context.CloseAsync();
        }
    }

    /// <summary>An order of one unit in stock, shipped in one parcel; its number and tracking token.</summary>
    private async Task<(string Number, string Token)> ShippedOrderAsync(string email, string sku, string carrier, string trackingNumber)
    {
        var number = await app.PlaceOrderAsync("Pia Parcel", email, sku);
        using var scope = app.Services.CreateScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var order = await db.Orders.Where(o => o.Number == number).Select(o => new { o.Id, o.Version, o.TrackingToken }).SingleAsync();
        var shipped = await scope.ServiceProvider.GetRequiredService<ShippingService>().ShipAsync(order.Id, order.Version, null, carrier, trackingNumber, TestActors.Merchant);
        Assert.True(shipped.Succeeded, shipped.Message);
        return (number, order.TrackingToken);
    }
}
