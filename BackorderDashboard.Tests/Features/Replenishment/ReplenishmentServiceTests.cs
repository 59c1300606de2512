using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Replenishment;
using BackorderDashboard.Features.Restock;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Replenishment;

/// <summary>
/// Over the last 10 days (Nov 12–21; today Nov 22 does not count) kettles sold 4, 0, 6, 0, 10 on five days and
/// nothing on the other five: Σq = 20, Σq² = 152, so d = 2/day and σ = √(15.2 − 4) = √11.2. Northwind quotes 9 days
/// (no receipt history). 3 kettles on hand, 1 set aside, 5 on a PO, 4 waiting customers: position 3.
/// Mugs (Acme, quote 4 days) sold 1 a day every day: d = 1, σ = 0; 50 on hand.
/// </summary>
public class ReplenishmentServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private ReplenishmentService _service = null!;

    [Theory]
    [InlineData(0.5, 0.0)]
    [InlineData(0.90, 1.2815516)]
    [InlineData(0.95, 1.6448536)]
    [InlineData(0.975, 1.9599640)]
    [InlineData(0.99, 2.3263479)]
    public void Z_IsTheNormalQuantileOfTheServiceLevel(double level, double z) => Assert.Equal(z, ReplenishmentService.Z(level), 6);

    [Fact]
    public async Task Categories_ListEveryCategoryByName_ForTheFilter()
    {
        await using (var db = _db.CreateDbContext())
        {
            db.Categories.Add(new Category { Name = "Garden" });
            await db.SaveChangesAsync();
        }

        var categories = await _service.CategoriesAsync();

        Assert.Equal(["Garden", "Kitchen"], categories.Select(c => c.Name));
    }

    [Fact]
    public void Formulas_DemandSafetyStockAndSuggestion()
    {
        var (mean, sd) = ReplenishmentService.Demand(20, 152, 10);
        Assert.Equal((2.0, Math.Sqrt(11.2)), (mean, sd));
        Assert.Equal(0.0, ReplenishmentService.Demand(0, 0, 10).Sd);
        Assert.Equal(1.6448536 * Math.Sqrt(11.2) * 3, ReplenishmentService.SafetyStock(1.6448536, Math.Sqrt(11.2), 9), 5);
        // Position 3 against a reorder point of 34.5 and 30 days at 2 a day: 34.5 + 60 − 3 = 91.5 → 92.
        Assert.Equal(92, ReplenishmentService.Suggest(34.5, 3, 2, 30));
        Assert.Equal(0, ReplenishmentService.Suggest(34.5, 35, 2, 30));
        // Due with no demand (a reorder point of 0 and nothing in stock): at least one unit.
        Assert.Equal(1, ReplenishmentService.Suggest(0, 0, 0, 30));
    }

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(Now));
        _service = _services.Get<ReplenishmentService>();

        await using var db = _db.CreateDbContext();
        db.MerchantSettings.Add(new MerchantSettings { TimeZoneId = "America/New_York" });
        var (category, northwind) = await TestData.AddCatalogAsync(db);
        northwind.DefaultLeadTimeDays = 9;
        var acme = new Supplier { Name = "Acme", DefaultLeadTimeDays = 4 };
        var kettle = TestData.Product(category, northwind, "KET", onHand: 3, allocated: 1);
        var mug = TestData.Product(category, acme, "MUG", onHand: 50);
        db.AddRange(acme, kettle, mug);
        DateTime Day(int day) => new(2026, 11, day, 15, 0, 0, DateTimeKind.Utc);
        var n = 0;
        void Sell(Product p, int day, int qty)
        {
            var order = TestData.Order(TestData.Customer($"C{++n}", $"c{n}@example.com"), $"SO-{n}", Day(day));
            order.Lines.Add(new OrderLine { Product = p, Qty = qty, QtyShipped = qty });
            db.Orders.Add(order);
        }
        Sell(kettle, 12, 4);
        Sell(kettle, 14, 2);
        Sell(kettle, 14, 4);
        Sell(kettle, 18, 10);
        Sell(kettle, 11, 50); // before the window
        Sell(kettle, 22, 50); // today: not over yet
        for (var day = 12; day <= 21; day++)
        {
            Sell(mug, day, 1);
        }
        // Four kettles waiting (placed long ago) and five on order.
        var waiting = TestData.Order(TestData.Customer("W", "w@example.com"), "SO-W", Day(1));
        waiting.Lines.Add(new OrderLine { Product = kettle, Qty = 4, QueuedAt = Day(1), QtyBackorderedAtPlacement = 4 });
        db.Orders.Add(waiting);
        db.PurchaseOrders.Add(new PurchaseOrder { Number = "PO-1", Supplier = northwind, Status = PurchaseOrderStatus.Ordered, ExpectedDate = new(2026, 11, 30),
            Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 5 }] });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Kettles_AreDue_WithTheHandWorkedFigures_MugsAreNot()
    {
        var rows = await _service.GetAsync(new ReplenishmentQuery(WindowDays: 10, ServiceLevel: 0.95, CoverDays: 30));

        var kettle = Assert.Single(rows);
        Assert.Equal("KET", kettle.Sku);
        Assert.Equal(2.0, kettle.DailyDemand, 9);
        Assert.Equal(Math.Sqrt(11.2), kettle.DailyDemandSd, 9);
        Assert.Equal((9.0, false), (kettle.LeadTimeDays, kettle.LeadTimeFromHistory));
        var safety = ReplenishmentService.Z(0.95) * Math.Sqrt(11.2) * 3;
        Assert.Equal(safety, kettle.SafetyStock, 9);
        Assert.Equal(2 * 9 + safety, kettle.ReorderPoint, 9);
        Assert.Equal((2, 5, 4, 3), (kettle.Available, kettle.Inbound, kettle.Backordered, kettle.Position));
        Assert.Equal((int)Math.Ceiling(2 * 9 + safety + 2 * 30 - 3), kettle.Suggested);

        // Mugs: d = 1, σ = 0, L = 4: reorder point 4, position 50.
        var all = await _service.GetAsync(new ReplenishmentQuery(WindowDays: 10, DueOnly: false));
        var mug = all.Single(r => r.Sku == "MUG");
        Assert.Equal((1.0, 0.0, 4.0, 50, false, 0), (mug.DailyDemand, mug.DailyDemandSd, mug.ReorderPoint, mug.Position, mug.Due, mug.Suggested));
    }

    [Fact]
    public async Task HigherServiceLevel_MeansMoreSafetyStock()
    {
        var at90 = (await _service.GetAsync(new ReplenishmentQuery(WindowDays: 10, ServiceLevel: 0.90))).Single();
        var at99 = (await _service.GetAsync(new ReplenishmentQuery(WindowDays: 10, ServiceLevel: 0.99))).Single();
        Assert.True(at99.SafetyStock > at90.SafetyStock);
        Assert.True(at99.Suggested > at90.Suggested);
    }

    [Fact]
    public async Task CreateDrafts_MakesOneDraftPerSupplier_WithTheChosenQuantities()
    {
        var all = await _service.GetAsync(new ReplenishmentQuery(WindowDays: 10, DueOnly: false));
        var kettle = all.Single(r => r.Sku == "KET");
        var mug = all.Single(r => r.Sku == "MUG");

        var (drafts, errors) = await _service.CreateDraftsAsync([(kettle, 40), (mug, 12)], TestActors.Merchant);

        Assert.Empty(errors);
        Assert.Equal(["Acme", "Northwind"], drafts.Select(d => d.Supplier).Order());
        await using var db = _db.CreateDbContext();
        var created = await db.PurchaseOrders.Include(p => p.Lines).ThenInclude(l => l.Product).Where(p => p.Status == PurchaseOrderStatus.Draft).ToListAsync();
        Assert.Equal(2, created.Count);
        var northwindDraft = created.Single(p => p.Lines.Any(l => l.Product.Sku == "KET"));
        Assert.Equal((40, new DateOnly(2026, 12, 1)), (northwindDraft.Lines.Single().QtyOrdered, northwindDraft.ExpectedDate));
        Assert.Equal(12, created.Single(p => p != northwindDraft).Lines.Single().QtyOrdered);
    }

    [Fact]
    public async Task CreateDrafts_NothingChosenOrZeroQuantity_IsRefused_AndNothingIsMade()
    {
        var kettle = (await _service.GetAsync(new ReplenishmentQuery(WindowDays: 10))).Single();

        Assert.NotEmpty((await _service.CreateDraftsAsync([], TestActors.Merchant)).Errors);
        Assert.Contains("KET: order at least one unit.", (await _service.CreateDraftsAsync([(kettle, 0)], TestActors.Merchant)).Errors);
        await using var db = _db.CreateDbContext();
        Assert.Equal(0, await db.PurchaseOrders.CountAsync(p => p.Status == PurchaseOrderStatus.Draft));
    }
}
