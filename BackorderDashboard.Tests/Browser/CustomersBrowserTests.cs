using BackorderDashboard.Data;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>
/// Carla ordered a product nobody has in stock, then cancelled and joined its waitlist. Support finds her in the
/// customers list, opens her page, corrects her phone number (a bad e-mail address is refused at its field first) and
/// takes her off the waitlist.
/// </summary>
[Collection(AppCollection.Name)]
public class CustomersBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task Support_SearchesACustomer_OpensTheirPage_EditsThePhone_RemovesAWaitlistEntry()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var sku = await app.AddProductAsync();
        var order = await app.PlaceOrderAsync($"Carla Contact {tag}", $"carla.{tag}@example.com", sku);
        await CancelIntoWaitlistAsync(order);

        var page = await browser.SignedInPageAsync(app.BaseUrl, "support@example.com");
        await page.GetByRole(AriaRole.Link, new() { Name = "Customers", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/customers");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.Locator("input[data-testid=customer-search]").FillAsync($"CARLA.{tag.ToUpperInvariant()}");
        await page.WaitForURLAsync($"**/customers?q=CARLA.{tag.ToUpperInvariant()}");
        var rows = page.Locator("[data-testid=customers-table] tbody tr").Filter(new() { Has = page.Locator("[data-testid=customer-name]") });
        await Assertions.Expect(rows.First).ToContainTextAsync($"carla.{tag}@example.com");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await BrowserFixture.ScreenshotAsync(page, "customers-list");

        await BrowserFixture.ClickUntilShownAsync(rows.First.GetByRole(AriaRole.Link, new() { Name = $"Carla Contact {tag}" }),
            page.Locator("[data-testid=customer-heading]"));
        await Assertions.Expect(page.Locator("[data-testid=customer-heading]")).ToHaveTextAsync($"Carla Contact {tag}");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Contact details" }).ClickAsync();
        var email = page.Locator("input[data-testid=customer-email-input]");
        await Assertions.Expect(email).ToHaveValueAsync($"carla.{tag}@example.com");

        await email.FillAsync("carla at example");
        await page.ClickAsync("[data-testid=save-customer]");
        await Assertions.Expect(BrowserFixture.FieldError(page, "customer-email-input")).ToBeVisibleAsync();
        await email.FillAsync($"carla.{tag}@example.com");
        await page.Locator("input[data-testid=customer-phone-input]").FillAsync("+1 555-0123");
        await page.ClickAsync("[data-testid=save-customer]");
        await Assertions.Expect(page.Locator("[data-testid=customer-contact]")).ToContainTextAsync("+1 555-0123");
        await BrowserFixture.ScreenshotAsync(page, "customer-page");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Waitlists (1)" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=customer-waitlist]")).ToContainTextAsync($"Product {sku}");
        await page.ClickAsync("[data-testid=customer-waitlist-remove]");
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=customer-waitlist-empty]")).ToBeVisibleAsync();

        var phone = await browser.SignedInPageAsync(app.BaseUrl, "support@example.com", width: 390, height: 844);
        await phone.GotoAsync(page.Url);
        await Assertions.Expect(phone.Locator("[data-testid=customer-contact]")).ToContainTextAsync("+1 555-0123");
        await BrowserFixture.ScreenshotAsync(phone, "customer-page-phone");
        await phone.GotoAsync($"/customers?q={tag}");
        await Assertions.Expect(phone.Locator("[data-testid=customers-table] [data-testid=customer-name]")).ToHaveCountAsync(1);
        await Assertions.Expect(phone.Locator("[data-testid=customers-table] [data-testid=customer-name]")).ToContainTextAsync($"Carla Contact {tag}");
        await BrowserFixture.ScreenshotAsync(phone, "customers-list-phone");
        await page.Context.CloseAsync();
        await phone.Context.CloseAsync();
    }

    private async Task CancelIntoWaitlistAsync(string orderNumber)
    {
        int lineId, version;
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            (lineId, version) = await db.OrderLines.Where(l => l.Order.Number == orderNumber).Select(l => ValueTuple.Create(l.Id, l.Version)).SingleAsync();
        }
        using var scope = app.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<BackorderService>()
            .CancelAsync(lineId, version, "Found it elsewhere", joinWaitlist: true, TestActors.Support);
        Assert.True(result.Succeeded, result.Message);
    }
}
