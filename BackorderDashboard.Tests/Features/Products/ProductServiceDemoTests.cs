using BackorderDashboard.Benchmarks;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Tests.Data;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Products;

/// <summary>The products list and detail on the demo store: the badge rule, its SQL twin and the stored ETAs agree.</summary>
public class ProductServiceDemoTests(DemoStoreFixture store) : IClassFixture<DemoStoreFixture>, IAsyncLifetime
{
    private readonly CommandCounter _counter = new();
    private TestServices _services = null!;

    public Task InitializeAsync()
    {
        _services = TestServices.Create(store.Database.WithInterceptors(_counter), new FixedTimeProvider(DemoStoreFixture.Now));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    /// <summary>The app's products service on the demo store, every round trip counted.</summary>
    private ProductService Service(out AvailabilityService availability)
    {
        availability = _services.Get<AvailabilityService>();
        return _services.Get<ProductService>();
    }

    [Fact]
    public async Task StatusFilterInSql_AgreesWithTheRuleForEveryProduct()
    {
        var service = Service(out var availability);
        var context = await availability.GetContextAsync();
        await using var db = store.Database.CreateDbContext();
        var rows = await availability.Rows(db, context).ToListAsync();
        var byRule = (await availability.EvaluateAsync(db, rows, context)).ToDictionary(kv => kv.Key, kv => kv.Value.Availability.Status);

        foreach (var status in Enum.GetValues<AvailabilityStatus>())
        {
            var inSql = await availability.Rows(db, context).WhereStatus(status, context.Today).Select(r => r.ProductId).ToListAsync();
            var expected = byRule.Where(kv => kv.Value == status).Select(kv => kv.Key).Order();
            Assert.Equal(expected, inSql.Order());
        }
        // The demo store shows the statuses a merchant meets.
        Assert.Contains(AvailabilityStatus.InStock, byRule.Values);
        Assert.Contains(AvailabilityStatus.Backordered, byRule.Values);
        Assert.Contains(AvailabilityStatus.OutOfStock, byRule.Values);
        Assert.Contains(AvailabilityStatus.PreOrder, byRule.Values);
        Assert.Contains(AvailabilityStatus.Discontinued, byRule.Values);
    }

    [Fact]
    public async Task Detail_QueueEtasMatchTheEtasStoredOnTheLines()
    {
        var service = Service(out _);
        await using var db = store.Database.CreateDbContext();
        var skus = await db.OrderLines.Where(l => l.QtyUnfilled > 0).Select(l => l.Product.Sku).Distinct().ToListAsync();
        Assert.NotEmpty(skus);

        foreach (var sku in skus)
        {
            var detail = (await service.GetDetailAsync(sku))!;
            var stored = await db.OrderLines.Where(l => l.Product.Sku == sku && l.QtyUnfilled > 0)
                .ToDictionaryAsync(l => l.Id, l => l.CurrentEta);
            Assert.All(detail.Queue, q => Assert.Equal(stored[q.OrderLineId], q.Eta));
            Assert.Equal(detail.Queue.Sum(q => q.Unfilled), detail.Stock.QueuedUnits);
            Assert.Equal(Enumerable.Range(1, detail.Queue.Count), detail.Queue.Select(q => q.Position));
        }
    }

    [Fact]
    public async Task Page_FiftyRowsWithBadges_TakesThreeRoundTrips()
    {
        var service = Service(out var availability);
        await availability.GetContextAsync(); // settings and lead-time history are loaded once and kept
        _counter.Reset();

        var page = await service.GetPageAsync(new ProductQuery(PageSize: 50));

        Assert.Equal(50, page.Rows.Count);
        Assert.Equal(200, page.Total);
        Assert.Equal(3, _counter.Count);
    }

    [Fact]
    public async Task Page_BackorderedFilter_ReturnsOnlyBackorderedBadges()
    {
        var service = Service(out _);

        var page = await service.GetPageAsync(new ProductQuery(Filter: ProductFilter.Backordered, PageSize: 200));

        Assert.NotEmpty(page.Rows);
        Assert.Equal(page.Total, page.Rows.Count);
        Assert.All(page.Rows, r =>
        {
            Assert.Contains(r.Availability.Status, new[] { AvailabilityStatus.Backordered, AvailabilityStatus.BackorderedEstimated });
            Assert.StartsWith("Backordered – ships ", r.Availability.BadgeText);
        });
    }

    [Fact]
    public async Task Page_SearchCategoryAndSort_NarrowAndOrderTheList()
    {
        var service = Service(out _);

        var kitchen = await service.GetPageAsync(new ProductQuery(CategoryId: 1, Sort: ProductSort.Name, Descending: true, PageSize: 100));
        var kettles = await service.GetPageAsync(new ProductQuery(Search: "kettle"));
        var bySku = await service.GetPageAsync(new ProductQuery(Search: "kit-1"));

        Assert.Equal(25, kitchen.Total);
        Assert.All(kitchen.Rows, r => Assert.Equal("Kitchen", r.Category));
        Assert.Equal(kitchen.Rows.Select(r => r.Name).OrderDescending(StringComparer.Ordinal), kitchen.Rows.Select(r => r.Name));
        Assert.NotEmpty(kettles.Rows);
        Assert.All(kettles.Rows, r => Assert.Contains("kettle", r.Name, StringComparison.OrdinalIgnoreCase));
        Assert.All(bySku.Rows, r => Assert.StartsWith("KIT-1", r.Sku));
    }

    [Fact]
    public async Task Page_LateFilter_ListsProductsWithALateLine()
    {
        var service = Service(out _);
        await using var db = store.Database.CreateDbContext();
        var expected = await db.OrderLines.Where(l => l.QtyUnfilled > 0 && l.CurrentEta > l.PromisedShipDate)
            .Select(l => l.Product.Sku).Distinct().OrderBy(s => s).ToListAsync();

        var page = await service.GetPageAsync(new ProductQuery(Filter: ProductFilter.Late, PageSize: 200));

        Assert.NotEmpty(expected);
        Assert.Equal(expected, page.Rows.Select(r => r.Sku));
    }
}
