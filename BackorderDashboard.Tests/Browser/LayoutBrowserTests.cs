using System.Text.Json;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Shipping;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Browser;

/// <summary>
/// Every page of every demo user, and the pages anyone can open, on a laptop (1280 px) and on a phone (390 px): the page
/// never scrolls sideways, nothing in it is cut off by a box too narrow for it, and the page's main action and key
/// figure can be seen without scrolling sideways. The store gets a product and a customer with long names and a parcel
/// with a long tracking number, so the widths are checked with text that does not fit by luck.
/// </summary>
[Collection(LayoutAppCollection.Name)]
public class LayoutBrowserTests(AppFactory app, BrowserFixture browser)
{
    private static readonly (int Width, int Height, string Name)[] Screens = [(1280, 800, "desktop"), (390, 844, "phone")];

    private const string LongProductName = "Extra-wide ergonomic standing desk converter with dual monitor arms and cable management tray (smoked oak veneer)";
    private const string LongCustomerName = "Maximiliana Alexandrova-Featherstonehaugh Montgomery-Smythe";
    private const string LongCustomerEmail = "maximiliana.alexandrova-featherstonehaugh@an-unusually-long-company-domain.example.com";
    private const string LongTrackingNumber = "1ZXW9999A10123456784DE0099887766554433";

    [Fact]
    public async Task EveryPage_LaptopAndPhoneWidths_FitsTheScreenAndShowsItsMainActionAndFigure()
    {
        var store = await LongNamesStoreAsync();
        var failures = new List<string>();

        // Admin and merchant see the operations form of a shared page, support and manager the read-only one: each
        // form is checked once, with every user's own home and the pages only they can open.
        var seen = new HashSet<(bool Operations, string Page)>();
        foreach (var email in AppPages.Users)
        {
            var role = AppPages.RoleOf(email);
            var operations = role is Roles.Admin or Roles.Merchant;
            var pages = (await AppPages.ForUserAsync(app, email)).Select(p => Prepare(p, store)).Concat(store.ExtraPages)
                .Where(p => p.Name == "home" || seen.Add((operations, p.Name))).ToList();
            var page = await browser.SignedInPageAsync(app.BaseUrl, email);
            foreach (var screen in Screens)
            {
                await page.SetViewportSizeAsync(screen.Width, screen.Height);
                foreach (var appPage in pages)
                {
                    await CheckAsync(page, $"{email[..email.IndexOf('@')]}-{appPage.Name}-{screen.Name}", appPage, Expected(appPage.Name, role, screen.Width), failures);
                }
            }
            await page.Context.CloseAsync();
        }

        var anonymous = (await AppPages.AnonymousAsync(app)).Append(new AppPage("tracking-long", $"/track/{store.TrackingToken}")).ToList();
        foreach (var screen in Screens)
        {
            var page = await browser.NewPageAsync(app.BaseUrl, screen.Width, screen.Height);
            foreach (var appPage in anonymous)
            {
                await CheckAsync(page, $"anonymous-{appPage.Name}-{screen.Name}", appPage, Expected(appPage.Name, role: null, screen.Width), failures);
            }
            await page.Context.CloseAsync();
        }

        Assert.True(failures.Count == 0, $"{failures.Count} layout problem(s):\n" + string.Join("\n", failures));
    }

    /// <summary>The demo pages that need data to show their point: the support search opens on a late order.</summary>
    private static AppPage Prepare(AppPage page, LongNames store) => page.Name switch
    {
        "support" => page with { Path = $"{page.Path}?q={Uri.EscapeDataString(store.LateOrderNumber)}" },
        _ => page,
    };

