using BackorderDashboard.Tests.TestSupport;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>An admin looks after a colleague's account on the users page: name, password, deactivation.</summary>
[Collection(AppCollection.Name)]
public class UserAccountsBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task Users_AdminNamesResetsDeactivatesAndReactivatesAColleague()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var email = $"rita.{tag}@example.com";
        var sku = await app.AddProductAsync();
        var number = await app.PlaceOrderAsync("Wes Wait", $"wes.{tag}@example.com", sku);
        var page = await browser.SignedInPageAsync(app.BaseUrl, "admin@example.com");
        await page.GotoAsync("/admin/users");
        await BrowserFixture.WaitForCircuitAsync(page);

        await page.ClickAsync("[data-testid=new-user]");
        await page.FillAsync("input[data-testid=new-user-email]", email);
        await page.FillAsync("input[data-testid=new-user-display-name]", "Rita Reset");
        await page.FillAsync("input[data-testid=new-user-password]", "a fine long passphrase");
        await page.Locator(".mud-dialog").GetByLabel("Customer service", new() { Exact = true }).CheckAsync();
        await page.ClickAsync("[data-testid=create-user]");
        await Assertions.Expect(page.Locator($"[data-testid='user-name-{email}']")).ToHaveTextAsync("Rita Reset");

        // A typed password that breaks the rules is refused at the field; a generated one is shown once.
        await OpenActionAsync(page, email, "user-reset-password");
        await page.Locator(".mud-dialog").GetByLabel("I'll type it").CheckAsync();
        await page.FillAsync("input[data-testid=new-password]", "too short");
        await page.ClickAsync("[data-testid=reset-password]");
        await Assertions.Expect(page.Locator(".mud-dialog").GetByText("at least 12 characters")).ToBeVisibleAsync();
        await page.Locator(".mud-dialog").GetByLabel("Make one up for me").CheckAsync();
        await page.ClickAsync("[data-testid=reset-password]");
        var generated = (await page.Locator("[data-testid=generated-password]").InnerTextAsync()).Trim();
        Assert.True(generated.Length >= 12, generated);
        await BrowserFixture.ScreenshotAsync(page, "admin-users-reset-password", fullPage: false);
        await page.ClickAsync("[data-testid=reset-done]");
        await Assertions.Expect(page.GetByText("Rita Reset has a new password.")).ToBeVisibleAsync();

        // Rita signs in with it; the menu and the order history name her.
        var rita = await browser.NewPageAsync(app.BaseUrl);
        await BrowserFixture.LoginAsync(rita, email, generated);
        await Assertions.Expect(rita.Locator("[data-testid=user-menu]")).ToContainTextAsync("Rita Reset");
        await rita.GotoAsync($"/orders/{number}");
        await BrowserFixture.WaitForCircuitAsync(rita);
        await rita.ClickAsync("[data-testid=switch-ship-policy]");
        await Assertions.Expect(rita.Locator("[data-testid=timeline] li").Filter(new() { HasText = "· Rita Reset" })).ToHaveCountAsync(1);

        await OpenActionAsync(page, email, "user-deactivate");
        await page.GetByRole(AriaRole.Button, new() { Name = "Deactivate", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByText("Rita Reset can no longer sign in.")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"[data-testid='user-status-{email}']")).ToContainTextAsync("Deactivated");
        await BrowserFixture.ScreenshotAsync(page, "admin-users-deactivated");

        var refused = await browser.NewPageAsync(app.BaseUrl);
        await refused.GotoAsync("/Account/Login");
        await refused.FillAsync("#Input\\.Email", email);
        await refused.FillAsync("#Input\\.Password", generated);
        await refused.ClickAsync("button[type=submit]:has-text('Log in')");
        await Assertions.Expect(refused.GetByText("Invalid e-mail or password")).ToBeVisibleAsync();
        Assert.Contains("/Account/Login", refused.Url);

        await OpenActionAsync(page, email, "user-reactivate");
        await Assertions.Expect(page.GetByText("Rita Reset can sign in again.")).ToBeVisibleAsync();
        var back = await browser.NewPageAsync(app.BaseUrl);
        await BrowserFixture.LoginAsync(back, email, generated);
        await Assertions.Expect(back.Locator("[data-testid=support-home]")).ToBeVisibleAsync();

        await page.Context.CloseAsync();
        await rita.Context.CloseAsync();
        await refused.Context.CloseAsync();
        await back.Context.CloseAsync();
    }

    [Fact]
    public async Task Users_AdminCannotDeactivateThemselves()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "admin@example.com");
        await page.GotoAsync("/admin/users");
        await BrowserFixture.WaitForCircuitAsync(page);

        await OpenActionAsync(page, "admin@example.com", "user-deactivate");
        await page.GetByRole(AriaRole.Button, new() { Name = "Deactivate", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByText("You can't deactivate your own account.")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid='user-status-admin@example.com']")).Not.ToContainTextAsync("Deactivated");
        await Assertions.Expect(page.Locator("[data-testid='user-name-admin@example.com']")).ToHaveTextAsync("Alex Admin");
        await page.Context.CloseAsync();
    }

    private static async Task OpenActionAsync(IPage page, string email, string action)
    {
        await page.ClickAsync($"[data-testid='user-actions-{email}'] button");
        await page.ClickAsync($".mud-popover-open [data-testid={action}]");
    }
}
