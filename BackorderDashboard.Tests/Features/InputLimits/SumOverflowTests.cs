using BackorderDashboard.Data;
using BackorderDashboard.Features.Home;
using BackorderDashboard.Features.Kpi;
using BackorderDashboard.Tests.TestSupport;

namespace BackorderDashboard.Tests.Features.InputLimits;

/// <summary>
/// Queue sums are 64-bit: a store whose waiting units add up past an int (old data, an import) still shows its home
/// page and KPI page, with the exact total.
/// </summary>
public class SumOverflowTests : IAsyncLifetime
{
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db);
        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET");
        var customer = TestData.Customer("Ada", "ada@example.com");
        var placed = TestServices.DefaultNow.UtcDateTime.AddDays(-3);
        foreach (var (number, qty) in new[] { ("SO-1", int.MaxValue), ("SO-2", 10) })
        {
            var order = TestData.Order(customer, number, placed);
            order.Lines.Add(new OrderLine { Product = kettle, Qty = qty, QtyBackorderedAtPlacement = qty, QueuedAt = placed, UnitPriceCents = 1000 });
            db.Add(order);
        }
        db.PurchaseOrders.Add(new PurchaseOrder
        {
            Number = "PO-1", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, ExpectedDate = new DateOnly(2026, 12, 20),
            Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = int.MaxValue }, new PurchaseOrderLine { Product = TestData.Product(category, supplier, "MUG"), QtyOrdered = 5 }],
        });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task HomeSummary_UnitsPastAnInt_AreSummedExactly()
    {
        var summary = await _services.Get<HomeService>().GetQueueSummaryAsync();

        Assert.Equal(int.MaxValue + 10L, summary.UnitsWaiting);
        Assert.Equal(int.MaxValue + 10L, Assert.Single(summary.LongestQueues).Units);
        Assert.Equal(int.MaxValue + 5L, Assert.Single(summary.NextReceipts).Units);
    }

    [Fact]
    public async Task KpiReport_UnitsPastAnInt_AgeInOneBucketExactly()
    {
        var today = DateOnly.FromDateTime(TestServices.DefaultNow.UtcDateTime);
        var report = await _services.Get<KpiService>().GetAsync(new KpiQuery(today.AddDays(-30), today));

        Assert.Equal(int.MaxValue + 10L, report.Aging.Sum(a => a.Units));
        Assert.Equal(2, report.OpenLines);
        Assert.Equal((int.MaxValue + 10L) * 1000, report.OpenValueCents);
    }
}
