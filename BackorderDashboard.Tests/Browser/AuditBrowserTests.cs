using BackorderDashboard.Domain;
using BackorderDashboard.Features.Settings;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>An admin changes a setting and finds the change in the audit log, filtered by its kind.</summary>
[Collection(AppCollection.Name)]
public class AuditBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task AuditLog_AdminChangesASetting_ThenFindsItFilteredByKind()
    {
        var storeName = $"Audit Walk {Guid.NewGuid():N}"[..20];
        await using var scope = app.Services.CreateAsyncScope();
        var settings = scope.ServiceProvider.GetRequiredService<StoreSettingsService>();
        var before = SettingsService.ToInput(await settings.GetAsync());
        var page = await browser.SignedInPageAsync(app.BaseUrl, "admin@example.com");
        try
        {
            await page.GotoAsync("/admin/settings");
            await BrowserFixture.WaitForCircuitAsync(page);
            await page.Locator("input[data-testid=store-name]").FillAsync(storeName);
            await page.Locator("input[data-testid=store-name]").BlurAsync();
            await page.ClickAsync("[data-testid=save-settings]");
            await Assertions.Expect(page.GetByText("Settings saved.")).ToBeVisibleAsync();

            await page.GotoAsync("/admin/audit");
            await BrowserFixture.WaitForCircuitAsync(page);
            await page.ClickAsync("[data-testid=audit-kind-filter]");
            await page.GetByRole(AriaRole.Option, new() { Name = "Store settings changed", Exact = true }).ClickAsync();

            var newest = page.Locator("[data-testid=audit-table] tbody tr").First;
            await Assertions.Expect(newest.Locator("[data-testid=audit-summary]")).ToContainTextAsync($"→ {storeName}");
            await Assertions.Expect(newest.Locator("[data-testid=audit-kind]")).ToHaveTextAsync("Store settings changed");
            await Assertions.Expect(newest).ToContainTextAsync("admin@example.com");
            await Assertions.Expect(page.Locator("[data-testid=audit-kind]").Filter(new() { HasNotText = "Store settings changed" })).ToHaveCountAsync(0);
            await BrowserFixture.ScreenshotAsync(page, "admin-audit");
        }
        finally
        {
            // The other tests on this app expect the store's own name.
            await settings.SaveAsync(before, Actor.User("admin@example.com", [Roles.Admin]));
            await page.Context.CloseAsync();
        }
    }
}
