using BackorderDashboard.Domain;
using BackorderDashboard.Components.Layout;
using BackorderDashboard.Data;
using BackorderDashboard.Tests.TestSupport;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>
/// Every page of the app passes axe's WCAG 2.2 AA checks with no serious or critical violation, in light and in dark
/// mode, for each role. Each role and mode signs in once, as a login of its own (so the demo users' stored theme is
/// never changed), and walks every page that role can open.
/// </summary>
[Collection(AccessibilityAppCollection.Name)]
public class AccessibilityBrowserTests(AppFactory app, BrowserFixture browser)
{
    private static readonly AxeRunOptions Wcag22AA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
        ResultTypes = [ResultType.Violations],
    };

    public static TheoryData<string, bool> UsersAndModes()
    {
        var data = new TheoryData<string, bool>();
        // The merchant's pages are the admin's operations pages without the admin ones: checked as the admin.
        foreach (var user in AppPages.Users.Where(u => AppPages.RoleOf(u) != Roles.Merchant))
        {
            data.Add(user, false);
            data.Add(user, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(UsersAndModes))]
    public async Task EveryPage_SignedInUser_HasNoSeriousViolations(string demoUser, bool dark)
    {
        var email = await LoginLikeAsync(demoUser, dark);
        var page = await NewPageAsync(dark);
        await BrowserFixture.LoginAsync(page, email);
        var failures = new List<string>();

        // The storefront badge's page holds a framed shop page: walked last, so no page after it waits on its frame.
        foreach (var appPage in (await AppPages.ForUserAsync(app, demoUser)).OrderBy(p => p.Name == "storefront"))
        {
            await OpenAsync(page, appPage);
            await AssertThemeAsync(page, appPage, dark);
            failures.AddRange(await ViolationsAsync(page, $"{appPage.Name} ({Mode(dark)}, {AppPages.RoleOf(demoUser)})"));
            if (demoUser == AppPages.Users[0])
            {
                await BrowserFixture.ScreenshotAsync(page, $"a11y-{appPage.Name}-{Mode(dark)}", fullPage: false);
            }
        }

        await page.Context.CloseAsync();
        Assert.True(failures.Count == 0, $"{failures.Count} serious or critical violations:\n{string.Join("\n", failures)}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnonymousPages_SystemTheme_HaveNoSeriousViolations(bool dark)
    {
        var page = await NewPageAsync(dark);
        var failures = new List<string>();

        foreach (var appPage in await AppPages.AnonymousAsync(app))
        {
            await OpenAsync(page, appPage);
            await AssertThemeAsync(page, appPage, dark);
            failures.AddRange(await ViolationsAsync(page, $"{appPage.Name} ({Mode(dark)}, anonymous)"));
            await BrowserFixture.ScreenshotAsync(page, $"a11y-{appPage.Name}-{Mode(dark)}", fullPage: false);
        }

        await page.Context.CloseAsync();
        Assert.True(failures.Count == 0, $"{failures.Count} serious or critical violations:\n{string.Join("\n", failures)}");
    }

    /// <summary>The dialogs people open every day, each checked as it opens (nothing in them is saved).</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DailyDialogs_Admin_HaveNoSeriousViolations(bool dark)
    {
        var demoUser = AppPages.Users[0];
        var pages = (await AppPages.ForUserAsync(app, demoUser)).ToDictionary(p => p.Name);
        var sku = pages["product"].Path[(pages["product"].Path.LastIndexOf('/') + 1)..];
        (string Name, AppPage Page, string Opener)[] dialogs =
        [
            ("cancel-line", pages["order"], $"[data-testid=cancel-line-{sku}]"),
            ("send-update", pages["order"], "[data-testid=open-send-update]"),
            ("consolation", pages["order"], "[data-testid=add-consolation]"),
            ("queue-cancel", pages["backorders"], "button[data-testid^=cancel-SO-]"),
            ("outbox-message", pages["outbox"], "[data-testid=outbox-table] tbody tr"),
            ("ship", pages["shipping"], "button[data-testid^=ship-SO-]"),
            ("supplier", pages["suppliers"], "[data-testid=new-supplier]"),
            ("new-user", pages["users"], "[data-testid=new-user]"),
        ];
        var page = await NewPageAsync(dark);
        await BrowserFixture.LoginAsync(page, await LoginLikeAsync(demoUser, dark));
        var failures = new List<string>();

        foreach (var (name, appPage, opener) in dialogs)
        {
            await OpenAsync(page, appPage);
            await page.Locator(opener).First.ClickAsync();
            var dialog = page.Locator(".mud-dialog");
            await Assertions.Expect(dialog).ToBeVisibleAsync();
            // The dialog fades in: check it once its colours are final.
            await page.WaitForFunctionAsync("() => getComputedStyle(document.querySelector('.mud-dialog')).opacity === '1'");
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            failures.AddRange(await ViolationsAsync(dialog, $"{name} dialog ({Mode(dark)}, {appPage.Name})"));
            await BrowserFixture.ScreenshotAsync(page, $"a11y-dialog-{name}-{Mode(dark)}", fullPage: false);
            // Leaves the dialog unsaved: the next one starts from a fresh load of its page.
            await page.GotoAsync("about:blank");
        }

        await page.Context.CloseAsync();
        Assert.True(failures.Count == 0, $"{failures.Count} serious or critical violations:\n{string.Join("\n", failures)}");
    }

    private static string Mode(bool dark) => dark ? "dark" : "light";

    /// <summary>A browser whose system theme is the mode under test, so pages that follow the system show it too.</summary>
    private async Task<IPage> NewPageAsync(bool dark)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseUrl,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "en-US",
            ColorScheme = dark ? ColorScheme.Dark : ColorScheme.Light,
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    /// <summary>
    /// A login with the demo user's role whose stored theme is the mode under test (made once through Identity), so
    /// the check sees the theme the way a user's saved choice sets it.
    /// </summary>
    private async Task<string> LoginLikeAsync(string demoUser, bool dark)
    {
        var email = $"a11y-{Mode(dark)}-{demoUser}";
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        if (await users.FindByEmailAsync(email) is null)
        {
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = app.Clock.GetUtcNow().UtcDateTime };
            var created = await users.CreateAsync(user, DemoOptions.Password);
            Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
            await users.AddToRoleAsync(user, AppPages.RoleOf(demoUser));
            await scope.ServiceProvider.GetRequiredService<UserPreferencesService>().SetDarkModeAsync(user.Id, dark);
        }
        return email;
    }

    /// <summary>
    /// Opens the page and waits until it is complete: circuit live, data loaded, charts drawn. From one interactive page
    /// to the next it navigates inside the live circuit, as a click in the menu does, rather than loading the app again.
    /// </summary>
    private static async Task OpenAsync(IPage page, AppPage appPage)
    {
        try
        {
            await OpenOnceAsync(page, appPage);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{appPage.Name} ({appPage.Path}) did not settle: {e.Message.Split('\n')[0]}", e);
        }
    }

    private static async Task OpenOnceAsync(IPage page, AppPage appPage)
    {
        var interactive = await page.Locator("[data-testid=circuit-ready]").CountAsync() > 0
            && !appPage.Path.StartsWith("/Account/", StringComparison.Ordinal);
        if (interactive)
        {
            await page.EvaluateAsync("path => Blazor.navigateTo(path)", appPage.Path);
            await page.WaitForFunctionAsync("path => location.pathname + location.search === path", appPage.Path);
        }
        else
        {
            await page.GotoAsync(appPage.Path);
        }
        if (await page.Locator(".mud-layout").CountAsync() > 0)
        {
            await BrowserFixture.WaitForCircuitAsync(page);
        }
        await page.WaitForFunctionAsync("""
            () => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))
            """);
        await page.WaitForFunctionAsync("""
            () => !document.querySelector('.mud-progress-linear, .mud-table-loading')
               && [...document.querySelectorAll('.mud-table tbody')].every(b => b.querySelector('tr'))
               && ![...document.querySelectorAll('.mud-table')].some(t => /^Loading/m.test(t.innerText))
               && [...document.querySelectorAll('.apex-chart')].every(c => c.querySelector('svg.apexcharts-svg'))
            """);
        // What the page shows has been waited for above; the network going idle is waited for a moment more, not
        // required: a framed page (the storefront badge's preview) whose request the walk left behind may keep
        // Playwright from ever seeing it idle again.
        try
        {
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle, new() { Timeout = 5000 });
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>The page shows the mode under test (the theme's own background), so a dark run never checks light pages.</summary>
    private static async Task AssertThemeAsync(IPage page, AppPage appPage, bool dark)
    {
        if (await page.Locator(".mud-layout").CountAsync() == 0)
        {
            return;
        }
        var palette = dark ? AppTheme.Theme.PaletteDark.Background : AppTheme.Theme.PaletteLight.Background;
        var expected = $"rgb({palette.R}, {palette.G}, {palette.B})";
        var background = await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");
        Assert.True(background == expected, $"{appPage.Name}: expected the {Mode(dark)} background {expected}, the page has {background}");
    }

    /// <summary>
    /// Each serious or critical violation on the page as one line: rule, help, the first few elements, and why the
    /// first one fails (a contrast ratio with its colours, a missing name).
    /// </summary>
    private static Task<IEnumerable<string>> ViolationsAsync(IPage page, string where) => ReportAsync(page.RunAxe(Wcag22AA), where);

    private static Task<IEnumerable<string>> ViolationsAsync(ILocator part, string where) => ReportAsync(part.RunAxe(Wcag22AA), where);

    private static async Task<IEnumerable<string>> ReportAsync(Task<AxeResult> run, string where)
    {
        var result = await run;
        return result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{where}: {v.Id} [{v.Impact}] {v.Help} ({v.Nodes.Length} elements): " +
                string.Join(" | ", v.Nodes.Take(3).Select(n => n.Target.ToString())) + " — " + WhyFails(v.Nodes[0]))
            .ToList();
    }

    private static string WhyFails(AxeResultNode node) =>
        node.Any.Concat(node.All).Concat(node.None).Select(c => c.Message).FirstOrDefault(m => !string.IsNullOrEmpty(m)) ?? node.Html;
}
