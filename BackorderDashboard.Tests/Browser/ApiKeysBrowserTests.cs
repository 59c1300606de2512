using System.Net;
using System.Net.Http.Headers;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>An admin makes a key for the shop's theme, sees it once, the shop calls the API with it, and the admin revokes it.</summary>
[Collection(ApiAppCollection.Name)]
public class ApiKeysBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task ApiKeys_AdminMakesAKeyShownOnce_ItWorks_ThenRevokedItIsRefused()
    {
        var name = $"Theme {Guid.NewGuid():N}"[..14];
        var page = await browser.SignedInPageAsync(app.BaseUrl, "admin@example.com");
        await page.GotoAsync("/admin/api-keys");
        await BrowserFixture.WaitForCircuitAsync(page);

        // No name: the field says what to do, and no key is shown.
        await page.ClickAsync("[data-testid=api-key-create]");
        await Assertions.Expect(BrowserFixture.FieldError(page, "api-key-name")).ToContainTextAsync("Name the key");
        await Assertions.Expect(page.Locator("[data-testid=api-key-created]")).ToHaveCountAsync(0);

        await page.FillAsync("input[data-testid=api-key-name]", name);
        await page.Locator("input[data-testid=api-key-name]").BlurAsync();
        await page.ClickAsync("[data-testid=api-key-create]");
        var shown = page.Locator("[data-testid=api-key-value]");
        await Assertions.Expect(shown).ToContainTextAsync("bk_");
        var key = (await shown.InnerTextAsync()).Trim();
        await Assertions.Expect(page.Locator($"[data-testid=api-key-status-{name.Replace(" ", "\\ ")}]")).ToContainTextAsync("Active");
        await BrowserFixture.ScreenshotAsync(page, "admin-api-keys");

        using var shop = app.CreateHttpClient();
        shop.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        Assert.Equal(HttpStatusCode.OK, (await shop.GetAsync("/api/v1/availability?sku=ANY")).StatusCode);

        // Shown once: a fresh load of the page lists the key by its first characters only.
        await page.ReloadAsync();
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=api-keys-table]")).ToContainTextAsync(name);
        Assert.DoesNotContain(key, await page.ContentAsync());

        await page.ClickAsync($"[data-testid=api-key-revoke-{name.Replace(" ", "\\ ")}]");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).Last.ClickAsync();
        await Assertions.Expect(page.Locator($"[data-testid=api-key-status-{name.Replace(" ", "\\ ")}]")).ToContainTextAsync("Revoked");
        Assert.Equal(HttpStatusCode.Unauthorized, (await shop.GetAsync("/api/v1/availability?sku=ANY")).StatusCode);
        await page.Context.CloseAsync();
    }
}
