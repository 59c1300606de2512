using System.Net;
using System.Text.Json;
using BackorderDashboard.Components.Layout;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Api;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Features.Restock;
using BackorderDashboard.Features.Settings;
using BackorderDashboard.Tests.TestSupport;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BackorderDashboard.Tests.Integration;

/// <summary>
/// The live badge on the shop's own product pages: the public availability answer, its CORS for the allowed shop sites
/// only, the script, and the script at work on a page of another origin, as a customer's browser runs it.
/// </summary>
[Collection(ApiAppCollection.Name)]
public class EmbedTests(AppFactory app, BrowserFixture browser)
{
    private static readonly string[] PublicFields = ["sku", "status", "badge", "shipDate", "shipDateLatest"];

    private sealed record Item(string Sku, string Status, string Badge, DateOnly? ShipDate, DateOnly? ShipDateLatest);

    private sealed record Answer(List<Item> Items);

    private static string Query(IEnumerable<string> skus) => "/embed/availability?" + string.Join("&", skus.Select(s => "sku=" + Uri.EscapeDataString(s)));

    private async Task<HttpResponseMessage> GetAsync(string path, string? origin = null, string? ifNoneMatch = null)
    {
        using var client = app.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }
        return await client.SendAsync(request);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
        : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(", ", content) : "";

    private async Task<IReadOnlyList<ProductListRow>> ProductsPageRowsAsync()
    {
        using var scope = app.Services.CreateScope();
        var products = scope.ServiceProvider.GetRequiredService<ProductService>();
        var rows = new List<ProductListRow>();
        for (var page = 0; ; page++)
        {
            var result = await products.GetPageAsync(new ProductQuery(Page: page, PageSize: 200));
            rows.AddRange(result.Rows);
            if (rows.Count >= result.Total || result.Rows.Count == 0)
            {
                return rows;
            }
        }
    }

    private async Task<ProductListRow> RowAsync(string sku)
    {
        using var scope = app.Services.CreateScope();
        return Assert.Single(await scope.ServiceProvider.GetRequiredService<ProductService>().GetBySkusAsync([sku]));
    }

    /// <summary>Saves the shop sites on the Settings page's service (as an admin would), runs the test, and puts the old list back.</summary>
    private async Task WithShopSitesAsync(string origins, Func<Task> test)
    {
        using var scope = app.Services.CreateScope();
        var settings = scope.ServiceProvider.GetRequiredService<StoreSettingsService>();
        var input = SettingsService.ToInput(await settings.GetAsync());
        var before = input.StorefrontOrigins;
        input.StorefrontOrigins = origins;
        Assert.Empty(await settings.SaveAsync(input, TestActors.Admin));
        try
        {
            await test();
        }
        finally
        {
            var restore = SettingsService.ToInput(await settings.GetAsync());
            restore.StorefrontOrigins = before;
            Assert.Empty(await settings.SaveAsync(restore, TestActors.Admin));
        }
    }