    /// <summary>What must be visible on each page, by a name for the report and a selector (the first three matches are checked).</summary>
    private static List<(string What, string Selector)> Expected(string page, string? role, int width)
    {
        var operations = role is Roles.Admin or Roles.Merchant;
        var expected = new List<(string, string)>();
        switch (page)
        {
            case "home":
                expected.Add(role switch
                {
                    Roles.CustomerService => ("order search", "input[data-testid=order-search]"),
                    Roles.Manager => ("backorder rate", "[data-testid=backorder-rate] .kpi-figure"),
                    _ => ("open lines", "[data-testid=open-lines] .kpi-figure"),
                });
                break;
            case "products" or "products-long":
                expected.Add(("product name", "[data-testid=products-table] td[data-label=Name]"));
                expected.Add(("available units", "[data-testid=products-table] td[data-label=Available]"));
                expected.Add(("backordered units", "[data-testid=products-table] td[data-label=Backordered]"));
                expected.Add(("next ship date", "[data-testid=products-table] td[data-label='Next ship date']"));
                break;
            case "product" or "product-long":
                expected.Add(("next ship date", "[data-testid=next-ship-date]"));
                if (operations)
                {
                    expected.Add(("edit button", "[data-testid=edit-product]"));
                }
                break;
            case "new-product" or "edit-product":
                expected.Add(("save button", "[data-testid=save-product]"));
                break;
            case "backorders" or "backorders-long":
                expected.Add(("place in line", "[data-testid=queue-position]"));
                expected.Add(("ETA", "[data-testid=queue-eta]"));
                if (operations)
                {
                    expected.Add(("expedite button", "[data-testid=queue-table] [data-testid^=expedite-]"));
                    expected.Add(("cancel button", "[data-testid=queue-table] [data-testid^=cancel-]"));
                }
                break;
            case "support" or "support-long":
                expected.Add(("order link", "[data-testid=order-hits] [data-testid=hit-order]"));
                expected.Add(("placed date", "[data-testid=order-hits] [data-testid=hit-placed]"));
                expected.Add(("backordered chip", "[data-testid=order-hits] [data-testid=hit-waiting]"));
                if (page == "support")
                {
                    expected.Add(("late chip", "[data-testid=order-hits] [data-testid=hit-waiting]:has-text('late')"));
                }
                break;
            case "customers":
                expected.Add(("customer name", "[data-testid=customers-table] [data-testid=customer-name]"));
                expected.Add(("units waiting", "[data-testid=customers-table] [data-testid=customer-waiting]"));
                expected.Add(("export button", "[data-testid=customers-csv]"));
                break;
            case "customer":
                expected.Add(("customer", "[data-testid=customer-heading]"));
                expected.Add(("contact", "[data-testid=customer-contact]"));
                break;
            case "order":
                expected.Add(("customer", "[data-testid=order-customer]"));
                break;
            case "order-long":
                expected.Add(("customer", "[data-testid=order-customer]"));
                expected.Add(("tracking number", "[data-testid=parcels] [data-testid=parcel-tracking]"));
                break;
            case "new-order":
                expected.Add(("place order button", "[data-testid=place-order]"));
                break;
            case "outbox":
                expected.Add(("messages", "[data-testid=outbox-table] tbody tr"));
                break;
            case "shipping":
                expected.Add(("order to ship", "[data-testid=ready-table] tbody tr td:first-child"));
                expected.Add(("ship button", "[data-testid=ready-table] [data-testid^=ship-]"));
                break;
            case "pick-list":
                expected.Add(("print button", "[data-testid=pick-print]"));
                break;
            case "kpi":
                expected.Add(("filters", "[data-testid=kpi-filters]"));
                expected.Add(("key figure", ".kpi-figure"));
                break;
            case "replenishment":
                expected.Add(("suggestions", "[data-testid=repl-table] tbody tr"));
                if (operations)
                {
                    expected.Add(("create drafts button", "[data-testid=repl-create-drafts]"));
                }
                break;
            case "purchase-orders":
                expected.Add(("purchase orders", "[data-testid=po-table] tbody tr td:first-child"));
                break;
            case "purchase-order":
                expected.Add(("summary", "[data-testid=po-summary]"));
                expected.Add(("expected date", "[data-testid=po-expected]"));
                if (operations)
                {
                    expected.Add(("receive button", "[data-testid=po-receive]"));
                }
                break;
            case "new-purchase-order":
                expected.Add(("place button", "[data-testid=new-po-place]"));
                break;
            case "receiving":
                expected.Add(("purchase order picker", "[data-testid=receipt-po]"));
                break;
            case "suppliers":
                expected.Add(("suppliers", "[data-testid=suppliers-table] tbody tr td:first-child"));
                break;
            case "users":
                expected.Add(("users", "[data-testid=users-table] tbody tr td:first-child"));
                expected.Add(("new user button", "[data-testid=new-user]"));
                break;
            case "audit":
                expected.Add(("audit entries", "[data-testid=audit-table] tbody tr [data-testid=audit-kind]"));
                break;
            case "api-keys":
                expected.Add(("create button", "[data-testid=api-key-create]"));
                break;
            case "settings":
                expected.Add(("save button", "[data-testid=save-settings]"));
                break;
            case "storefront":
                expected.Add(("lines to paste", "[data-testid=embed-snippet]"));
                expected.Add(("dashboard badge beside the preview", "[data-testid=embed-preview-card] [data-testid=availability-badge]"));
                break;
            case "integrations":
                expected.Add(("store webhooks", "[data-testid=store-webhooks]"));
                expected.Add(("Shopify webhook address", "[data-testid=store-shopify-url]"));
                expected.Add(("WooCommerce webhook address", "[data-testid=store-woocommerce-url]"));
                expected.Add(("outbound webhooks", "[data-testid=outbound-webhooks]"));
                break;
            case "account":
                expected.Add(("save button", "main button[type=submit]"));
                break;
            case "login":
                expected.Add(("log in button", "button[type=submit]:has-text('Log in')"));
                break;
            case "tracking" or "tracking-long":
                expected.Add(("order number", "[data-testid=track-number]"));
                if (page == "tracking-long")
                {
                    expected.Add(("parcel", "[data-testid=track-parcel]"));
                }
                break;
            default:
                throw new InvalidOperationException($"No layout expectations for the {page} page: add them here.");
        }
        // On a phone the navigation folds away, so the top bar says where you are (staff pages; the account pages have their own header).
        if (width < 600 && role is not null && page != "account")
        {
            expected.Add(("page name in the top bar", "header [data-testid=app-bar-title]"));
        }
        return expected;
    }

