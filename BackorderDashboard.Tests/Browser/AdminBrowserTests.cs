using BackorderDashboard.Domain;
using BackorderDashboard.Features.Settings;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>The admin's pages, used as an admin would: create a person, give them a role, change the settings.</summary>
[Collection(AppCollection.Name)]
public class AdminBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task Users_AdminCreatesUser_WhoCanThenSignInWithThatRole()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "admin@example.com");
        await page.GotoAsync("/admin/users");
        await BrowserFixture.WaitForCircuitAsync(page);

        await page.ClickAsync("[data-testid=new-user]");
        await page.FillAsync("input[data-testid=new-user-email]", "new.agent@example.com");
        await page.FillAsync("input[data-testid=new-user-password]", "short");
        await page.ClickAsync("[data-testid=create-user]");
        await Assertions.Expect(page.GetByText("at least 12 characters long")).ToBeVisibleAsync();

        await page.FillAsync("input[data-testid=new-user-password]", "a fine long passphrase");
        await page.Locator(".mud-dialog").GetByLabel("Customer service", new() { Exact = true }).CheckAsync();
        await page.ClickAsync("[data-testid=create-user]");
        await Assertions.Expect(page.GetByText("new.agent@example.com can now sign in.")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("input[data-testid='role-CustomerService-new.agent@example.com']")).ToBeCheckedAsync();
        await BrowserFixture.ScreenshotAsync(page, "admin-users");

        var agent = await browser.NewPageAsync(app.BaseUrl);
        await BrowserFixture.LoginAsync(agent, "new.agent@example.com", "a fine long passphrase");
        await Assertions.Expect(agent.Locator("[data-testid=support-home]")).ToBeVisibleAsync();
        await Assertions.Expect(agent.Locator("[data-testid=merchant-home]")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
        await agent.Context.CloseAsync();
    }

    [Fact]
    public async Task Settings_BadValueIsRefusedAtTheField_GoodValueIsSaved()
    {
        var before = (await app.StoreDayAsync()).HandlingDays;
        var page = await browser.SignedInPageAsync(app.BaseUrl, "admin@example.com");
        try
        {
            await page.GotoAsync("/admin/settings");
            await BrowserFixture.WaitForCircuitAsync(page);
            var handling = page.Locator("input[data-testid=handling-days]");

            await handling.FillAsync("-4");
            await handling.BlurAsync();
            await page.ClickAsync("[data-testid=save-settings]");
            await Assertions.Expect(BrowserFixture.FieldError(page, "handling-days")).ToHaveTextAsync("Enter a number from 0 to 60.");

            await handling.FillAsync("2");
            await handling.BlurAsync();
            await page.ClickAsync("[data-testid=save-settings]");
            await Assertions.Expect(page.GetByText("Settings saved.")).ToBeVisibleAsync();
            await BrowserFixture.ScreenshotAsync(page, "admin-settings");

            await page.ReloadAsync();
            await BrowserFixture.WaitForCircuitAsync(page);
            await Assertions.Expect(page.Locator("input[data-testid=handling-days]")).ToHaveValueAsync("2");
        }
        finally
        {
            // Put the handling days back for the other tests sharing this app, whatever happened above.
            using var scope = app.Services.CreateScope();
            var settings = scope.ServiceProvider.GetRequiredService<StoreSettingsService>();
            var input = SettingsService.ToInput(await settings.GetAsync());
            input.DefaultHandlingDays = before;
            Assert.Empty(await settings.SaveAsync(input, TestActors.Admin));
            await page.Context.CloseAsync();
        }
    }
}

/// <summary>Leaving, and being turned away, as a person sees it.</summary>
[Collection(AppCollection.Name)]
public class SessionBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task Logout_FromTheUserMenu_EndsTheSession()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "manager@example.com");

        await page.ClickAsync("[data-testid=user-menu] button");
        await BrowserFixture.ScreenshotAsync(page, "user-menu", fullPage: false);
        await page.ClickAsync("[data-testid=logout]");
        await page.WaitForURLAsync("**/Account/Login**");

        // The old session is gone: home sends us back to the login form.
        await page.GotoAsync("/");
        await page.WaitForURLAsync("**/Account/Login**");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AdminPage_OpenedByMerchant_ExplainsWhyAndLinksHome()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");

        await page.GotoAsync("/admin/users");

        await Assertions.Expect(page.Locator("[data-testid=access-denied]")).ToContainTextAsync("whose role does not open this page");
        await BrowserFixture.ScreenshotAsync(page, "access-denied", fullPage: false);
        await page.ClickAsync("text=Go to your home page");
        await Assertions.Expect(page.Locator("[data-testid=merchant-home]")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
