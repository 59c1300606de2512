using System.Globalization;
using System.Text.RegularExpressions;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Restock;
using BackorderDashboard.Features.Tracking;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MimeKit;

namespace BackorderDashboard.Tests.Browser;

/// <summary>
/// A product nobody has in stock; PO-A brings 3 units in 5 days. Ann orders one, then Lena one: Lena is 2nd in line,
/// 1 unit ahead, and ships with PO-A. Support answers Lena from the search box; the app's dispatcher delivers every
/// message to the test SMTP server, and the link in the e-mail is Lena's tracking page.
/// </summary>
[Collection(AppCollection.Name)]
public partial class SupportBrowserTests(AppFactory app, BrowserFixture browser)
{
    [Fact]
    public async Task Support_FindsACustomerByPartOfTheirEmail_ReadsPlaceAndDate_SendsAnUpdateThatReachesThem()
    {
        var (sku, poA, _, poDate, handling) = await SetUpAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        await app.PlaceOrderAsync("Ann Queue", $"ann.{tag}@example.com", sku);
        var lena = await app.PlaceOrderAsync("Lena Lookup", $"lena.lookup.{tag}@example.com", sku);
        var eta = MerchantClock.ShortDate(poDate.AddDays(handling), CultureInfo.GetCultureInfo("en-US"));

        var page = await browser.SignedInPageAsync(app.BaseUrl, "support@example.com");
        await page.GetByRole(AriaRole.Link, new() { Name = "Where is my order?" }).ClickAsync();
        await BrowserFixture.WaitForCircuitAsync(page);
        // The support home has a search box too: type into the support page's own, once it has replaced the home page.
        await page.Locator("[data-testid=support-search] input[data-testid=order-search]").FillAsync($"LOOKUP.{tag.ToUpperInvariant()}@EXA");
        var hits = page.Locator("[data-testid=order-hits] tbody tr");
        await Assertions.Expect(hits).ToHaveCountAsync(1);
        await Assertions.Expect(hits.First).ToContainTextAsync(lena);
        await Assertions.Expect(hits.First).ToContainTextAsync($"1 backordered · ships {eta}");
        await BrowserFixture.ScreenshotAsync(page, "support-lookup");

        await hits.First.GetByRole(AriaRole.Link, new() { Name = lena }).ClickAsync();
        await Assertions.Expect(page.Locator($"[data-testid=line-place-{sku}]")).ToHaveTextAsync("2nd in line, 1 unit ahead");
        await Assertions.Expect(page.Locator($"[data-testid=line-eta-{sku}]")).ToContainTextAsync(eta);
        await Assertions.Expect(page.Locator($"[data-testid=line-waits-on-{sku}]")).ToContainTextAsync(poA);
        await Assertions.Expect(page.Locator("[data-testid=suggested-answer-text]"))
            .ToHaveTextAsync($"Your Product {sku} ships around {eta}; you are 2nd in line.");
        await BrowserFixture.ScreenshotAsync(page, "support-order");

        // The update: the template says the same; the agent adds a line before sending.
        await page.ClickAsync("[data-testid=open-send-update]");
        var body = page.Locator("textarea[data-testid=update-body]");
        await Assertions.Expect(body).ToHaveValueAsync(new Regex($"Product {sku}: ships around {Regex.Escape(eta)}; you are 2nd in line"));
        // The template fills the subject too: wait for it, so the blank typed here is not overwritten by it.
        var subject = page.Locator("input[data-testid=update-subject]");
        await Assertions.Expect(subject).Not.ToHaveValueAsync("");
        await subject.FillAsync("");
        await subject.BlurAsync();
        await Assertions.Expect(subject).ToHaveValueAsync("");
        await page.ClickAsync("[data-testid=send-update]");
        await Assertions.Expect(page.GetByText("Give the message a subject.")).ToBeVisibleAsync();
        await page.Locator("input[data-testid=update-subject]").FillAsync($"Your kettle {tag}");
        await body.FillAsync(await body.InputValueAsync() + "\nThanks for your patience, Lena!");
        await BrowserFixture.ScreenshotAsync(page, "support-send-update", fullPage: false);
        await page.ClickAsync("[data-testid=send-update]");
        var timeline = page.Locator("[data-testid=timeline]");
        await Assertions.Expect(timeline).ToContainTextAsync($"Update written to the customer: “Your kettle {tag}”");
        await Assertions.Expect(timeline).ToContainTextAsync($"Your kettle {tag} (to lena.lookup.{tag}@example.com)");

        // The outbox lists it; the dispatcher sends it to the mail server, once.
        await page.GetByRole(AriaRole.Link, new() { Name = "Outbox", Exact = true }).ClickAsync();
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.Locator("input[data-testid=outbox-search]").FillAsync($"lena.lookup.{tag}");
        var rows = page.Locator("[data-testid=outbox-table] tbody tr");
        await Assertions.Expect(rows.Filter(new() { HasText = $"Your kettle {tag}" })).ToHaveCountAsync(1);
        var mail = await WaitForMailAsync(m => m.Subject == $"Your kettle {tag} · Northwind Outfitters");
        Assert.Equal($"lena.lookup.{tag}@example.com", mail.To.Mailboxes.Single().Address);
        Assert.Contains($"Product {sku}: ships around {eta}; you are 2nd in line", mail.TextBody);
        Assert.Contains("Thanks for your patience, Lena!", mail.TextBody);
        Assert.Single(app.Mail.Received(), m => m.Subject == $"Your kettle {tag} · Northwind Outfitters");
        await page.ReloadAsync();
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.Locator("input[data-testid=outbox-search]").FillAsync($"lena.lookup.{tag}");
        await Assertions.Expect(rows.Filter(new() { HasText = $"Your kettle {tag}" })).ToContainTextAsync("sent");
        await BrowserFixture.ClickUntilShownAsync(rows.Filter(new() { HasText = $"Your kettle {tag}" }), page.Locator("[data-testid=outbox-html]"));
        await Assertions.Expect(page.Locator("[data-testid=outbox-html]")).ToContainTextAsync("Thanks for your patience, Lena!");
        await BrowserFixture.ScreenshotAsync(page, "outbox-message", fullPage: false);

        // The link in the e-mail is Lena's own page, no sign-in needed.
        var customer = await browser.NewPageAsync(app.BaseUrl, 390, 844);
        await customer.GotoAsync(TrackingPath(mail));
        await BrowserFixture.WaitForCircuitAsync(customer);
        await Assertions.Expect(customer.Locator("[data-testid=track-number]")).ToHaveTextAsync($"Order {lena}");
        await Assertions.Expect(customer.Locator("[data-testid^=track-status-]")).ToHaveTextAsync($"Ships around {eta}; you are 2nd in line.");
        await BrowserFixture.ScreenshotAsync(customer, "track-waiting");
        await customer.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Customer_CancelsADelayedItemFromTheDelayEmailsLink_AndSupportSeesItInTheHistory()
    {
        var (sku, _, poId, poDate, _) = await SetUpAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var mia = await app.PlaceOrderAsync("Mia Delay", $"mia.delay.{tag}@example.com", sku);

        // The supplier slips PO-A by three weeks: Mia becomes late and is written to.
        using (var scope = app.Services.CreateScope())
        {
            var purchaseOrders = scope.ServiceProvider.GetRequiredService<PurchaseOrderService>();
            var po = (await purchaseOrders.GetAsync(poId))!;
            var impact = await purchaseOrders.ChangeExpectedDateAsync(po.Id, po.Version, poDate.AddDays(21), TestActors.Merchant, commit: true);
            Assert.Single(impact.BecomingLate);
        }
        var delay = await WaitForMailAsync(m => m.Subject == $"Product {sku} from order {mia} is delayed · Northwind Outfitters");
        var cancelLink = Regex.Match(delay.TextBody ?? "", @"Cancel this item: (\S+)").Groups[1].Value;
        Assert.Matches("/track/[A-Za-z0-9_-]{22}#line-[0-9]+$", cancelLink);

        var customer = await browser.NewPageAsync(app.BaseUrl, 390, 844);
        await customer.GotoAsync(new Uri(cancelLink).PathAndQuery + new Uri(cancelLink).Fragment);
        await BrowserFixture.WaitForCircuitAsync(customer);
        var lineId = cancelLink[(cancelLink.LastIndexOf('-') + 1)..];
        await customer.ClickAsync($"[data-testid=track-cancel-{lineId}]");
        await Assertions.Expect(customer.Locator("[data-testid=track-cancel-confirm]")).ToContainTextAsync($"Cancel 1 unit of Product {sku}?");
        await BrowserFixture.ScreenshotAsync(customer, "track-cancel-confirm");
        await customer.ClickAsync("[data-testid=track-cancel-yes]");
        await Assertions.Expect(customer.Locator($"[data-testid=track-status-{lineId}]")).ToHaveTextAsync("Cancelled.");
        await Assertions.Expect(customer.Locator($"[data-testid=track-cancel-{lineId}]")).ToHaveCountAsync(0);
        await WaitForMailAsync(m => m.Subject == $"Product {sku} cancelled from order {mia} · Northwind Outfitters");

        // A wrong token and a malformed one get the same friendly page, with nothing about any order.
        foreach (var path in new[] { $"/track/{TrackingTokens.New()}", "/track/not-a-token", "/track/%27%20OR%201=1--" })
        {
            await customer.GotoAsync(path);
            await Assertions.Expect(customer.Locator("[data-testid=track-not-found]")).ToContainTextAsync("We can't find this order");
            await Assertions.Expect(customer.Locator("body")).Not.ToContainTextAsync("SO-");
        }
        await customer.Context.CloseAsync();

        var page = await browser.SignedInPageAsync(app.BaseUrl, "support@example.com");
        await page.GotoAsync($"/orders/{mia}");
        await BrowserFixture.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator($"[data-testid=line-status-{sku}]")).ToContainTextAsync("Cancelled");
        await Assertions.Expect(page.Locator("[data-testid=timeline]")).ToContainTextAsync(Actor.CustomerDisplayName);
        await page.Context.CloseAsync();
    }

    /// <summary>The path of the tracking link in a message (its host is the configured public address).</summary>
    private static string TrackingPath(MimeMessage mail) =>
        new Uri(TrackingLink().Match(mail.TextBody ?? "").Groups[1].Value).AbsolutePath;

    [GeneratedRegex(@"Follow your order any time: (\S+)")]
    private static partial Regex TrackingLink();

    private async Task<MimeMessage> WaitForMailAsync(Func<MimeMessage, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (app.Mail.Received().FirstOrDefault(match) is { } found)
            {
                return found;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException("The expected e-mail did not arrive at the SMTP server within 20 s.");
    }

    /// <summary>The product with one purchase order bringing 3 units in 5 days.</summary>
    private async Task<(string Sku, string PoNumber, int PoId, DateOnly PoDate, int Handling)> SetUpAsync()
    {
        var sku = await app.AddProductAsync();
        var po = await app.PlacePurchaseOrderAsync(sku, 3, days: 5);
        return (sku, po.Number, po.Id, po.Expected, (await app.StoreDayAsync()).HandlingDays);
    }
}
