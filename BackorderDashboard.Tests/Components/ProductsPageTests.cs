using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Tests.TestSupport;
using Bunit;
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

    async Task IAsyncLifetime.InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(Now));
        _notifier = _services.Get<StockNotifier>();
        Services.AddSingleton(_services.Get<ProductService>());
        Services.AddSingleton(_notifier);
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
    public void ProductsPage_StatusInTheUrl_FiltersTheRows()
    {
        NavigateTo("status=lowstock");
        var page = Render<ProductsPage>();

        page.WaitForAssertion(() => Assert.Equal(["Low stock – 3 left"], Badges(page)));
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
}
