using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Tests.TestSupport;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Components;

/// <summary>The products page over a real SQLite store: what the filters show, and that they are kept in the URL.</summary>
public class ProductsPageTests : BunitTestContext, IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private StockNotifier _notifier = null!;
    private BunitAuthorizationContext _auth = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(Now));
        _notifier = _services.Get<StockNotifier>();
        Services.AddSingleton(_services.Get<ProductService>());
        Services.AddSingleton(_notifier);
        _auth = AddAuthorization();
        _auth.SetAuthorized("support@example.com").SetPolicies(Policies.Staff);
        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        db.AddRange(
            TestData.Product(category, supplier, "IN-1", onHand: 40),
            TestData.Product(category, supplier, "LOW-1", onHand: 3),
            TestData.Product(category, supplier, "BO-1"));
        await db.SaveChangesAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private void NavigateTo(string query) =>
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/products?{query}");

    private static string[] Badges(IRenderedComponent<ProductsPage> page) =>
        page.FindAll("[data-testid=availability-badge]").Select(b => b.TextContent.Trim()).ToArray();

    [Fact]
    public void ProductsPage_NoFilter_ListsEveryProductWithItsBadge()
    {
        var page = Render<ProductsPage>();

        page.WaitForAssertion(() => Assert.Equal(3, Badges(page).Length));
        // Sorted by SKU: BO-1, IN-1, LOW-1. BO-1 has no purchase order: the supplier's 14-day quote gives a range.
        Assert.Equal(["Backordered – ships Dec 7–11", "In stock", "Low stock – 3 left"], Badges(page));
    }

    [Fact]
    public void ProductsPage_Operations_LinksToTheStockCount()
    {
        _auth.SetAuthorized("merchant@example.com").SetPolicies(Policies.Staff, Policies.Operations);
        var page = Render<ProductsPage>();

        Assert.Equal("/stock/count", page.Find("[data-testid=stock-count-link]").GetAttribute("href"));
    }

    [Fact]
    public void ProductsPage_StatusInTheUrl_FiltersTheRows()
    {
        NavigateTo("status=lowstock");
        var page = Render<ProductsPage>();

        page.WaitForAssertion(() => Assert.Equal(["Low stock – 3 left"], Badges(page)));
    }

    [Fact]
    public void ProductsPage_UnreadableFiltersInTheUrl_SayWhat_AndListEveryProduct()
    {
        NavigateTo("category=abc&supplier=2147483648&status=nonsense");
        var page = Render<ProductsPage>();

        page.WaitForAssertion(() => Assert.Equal(3, Badges(page).Length));
        var notices = page.FindAll("[data-testid=query-notice] [data-parameter]").Select(n => (n.GetAttribute("data-parameter"), n.TextContent)).ToList();
        Assert.Equal(
        [
            ("status", "The status ‘nonsense’ is not one of all, instock, lowstock, backordered, backorderedestimated, late, outofstock, preorder, discontinued, archived; showing every status."),
            ("category", "The category ‘abc’ is not a number; showing every category."),
            ("supplier", "The supplier ‘2147483648’ is too large; showing every supplier."),
        ], notices);
    }

    [Fact]
    public async Task ProductsPage_ChoosingAFilter_PutsItInTheUrl()
    {
        var page = Render<ProductsPage>();
        page.WaitForAssertion(() => Assert.Equal(3, Badges(page).Length));

        var filters = page.FindComponent<ProductFilters>();
        await page.InvokeAsync(() => filters.Instance.OnChange.InvokeAsync(new ProductFilterValues("bo", ProductFilter.Backordered, null, null)));

        var uri = Services.GetRequiredService<NavigationManager>().Uri;
        Assert.Contains("status=backordered", uri);
        Assert.Contains("q=bo", uri);
    }

    [Fact]
    public void ProductsPage_NothingMatches_SaysSoWithAWayBack()
    {
        NavigateTo("q=no%20such%20thing");
        var page = Render<ProductsPage>();

        page.WaitForAssertion(() => Assert.Contains("No product matches these filters", page.Markup));
    }

    [Fact]
    public async Task ProductsPage_StockChangesElsewhere_TheListRefreshesWithoutAReload()
    {
        var page = Render<ProductsPage>();
        page.WaitForAssertion(() => Assert.Equal("Low stock – 3 left", Badges(page)[2]));

        await using (var db = _db.CreateDbContext())
        {
            var low = db.Products.Single(p => p.Sku == "LOW-1");
            low.OnHand = 30;
            await db.SaveChangesAsync();
        }
        await _notifier.PublishAsync([1, 2, 3]);

        page.WaitForAssertion(() => Assert.Equal("In stock", Badges(page)[2]));
    }

    [Fact]
    public void ProductsPage_Operations_OfferANewProduct_OthersDoNot()
    {
        var support = Render<ProductsPage>();
        support.WaitForAssertion(() => Assert.Equal(3, Badges(support).Length));
        Assert.Empty(support.FindAll("[data-testid=new-product]"));

        _auth.SetAuthorized("merchant@example.com").SetPolicies(Policies.Staff, Policies.Operations);
        var merchant = Render<ProductsPage>();

        merchant.WaitForAssertion(() => Assert.Equal("/products/new", merchant.Find("[data-testid=new-product]").GetAttribute("href")));
    }

    [Fact]
    public async Task ProductsPage_ArchivedFilter_ListsOnlyArchivedProducts_AndRestorePutsOneBack()
    {
        var products = _services.Get<ProductService>();
        Assert.Empty(await products.ArchiveAsync("LOW-1", TestActors.Merchant));
        _auth.SetAuthorized("merchant@example.com").SetPolicies(Policies.Staff, Policies.Operations)
            .SetRoles(Roles.Merchant);

        var all = Render<ProductsPage>();
        all.WaitForAssertion(() => Assert.Equal(["Backordered – ships Dec 7–11", "In stock"], Badges(all)));
        Assert.Empty(all.FindAll("[data-testid=restore-row]"));

        NavigateTo("status=archived");
        var archived = Render<ProductsPage>();
        archived.WaitForAssertion(() => Assert.Equal(["Low stock – 3 left"], Badges(archived)));

        await archived.InvokeAsync(() => archived.Find("[data-testid=restore-row]").Click());

        archived.WaitForAssertion(() => Assert.Empty(Badges(archived)));
        Assert.NotNull(await products.GetRowAsync("LOW-1"));
    }
}
