using System.Collections.Concurrent;
using System.Diagnostics;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace BackorderDashboard.Tests.Browser;

/// <summary>
/// The forms as a careless or hostile user meets them: every bad value typed into each number and e-mail field of the
/// settings, new order, new purchase order and receiving pages, in one page load each. None is saved, each gets its
/// message at the field, the app logs no error and the page stays live. And a double-click on "Place" places one thing.
/// </summary>
[Collection(AppCollection.Name)]
public class FormSweepBrowserTests(AppFactory app, BrowserFixture browser, ITestOutputHelper output)
{
    /// <summary>The app's own errors while the test runs (an exception in a circuit is logged at Error by the framework).</summary>
    private sealed class ErrorLog : ILoggerProvider
    {
        public ConcurrentQueue<string> Errors { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(ErrorLog log, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (logLevel >= LogLevel.Error)
                {
                    log.Errors.Enqueue($"{category}: {formatter(state, exception)} {exception?.GetType().Name} {exception?.Message}");
                }
            }
        }
    }

    private static ILocator FieldError(IPage page, string testId) =>
        page.Locator(".mud-input-control", new() { Has = page.Locator($"input[data-testid={testId}]") }).Locator(".mud-input-helper-text.mud-input-error");

    private async Task<string> StoreAsync()
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var settings = await db.MerchantSettings.Select(s => $"{s.DefaultHandlingDays}/{s.DailyFulfilmentCapacity}/{s.DefaultLowStockThreshold}/{s.UpdatedAt:O}").SingleOrDefaultAsync();
        return $"{settings} orders {await db.Orders.CountAsync()} customers {await db.Customers.CountAsync()} pos {await db.PurchaseOrders.CountAsync()} receipts {await db.Receipts.CountAsync()}";
    }

    [Fact]
    public async Task EveryForm_EveryBadValue_MessageAtTheFieldNothingStoredNoErrorNoDeadPage()
    {
        var clock = Stopwatch.StartNew();
        var log = new ErrorLog();
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(log);
        var before = await StoreAsync();
        var sku = await app.AddProductAsync(onHand: 5);
        var page = await browser.SignedInPageAsync(app.BaseUrl, "admin@example.com");
        var tried = 0;

        async Task SweepAsync(string field, string submit, IEnumerable<string> values)
        {
            var input = page.Locator($"input[data-testid={field}]");
            foreach (var value in values)
            {
                await input.FillAsync(value);
                await input.BlurAsync();
                // A button that the value already disables is a refusal too; an enabled one is pressed.
                var button = page.Locator($"[data-testid={submit}]");
                if (await button.IsEnabledAsync())
                {
                    await button.ClickAsync();
                }
                await Assertions.Expect(FieldError(page, field)).Not.ToBeEmptyAsync();
                await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
                tried++;
            }
        }

        await page.GotoAsync("/admin/settings");
        await BrowserFixture.WaitForCircuitAsync(page);
        foreach (var field in new[] { "handling-days", "capacity", "low-stock" })
        {
            await SweepAsync(field, "save-settings", BadInputs.Numbers.Where(v => !(field == "capacity" && string.IsNullOrWhiteSpace(v)) && !(field != "capacity" && v == "0")));
        }
        await Assertions.Expect(page.GetByText("Settings saved.")).ToHaveCountAsync(0);

        await page.GotoAsync("/orders/new");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.FillAsync("input[data-testid=customer-name]", "Sweep Customer");
        await SweepAsync("customer-email", "place-order", BadInputs.Emails);
        await page.FillAsync("input[data-testid=customer-email]", "sweep@example.com");
        await page.Locator("input[data-testid=line-sku-0]").PressSequentiallyAsync(sku, new() { Delay = 20 });
        await page.GetByRole(AriaRole.Option).Filter(new() { HasText = sku }).First.ClickAsync();
        await SweepAsync("line-qty-0", "place-order", BadInputs.Numbers);
        await Assertions.Expect(page.Locator("[data-testid=order-placed]")).ToHaveCountAsync(0);

        await page.GotoAsync("/purchase-orders/new");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.Locator("input[data-testid=line-sku-0]").PressSequentiallyAsync(sku, new() { Delay = 20 });
        await page.GetByRole(AriaRole.Option).Filter(new() { HasText = sku }).First.ClickAsync();
        await SweepAsync("line-qty-0", "new-po-place", BadInputs.Numbers);

        await page.GotoAsync("/receiving");
        await BrowserFixture.WaitForCircuitAsync(page);
        await SweepAsync("scan-qty", "scan-add", BadInputs.Numbers);

        // Still live: a click answers.
        await page.FillAsync("input[data-testid=scan-qty]", "2");
        await page.FillAsync("input[data-testid=scan-sku]", sku);
        await page.ClickAsync("[data-testid=scan-add]");
        await Assertions.Expect(page.Locator($"input[data-testid=receive-qty-{sku}]")).ToHaveValueAsync("2");

        Assert.Equal(before, await StoreAsync());
        Assert.Empty(log.Errors);
        output.WriteLine($"Browser sweep: {tried} bad inputs over 4 forms in {clock.Elapsed.TotalSeconds:0.0} s: 0 unhandled errors, 0 dead circuits, nothing stored.");
        Assert.Equal(3 * BadInputs.Numbers.Count - 4 + BadInputs.Emails.Count + 3 * BadInputs.Numbers.Count, tried);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task PlaceButtons_DoubleClicked_PlaceOnePurchaseOrderAndOneOrder()
    {
        var sku = await app.AddProductAsync(onHand: 0);
        var page = await browser.SignedInPageAsync(app.BaseUrl, "admin@example.com");

        await page.GotoAsync("/purchase-orders/new");
        await BrowserFixture.WaitForCircuitAsync(page);
        var supplierSelect = page.Locator(".mud-select", new() { Has = page.Locator("[data-testid=new-po-supplier]") }).First;
        await BrowserFixture.ClickUntilShownAsync(supplierSelect, page.GetByRole(AriaRole.Option));
        var supplier = (await page.GetByRole(AriaRole.Option).First.InnerTextAsync()).Trim();
        await page.GetByRole(AriaRole.Option).First.ClickAsync();
        // Every field has reached the server before the double click, so the first click places a whole order.
        await Assertions.Expect(supplierSelect).ToContainTextAsync(supplier);
        await page.Locator("input[data-testid=line-sku-0]").PressSequentiallyAsync(sku, new() { Delay = 20 });
        await page.GetByRole(AriaRole.Option).Filter(new() { HasText = sku }).First.ClickAsync();
        await Assertions.Expect(page.Locator("input[data-testid=line-sku-0]")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(sku));
        await page.FillAsync("input[data-testid=line-qty-0]", "12");
        await page.Locator("input[data-testid=line-qty-0]").BlurAsync();
        await page.Locator("[data-testid=new-po-place]").DblClickAsync();
        var placed = page.WaitForURLAsync(new System.Text.RegularExpressions.Regex(@"/purchase-orders/\d+$"), new() { Timeout = 30000 });
        var refused = page.Locator("[data-testid=new-po-error]").WaitForAsync(new() { Timeout = 30000 });
        if (await Task.WhenAny(placed, refused) == refused && refused.IsCompletedSuccessfully)
        {
            Assert.Fail($"The purchase order was refused: {await page.Locator("[data-testid=new-po-error]").InnerTextAsync()}");
        }
        await placed;

        var email = $"double-{Guid.NewGuid():N}@example.com";
        await page.GotoAsync("/orders/new");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.FillAsync("input[data-testid=customer-name]", "Double Click");
        await page.FillAsync("input[data-testid=customer-email]", email);
        await page.Locator("input[data-testid=line-sku-0]").PressSequentiallyAsync(sku, new() { Delay = 20 });
        await page.GetByRole(AriaRole.Option).Filter(new() { HasText = sku }).First.ClickAsync();
        await page.FillAsync("input[data-testid=line-qty-0]", "1");
        await page.Locator("[data-testid=place-order]").DblClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=order-placed]")).ToContainTextAsync("SO-");

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.PurchaseOrderLines.CountAsync(l => l.Product.Sku == sku));
        Assert.Equal(1, await db.Orders.CountAsync(o => o.Customer.Email == email));
        await page.Context.CloseAsync();
    }
}