    private async Task CheckAsync(IPage page, string shot, AppPage appPage, List<(string What, string Selector)> expected, List<string> failures)
    {
        var where = $"{shot} ({appPage.Path})";
        try
        {
            await page.GotoAsync(appPage.Path);
            if (!appPage.Path.StartsWith("/Account/", StringComparison.Ordinal))
            {
                await BrowserFixture.WaitForCircuitAsync(page);
            }
            // The page's first expectation is what it loads to show; once it is there and nothing is loading, the rest must be too.
            try
            {
                await page.Locator(expected[0].Selector).First.WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 15_000 });
            }
            catch (TimeoutException)
            {
            }
            await WaitUntilSettledAsync(page);
            foreach (var (what, selector) in expected)
            {
                if (await page.Locator(selector).CountAsync() == 0)
                {
                    failures.Add($"{where}: no {what} on the page ({selector})");
                }
            }
            // A whole-page picture per page and width is for people looking at a local run; CI measures and moves on.
            if (!BrowserFixture.InCi)
            {
                await BrowserFixture.ScreenshotAsync(page, $"layout-{shot}");
            }

            var width = await page.EvaluateAsync<JsonElement>("() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })");
            var scroll = width.GetProperty("scroll").GetInt32();
            var client = width.GetProperty("client").GetInt32();
            if (scroll > client)
            {
                failures.Add($"{where}: the page scrolls sideways ({scroll} px of content in {client} px)");
            }
            foreach (var clipped in await page.EvaluateAsync<string[]>(ClippedBoxesScript))
            {
                failures.Add($"{where}: {clipped}");
            }
            foreach (var (what, selector) in expected)
            {
                var matches = page.Locator(selector);
                var count = Math.Min(await matches.CountAsync(), 3);
                for (var i = 0; i < count; i++)
                {
                    if (await matches.Nth(i).EvaluateAsync<string?>(NotVisibleScript) is { } reason)
                    {
                        failures.Add($"{where}: the {what} is {reason}");
                        break;
                    }
                }
            }
        }
        catch (PlaywrightException e)
        {
            failures.Add($"{where}: {e.Message.Split('\n')[0]}");
        }
    }

    /// <summary>No loading bar or "Loading…" table left, charts drawn, fonts in: what is measured is what the user ends up seeing.</summary>
    private static async Task WaitUntilSettledAsync(IPage page)
    {
        await page.WaitForFunctionAsync("""
            () => !document.querySelector('.mud-table-loading, .mud-progress-linear, .mud-skeleton')
                && [...document.querySelectorAll('.mud-table-body td')].every(td => !/^Loading/.test(td.textContent.trim()))
            """, null, new() { Timeout = 15_000 });
        await page.EvaluateAsync("() => document.fonts.ready");
        // MudBlazor measures the screen after rendering (the drawer, responsive tables): give it two frames and a moment.
        await page.WaitForTimeoutAsync(300);
        await page.EvaluateAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
    }

    /// <summary>
    /// Boxes in the page's content that cut off or scroll what is in them sideways: a table wider than its container, a
    /// cell whose text runs out of it. Form fields (which scroll their own text) and text ending in an ellipsis on
    /// purpose are not counted.
    /// </summary>
    internal const string ClippedBoxesScript = """
        () => {
            const root = document.querySelector('.mud-main-content') ?? document.querySelector('main') ?? document.body;
            const describe = el => {
                const id = el.getAttribute('data-testid') ?? el.closest('[data-testid]')?.getAttribute('data-testid');
                const cls = [...el.classList].slice(0, 3).join('.');
                return `${el.tagName.toLowerCase()}${cls ? '.' + cls : ''}${id ? ` in [data-testid=${id}]` : ''}`;
            };
            const found = [];
            for (const el of root.querySelectorAll('*')) {
                if (['INPUT', 'TEXTAREA', 'SELECT', 'svg', 'SVG'].includes(el.tagName) || el.closest('svg, .apexcharts-canvas')) continue;
                const s = getComputedStyle(el);
                // A 1 px box is text for screen readers only; MudTabs scrolls its tab bar with arrow buttons of its own.
                if (s.overflowX === 'visible' || s.textOverflow === 'ellipsis' || el.clientWidth <= 1) continue;
                if (el.matches('.mud-tabs-tabbar-content') && el.closest('.mud-tabs-tabbar')?.querySelector('.mud-tabs-scroll-button')) continue;
                if (el.scrollWidth > el.clientWidth + 1) {
                    const columns = [...(el.querySelector('thead tr')?.children ?? [])]
                        .map(th => `${th.textContent.trim() || '·'} ${Math.round(th.getBoundingClientRect().width)}`).join(', ');
                    found.push(`${describe(el)} cuts off ${el.scrollWidth - el.clientWidth} px of its content (${el.scrollWidth} px in ${el.clientWidth} px)${columns ? `; columns: ${columns}` : ''}`);
                }
                if (found.length >= 5) break;
            }
            return found;
        }
        """;

    /// <summary>Why the element cannot be seen by scrolling down alone (null when it can).</summary>
    private const string NotVisibleScript = """
        el => {
            const r = el.getBoundingClientRect();
            if (r.width === 0 || r.height === 0) return 'not shown (no size)';
            if (getComputedStyle(el).visibility === 'hidden') return 'hidden';
            if (!el.textContent.trim() && !el.matches('input, button, a, [role=button], svg') && !el.querySelector('svg, input')) return 'empty';
            const screen = document.documentElement.clientWidth;
            if (r.left < -1 || r.right > screen + 1) return `off the screen sideways (${Math.round(r.left)}–${Math.round(r.right)} px of ${screen} px)`;
            for (let box = el.parentElement; box; box = box.parentElement) {
                const s = getComputedStyle(box);
                if (s.display === 'none') return 'hidden';
                if (s.overflowX !== 'visible') {
                    const b = box.getBoundingClientRect();
                    if (r.left < b.left - 1 || r.right > b.right + 1) return `cut off by ${box.tagName.toLowerCase()}.${[...box.classList].slice(0, 2).join('.')} (${Math.round(r.left)}–${Math.round(r.right)} px in ${Math.round(b.left)}–${Math.round(b.right)} px)`;
                }
            }
            const own = getComputedStyle(el);
            if (el.scrollWidth > el.clientWidth + 1 && own.overflowX !== 'visible' && own.textOverflow !== 'ellipsis') return `cutting off its own text (${el.scrollWidth} px in ${el.clientWidth} px)`;
            return null;
        }
        """;

    private sealed record LongNames(string Sku, string OrderNumber, string TrackingToken, string LateOrderNumber, IReadOnlyList<AppPage> ExtraPages);

    /// <summary>
    /// A product with a long name and a customer with a long name and e-mail whose order has shipped part (a parcel with
    /// a long carrier and tracking number) and waits for the rest; and the demo store's first late order, for the search.
    /// </summary>
    private async Task<LongNames> LongNamesStoreAsync()
    {
        var sku = await app.AddProductAsync(onHand: 2, name: LongProductName);
        var number = await app.PlaceOrderAsync(LongCustomerName, LongCustomerEmail, sku, qty: 3);
        string token;
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var order = await db.Orders.Where(o => o.Number == number).Select(o => new { o.Id, o.Version, o.TrackingToken }).SingleAsync();
            token = order.TrackingToken;
            using var scope = app.Services.CreateScope();
            var shipped = await scope.ServiceProvider.GetRequiredService<ShippingService>()
                .ShipAsync(order.Id, order.Version, null, "DHL Express Worldwide", LongTrackingNumber, TestActors.Merchant);
            Assert.True(shipped.Succeeded, shipped.Message);
        }
        using var queueScope = app.Services.CreateScope();
        var late = await queueScope.ServiceProvider.GetRequiredService<BackorderService>().GetQueueAsync(new QueueQuery(LateOnly: true, PageSize: 1));
        Assert.NotEmpty(late.Rows);
        var search = LongCustomerEmail[..20];
        return new LongNames(sku, number, token, late.Rows[0].OrderNumber,
        [
            new AppPage("products-long", $"/products?q={sku}"),
            new AppPage("product-long", $"/products/{sku}"),
            new AppPage("backorders-long", $"/backorders?product={sku}"),
            new AppPage("support-long", $"/support?q={Uri.EscapeDataString(search)}"),
            new AppPage("order-long", $"/orders/{number}"),
        ]);
    }
}