    [Fact]
    public async Task Availability_ForEveryDemoProduct_GivesTheProductsPageBadge()
    {
        var rows = (await ProductsPageRowsAsync()).Where(r => !r.Sku.StartsWith(AppFactory.TestSkuPrefix, StringComparison.Ordinal)).ToList();
        Assert.True(rows.Count > 10, $"only {rows.Count} demo products");
        Assert.True(rows.Select(r => r.Availability.Status).Distinct().Count() >= 4, "the demo store shows several kinds of badge");

        var answered = new Dictionary<string, Item>();
        foreach (var chunk in rows.Chunk(ApiEndpoints.MaxSkusPerCall))
        {
            var response = await GetAsync(Query(chunk.Select(r => r.Sku)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            foreach (var item in JsonSerializer.Deserialize<Answer>(await response.Content.ReadAsStringAsync(), JsonSerializerOptions.Web)!.Items)
            {
                answered.Add(item.Sku, item);
            }
        }

        Assert.Equal(rows.Count, answered.Count);
        AssertAll.NonEmpty(rows, row =>
        {
            var item = answered[row.Sku];
            Assert.Equal(row.Availability.BadgeText, item.Badge);
            Assert.Equal(ApiEndpoints.StatusName(row.Availability.Status), item.Status);
            Assert.Equal(row.Availability.ShipDate, item.ShipDate);
            Assert.Equal(row.Availability.ShipDateLatest, item.ShipDateLatest);
        });
    }

    [Fact]
    public async Task Availability_AnAllowedShopGetsItsOriginBack_AnyOtherSiteNoCorsHeader()
    {
        var sku = (await ProductsPageRowsAsync())[0].Sku;

        await WithShopSitesAsync("https://Shop-A.example.com/\n\nhttps://shop-b.example.com:8443", async () =>
        {
            foreach (var allowed in new[] { "https://shop-a.example.com", "https://shop-b.example.com:8443" })
            {
                var response = await GetAsync(Query([sku]), allowed);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(allowed, Header(response, "Access-Control-Allow-Origin"));
                Assert.Contains("Origin", Header(response, "Vary"));
            }
            foreach (var other in new[] { "https://evil.example.com", "http://shop-a.example.com", "https://shop-a.example.com.evil.example", "https://shop-b.example.com", "null" })
            {
                var response = await GetAsync(Query([sku]), other);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"), other);
                Assert.Contains("Origin", Header(response, "Vary"));
            }
            Assert.False((await GetAsync(Query([sku]))).Headers.Contains("Access-Control-Allow-Origin"));
        });

        var removed = await GetAsync(Query([sku]), "https://shop-a.example.com");
        Assert.False(removed.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Availability_AnswersOnlyThePublicFields_CachedBrieflyWithAnETag()
    {
        var rows = await ProductsPageRowsAsync();
        var withStock = rows.First(r => r.OnHand > 0);

        var response = await GetAsync(Query([withStock.Sku, "NO-SUCH-SKU"]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["items"], json.RootElement.EnumerateObject().Select(p => p.Name));
        var item = Assert.Single(json.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(PublicFields, item.EnumerateObject().Select(p => p.Name));
        Assert.Equal(withStock.Sku, item.GetProperty("sku").GetString());
        Assert.Equal("public, max-age=30", Header(response, "Cache-Control"));
        Assert.Equal("cross-origin", Header(response, "Cross-Origin-Resource-Policy"));
        var etag = Header(response, "ETag");
        Assert.Matches("^\"[0-9a-f]{32}\"$", etag);

        var again = await GetAsync(Query([withStock.Sku, "NO-SUCH-SKU"]), ifNoneMatch: etag);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
    }

    public static TheoryData<string> BadSkuLists => new(
        "/embed/availability",
        "/embed/availability?sku=",
        "/embed/availability?sku=%20&sku=",
        Query(Enumerable.Range(1, ApiEndpoints.MaxSkusPerCall + 1).Select(i => $"SKU-{i}")),
        Query([new string('A', Limits.MaxSkuLength + 1)]));

    [Theory]
    [MemberData(nameof(BadSkuLists))]
    public async Task Availability_ABadSkuList_Is400WithTheFieldNamed(string path)
    {
        var response = await GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(json.RootElement.GetProperty("errors").TryGetProperty("sku", out _));
    }

    [Fact]
    public async Task Availability_AfterAReceipt_GivesTheNewBadgeOnTheNextRequest()
    {
        var sku = await app.AddProductAsync(onHand: 0);
        var po = await app.PlacePurchaseOrderAsync(sku, qty: 40, days: 10);
        var before = JsonSerializer.Deserialize<Answer>(await (await GetAsync(Query([sku]))).Content.ReadAsStringAsync(), JsonSerializerOptions.Web)!.Items.Single();
        Assert.Equal("backordered", before.Status);
        Assert.NotNull(before.ShipDate);

        using (var scope = app.Services.CreateScope())
        {
            var outcome = await scope.ServiceProvider.GetRequiredService<ReceivingService>().CommitAsync(new ReceiptInput
            {
                IdempotencyKey = Guid.NewGuid().ToString("N"), PurchaseOrderId = po.Id, Lines = [new ReceiptLineInput { Sku = sku, Qty = 40 }],
            }, TestActors.Merchant);
            Assert.Empty(outcome.Errors);
        }

        var after = JsonSerializer.Deserialize<Answer>(await (await GetAsync(Query([sku]))).Content.ReadAsStringAsync(), JsonSerializerOptions.Web)!.Items.Single();
        Assert.Equal("in-stock", after.Status);
        var row = await RowAsync(sku);
        Assert.Equal(row.Availability.BadgeText, after.Badge);
        Assert.Equal(row.Availability.ShipDate, after.ShipDate);
        Assert.True(after.ShipDate < before.ShipDate, $"ships {after.ShipDate} after the receipt, {before.ShipDate} before");
    }

    [Fact]
    public async Task Script_IsPlainJavaScript_WithTheDashboardBadgeColours_LoadableFromOtherSites()
    {
        var response = await GetAsync("/embed/badge.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("public, max-age=", Header(response, "Cache-Control"));
        Assert.Equal("cross-origin", Header(response, "Cross-Origin-Resource-Policy"));
        var script = await response.Content.ReadAsStringAsync();
        Assert.Contains("[data-backorder-sku]", script);
        Assert.Contains("/embed/availability", script);
        Assert.DoesNotContain("/*LOOKS*/", script);
        Assert.DoesNotContain("import ", script);
        Assert.DoesNotContain("require(", script);
        var success = AppTheme.Theme.PaletteLight.Success;
        Assert.Contains($"\"in-stock\":{{\"background\":\"rgba({success.R},{success.G},{success.B}", script);
        Assert.Equal(Enum.GetValues<AvailabilityStatus>().Select(ApiEndpoints.StatusName).Order(), EmbedEndpoints.Looks().Keys.Order());

        // The rest of the app stays for its own pages only.
        Assert.Equal("same-origin", Header(await GetAsync("/Account/Login"), "Cross-Origin-Resource-Policy"));
    }

    [Fact]
    public async Task Badge_OnAnAllowedShopsPage_ShowsTheDashboardBadge_AndOnAnotherSitesPageStaysEmpty()
    {
        var rows = await ProductsPageRowsAsync();
        var inStock = rows.First(r => r.Availability.Status == AvailabilityStatus.InStock);
        var backordered = rows.First(r => r.Availability.Status == AvailabilityStatus.Backordered);
        await using var shop = ShopSite.Start(app.BaseUrl, inStock.Sku, backordered.Sku, "NO-SUCH-SKU");
        await using var stranger = ShopSite.Start(app.BaseUrl, inStock.Sku, backordered.Sku);

        await WithShopSitesAsync(shop.Origin, async () =>
        {
            var page = await browser.NewPageAsync(shop.Origin);
            try
            {
                var warnings = new List<string>();
                page.Console += (_, message) =>
                {
                    if (message.Type is "warning" or "error")
                    {
                        warnings.Add($"{message.Text} ({message.Location})");
                    }
                };
                await page.GotoAsync("/");
                foreach (var row in new[] { inStock, backordered })
                {
                    var badge = page.Locator($"[data-backorder-sku='{row.Sku}']");
                    await Assertions.Expect(badge).ToHaveTextAsync(row.Availability.BadgeText);
                    await Assertions.Expect(badge).ToHaveAttributeAsync("aria-label", $"Availability: {row.Availability.BadgeText}");
                    await Assertions.Expect(badge).ToHaveAttributeAsync("role", "status");
                }
                var green = AppTheme.Theme.PaletteLight.Success;
                Assert.Equal($"rgb({green.R}, {green.G}, {green.B})",
                    await page.Locator($"[data-backorder-sku='{inStock.Sku}']").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
                await Assertions.Expect(page.Locator("[data-backorder-sku='NO-SUCH-SKU']")).ToHaveTextAsync("");
                Assert.Empty(warnings);
                await BrowserFixture.ScreenshotAsync(page, "embed-shop-page");

                var other = await browser.NewPageAsync(stranger.Origin);
                var refused = new TaskCompletionSource<string>();
                other.Console += (_, message) =>
                {
                    if (message.Type == "warning" && message.Text.StartsWith("Backorder badge:", StringComparison.Ordinal))
                    {
                        refused.TrySetResult(message.Text);
                    }
                };
                await other.GotoAsync("/");
                await refused.Task.WaitAsync(TimeSpan.FromSeconds(15));
                foreach (var row in new[] { inStock, backordered })
                {
                    var badge = other.Locator($"[data-backorder-sku='{row.Sku}']");
                    await Assertions.Expect(badge).ToHaveTextAsync("");
                    Assert.Null(await badge.GetAttributeAsync("role"));
                }
                await other.Context.CloseAsync();
            }
            finally
            {
                await page.Context.CloseAsync();
            }
        });
    }

    [Fact]
    public async Task Badge_OnAnOpenShopPage_ShowsAReceiptAtTheNextMinutesRefresh()
    {
        var sku = await app.AddProductAsync(onHand: 0);
        var po = await app.PlacePurchaseOrderAsync(sku, qty: 40, days: 10);
        var before = (await RowAsync(sku)).Availability.BadgeText;
        await using var shop = ShopSite.Start(app.BaseUrl, sku);

        await WithShopSitesAsync(shop.Origin, async () =>
        {
            var page = await browser.NewPageAsync(shop.Origin);
            try
            {
                await page.Clock.InstallAsync();
                await page.GotoAsync("/");
                var badge = page.Locator($"[data-backorder-sku='{sku}']");
                await Assertions.Expect(badge).ToHaveTextAsync(before);

                using (var scope = app.Services.CreateScope())
                {
                    var outcome = await scope.ServiceProvider.GetRequiredService<ReceivingService>().CommitAsync(new ReceiptInput
                    {
                        IdempotencyKey = Guid.NewGuid().ToString("N"), PurchaseOrderId = po.Id, Lines = [new ReceiptLineInput { Sku = sku, Qty = 40 }],
                    }, TestActors.Merchant);
                    Assert.Empty(outcome.Errors);
                }
                var after = (await RowAsync(sku)).Availability.BadgeText;
                Assert.NotEqual(before, after);

                await page.Clock.RunForAsync(30_000);
                await Assertions.Expect(badge).ToHaveTextAsync(before);
                await page.Clock.RunForAsync(31_000);
                await Assertions.Expect(badge).ToHaveTextAsync(after);
                await Assertions.Expect(badge).ToHaveAttributeAsync("data-backorder-status", "in-stock");
            }
            finally
            {
                await page.Context.CloseAsync();
            }
        });
    }

    [Fact]
    public async Task PreviewPage_ShowsTheLinesToPaste_AndTheEmbedForTheSkuTyped()
    {
        var rows = await ProductsPageRowsAsync();
        var first = rows.First(r => r.Availability.Status == AvailabilityStatus.Backordered);
        var second = rows.First(r => r.Availability.Status == AvailabilityStatus.InStock);

        await WithShopSitesAsync("https://example.myshopify.com", async () =>
        {
            foreach (var width in new[] { 1280, 390 })
            {
                var page = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com", width, width == 390 ? 844 : 900);
                try
                {
                    await page.GotoAsync($"/storefront?sku={Uri.EscapeDataString(first.Sku)}");
                    await BrowserFixture.WaitForCircuitAsync(page);
                    await Assertions.Expect(page.Locator("[data-testid=embed-snippet]"))
                        .ToHaveTextAsync($"<span data-backorder-sku=\"SKU\"></span>\n<script src=\"{app.BaseUrl}/embed/badge.js\" async></script>");
                    await Assertions.Expect(page.Locator("[data-testid=allowed-origins]")).ToContainTextAsync("https://example.myshopify.com");
                    var embedded = page.FrameLocator("iframe[data-testid=embed-preview]").Locator($"[data-backorder-sku='{first.Sku}']");
                    await Assertions.Expect(embedded).ToHaveTextAsync(first.Availability.BadgeText);
                    await Assertions.Expect(page.Locator("[data-testid=embed-preview-card] [data-testid=availability-badge]"))
                        .ToHaveTextAsync(first.Availability.BadgeText);
                    await BrowserFixture.ScreenshotAsync(page, $"embed-preview-{width}");
                    if (width == 1280)
                    {
                        // At laptop width, as the accessibility walk checks every page.
                        var axe = await page.RunAxe(new AxeRunOptions
                        {
                            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
                            ResultTypes = [ResultType.Violations],
                        });
                        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical")
                            .Select(v => $"{v.Id}: {v.Help} {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}").ToList();
                        Assert.True(serious.Count == 0, string.Join("\n", serious));
                    }
                }
                finally
                {
                    await page.Context.CloseAsync();
                }
            }

            var merchant = await browser.SignedInPageAsync(app.BaseUrl, "merchant@example.com");
            try
            {
                await merchant.GotoAsync("/storefront");
                await BrowserFixture.WaitForCircuitAsync(merchant);
                var box = merchant.Locator("input[data-testid=preview-sku]");
                await box.FillAsync(second.Sku);
                await box.PressAsync("Tab");
                await Assertions.Expect(merchant.FrameLocator("iframe[data-testid=embed-preview]").Locator($"[data-backorder-sku='{second.Sku}']"))
                    .ToHaveTextAsync(second.Availability.BadgeText);
                await box.FillAsync("NO-SUCH-SKU");
                await box.PressAsync("Tab");
                await Assertions.Expect(merchant.Locator("[data-testid=preview-unknown]")).ToContainTextAsync("NO-SUCH-SKU");
            }
            finally
            {
                await merchant.Context.CloseAsync();
            }
        });
    }

    [Fact]
    public async Task Settings_AShopAddressWithAPath_IsRefusedUnderItsField()
    {
        var page = await browser.SignedInPageAsync(app.BaseUrl, "admin@example.com");
        try
        {
            await page.GotoAsync("/admin/settings");
            await BrowserFixture.WaitForCircuitAsync(page);
            var field = page.Locator("textarea[data-testid=storefront-origins]");
            await field.FillAsync("https://shop.example.com\nshop.example.com/products");
            await field.BlurAsync();
            await page.ClickAsync("[data-testid=save-settings]");

            await Assertions.Expect(page.Locator(".mud-input-control:has(textarea[data-testid=storefront-origins]) .mud-input-helper-text.mud-input-error"))
                .ToContainTextAsync("“shop.example.com/products” is not a shop address");
            Assert.DoesNotContain("https://shop.example.com", (await app.Services.GetRequiredService<SettingsService>().GetAsync()).StorefrontOrigins);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
