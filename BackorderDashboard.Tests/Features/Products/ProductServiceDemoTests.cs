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
    public async Task Detail_QueueIsInQueueOrder_ShowsTheStoredDates_AndNoDateGoesBackDownTheQueue()
    {
        var service = Service(out _);
        await using var db = store.Database.CreateDbContext();
        var waiting = await db.OrderLines.Where(l => l.QtyUnfilled > 0)
            .Select(l => new { l.Id, l.Product.Sku, l.Priority, l.QueuedAt, l.CurrentEta, l.Product.PreorderReleaseDate }).ToListAsync();
        var queues = waiting.GroupBy(l => l.Sku).ToList();
        Assert.True(queues.Count >= 10, $"{queues.Count} queues");
        var inbound = await db.PurchaseOrderLines
            .Where(l => l.PurchaseOrder.Status == PurchaseOrderStatus.Ordered || l.PurchaseOrder.Status == PurchaseOrderStatus.PartiallyReceived)
            .GroupBy(l => l.Product.Sku).Select(g => new { Sku = g.Key, Units = g.Sum(l => l.QtyOrdered - l.QtyReceived) })
            .ToDictionaryAsync(g => g.Sku, g => g.Units);
        var fullyCovered = 0;

        foreach (var queue in queues)
        {
            var detail = (await service.GetDetailAsync(queue.Key))!;
            // Queue order from the stored facts: expedited first, then first come, first served.
            var inOrder = queue.OrderByDescending(l => l.Priority).ThenBy(l => l.QueuedAt).ThenBy(l => l.Id).ToList();
            Assert.Equal(inOrder.Select(l => l.Id), detail.Queue.Select(q => q.OrderLineId));
            Assert.Equal(Enumerable.Range(1, detail.Queue.Count), detail.Queue.Select(q => q.Position));
            Assert.Equal(inOrder.Select(l => l.CurrentEta), detail.Queue.Select(q => q.Eta));
            Assert.Equal(detail.Queue.Sum(q => q.Unfilled), detail.Stock.QueuedUnits);
            // When what is on order covers the whole queue, whoever is further back never ships earlier than someone ahead.
            if (inbound.GetValueOrDefault(queue.Key) >= detail.Stock.QueuedUnits)
            {
                var dates = detail.Queue.Select(q => q.Eta).ToList();
                Assert.Equal(dates.Order(), dates);
                fullyCovered++;
            }
        }
        Assert.True(fullyCovered >= 3, $"only {fullyCovered} queues wholly covered by purchase orders");
    }

    [Fact]
    public async Task DemoStore_FirstInLine_ShipsWithTheFirstOpenPurchaseOrder()
    {
        // Worked out from the stored facts alone: when the earliest open purchase order still brings at least what the
        // first line in the queue waits for, that line ships on its expected day (today if overdue) plus the handling days.
        await using var db = store.Database.CreateDbContext();
        var today = store.Clock.Today;
        var waiting = await db.OrderLines.Where(l => l.QtyUnfilled > 0 && l.Product.PreorderReleaseDate == null)
            .Select(l => new { l.Id, l.ProductId, l.Priority, l.QueuedAt, l.QtyUnfilled, l.CurrentEta, l.Product.HandlingDays }).ToListAsync();
        var inbound = await db.PurchaseOrderLines
            .Where(l => (l.PurchaseOrder.Status == PurchaseOrderStatus.Ordered || l.PurchaseOrder.Status == PurchaseOrderStatus.PartiallyReceived)
                && l.QtyOrdered > l.QtyReceived)
            .Select(l => new { l.ProductId, l.PurchaseOrder.ExpectedDate, Remaining = l.QtyOrdered - l.QtyReceived }).ToListAsync();
        var checkedLines = 0;

        foreach (var queue in waiting.GroupBy(l => l.ProductId))
        {
            var first = queue.OrderByDescending(l => l.Priority).ThenBy(l => l.QueuedAt).ThenBy(l => l.Id).First();
            var earliest = inbound.Where(s => s.ProductId == queue.Key).OrderBy(s => s.ExpectedDate).FirstOrDefault();
            if (earliest is null || earliest.Remaining < first.QtyUnfilled
                || inbound.Count(s => s.ProductId == queue.Key && s.ExpectedDate == earliest.ExpectedDate) > 1)
            {
                continue;
            }
            var arrives = earliest.ExpectedDate < today ? today : earliest.ExpectedDate;
            Assert.Equal(arrives.AddDays(first.HandlingDays ?? 1), first.CurrentEta);
            checkedLines++;
        }

        Assert.True(checkedLines >= 3, $"only {checkedLines} queues had a first line covered by their first purchase order");
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
        AssertAll.NonEmpty(page.Rows, r =>
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
        AssertAll.NonEmpty(kitchen.Rows, r => Assert.Equal("Kitchen", r.Category));
        Assert.Equal(kitchen.Rows.Select(r => r.Name).OrderDescending(StringComparer.Ordinal), kitchen.Rows.Select(r => r.Name));
        Assert.NotEmpty(kettles.Rows);
        AssertAll.NonEmpty(kettles.Rows, r => Assert.Contains("kettle", r.Name, StringComparison.OrdinalIgnoreCase));
        AssertAll.NonEmpty(bySku.Rows, r => Assert.StartsWith("KIT-1", r.Sku));
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
