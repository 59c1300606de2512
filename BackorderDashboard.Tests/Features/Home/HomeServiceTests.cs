using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Home;
using BackorderDashboard.Tests.TestSupport;

namespace BackorderDashboard.Tests.Features.Home;

public class HomeServiceTests : IAsyncLifetime
{
    // 15:00 UTC = 10:00 in New York on Sunday Nov 22.
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 15, 0, 0, TimeSpan.Zero);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private HomeService _home = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(Now));
        _home = _services.Get<HomeService>();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task QueueSummary_CountsOpenLateAndReadyFromTheLines()
    {
        await using (var db = _db.CreateDbContext())
        {
            var (category, supplier) = await TestData.AddCatalogAsync(db);
            var kettle = TestData.Product(category, supplier, "KET", onHand: 2, allocated: 2);
            var mug = TestData.Product(category, supplier, "MUG");
            var ada = TestData.Customer("Ada Lovelace", "ada@example.com");
            var order1 = TestData.Order(ada, "SO-1", Now.UtcDateTime.AddDays(-3));
            order1.Lines.Add(new OrderLine { Product = kettle, Qty = 5, QtyAllocated = 2, QtyBackorderedAtPlacement = 3,
                PromisedShipDate = new DateOnly(2026, 12, 1), CurrentEta = new DateOnly(2026, 12, 4) });
            var order2 = TestData.Order(ada, "SO-2", Now.UtcDateTime.AddDays(-1));
            order2.ShipPolicy = ShipPolicy.ShipComplete;
            order2.Lines.Add(new OrderLine { Product = mug, Qty = 1, QtyBackorderedAtPlacement = 1,
                PromisedShipDate = new DateOnly(2026, 12, 1), CurrentEta = new DateOnly(2026, 12, 1) });
            db.AddRange(order1, order2);
            db.PurchaseOrders.Add(new PurchaseOrder
            {
                Number = "PO-9", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, ExpectedDate = new DateOnly(2026, 11, 20),
                Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 10, QtyReceived = 4 }],
            });
            await db.SaveChangesAsync();
        }

        var summary = await _home.GetQueueSummaryAsync();

        Assert.Equal(2, summary.OpenLines);
        Assert.Equal(1, summary.LateLines);
        Assert.Equal(4, summary.UnitsWaiting);
        Assert.Equal(2, summary.ProductsWaiting);
        Assert.Equal(1, summary.OrdersReadyToShip); // SO-1 ships what it has; SO-2 waits to ship complete.
        Assert.Equal(["KET", "MUG"], summary.LongestQueues.Select(q => q.Sku));
        var receipt = Assert.Single(summary.NextReceipts);
        Assert.Equal(6, receipt.Units);
        Assert.True(receipt.Overdue);
    }

    [Fact]
    public async Task QueueSummary_EmptyStore_IsAllZeros()
    {
        var summary = await _home.GetQueueSummaryAsync();

        Assert.Equal(0, summary.OpenLines);
        Assert.Empty(summary.LongestQueues);
        Assert.Empty(summary.NextReceipts);
    }

    [Theory]
    [InlineData("GRACE@EXAMPLE", "SO-100")]
    [InlineData("hopper", "SO-100")]
    [InlineData("SO-2", "SO-200")]
    [InlineData("555-0199", "SO-200")]
    [InlineData("5550199", "SO-200")]
    [InlineData("(555) 0199", "SO-200")]
    [InlineData("so-1", "SO-100")]
    [InlineData("ALAN@example.ORG", "SO-200")]
    public async Task FindOrders_MatchesPartialNumberEmailNameOrPhone(string text, string expected)
    {
        await using (var db = _db.CreateDbContext())
        {
            var (category, supplier) = await TestData.AddCatalogAsync(db);
            var product = TestData.Product(category, supplier, "KET", onHand: 5);
            var grace = TestData.Customer("Grace Hopper", "grace@example.com");
            var alan = TestData.Customer("Alan Turing", "alan@example.org", "+1 555-0199");
            db.AddRange(
                Order(TestData.Order(grace, "SO-100", Now.UtcDateTime.AddDays(-2)), product),
                Order(TestData.Order(alan, "SO-200", Now.UtcDateTime.AddDays(-1)), product));
            await db.SaveChangesAsync();
        }

        var hits = await _home.FindOrdersAsync(text);

        Assert.Equal([expected], hits.Select(h => h.Number));
    }

    [Fact]
    public async Task FindOrders_PagesThroughMatchesNewestFirst_AndNeverReturnsAnotherCustomersOrder()
    {
        await using (var db = _db.CreateDbContext())
        {
            var (category, supplier) = await TestData.AddCatalogAsync(db);
            var product = TestData.Product(category, supplier, "KET", onHand: 50);
            var grace = TestData.Customer("Grace Hopper", "grace@example.com", "+1 555-0100");
            var alan = TestData.Customer("Alan Turing", "alan@example.org", "+1 555-0199");
            for (var i = 0; i < 25; i++)
            {
                db.Add(Order(TestData.Order(grace, $"SO-G{i:00}", Now.UtcDateTime.AddHours(-i)), product));
                db.Add(Order(TestData.Order(alan, $"SO-A{i:00}", Now.UtcDateTime.AddHours(-i).AddMinutes(-30)), product));
            }
            await db.SaveChangesAsync();
        }

        var first = await _home.FindOrdersAsync("grace", take: 10);
        var second = await _home.FindOrdersAsync("grace", take: 10, skip: 10);
        var last = await _home.FindOrdersAsync("grace", take: 10, skip: 20);

        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"SO-G{i:00}"), first.Concat(second).Concat(last).Select(h => h.Number));
        AssertAll.NonEmpty(first.Concat(second).Concat(last), h => Assert.Equal("grace@example.com", h.CustomerEmail));
        // "0100" is in Grace's phone only, never in Alan's; "555" is in both.
        AssertAll.NonEmpty(await _home.FindOrdersAsync("0100", take: 100), h => Assert.Equal("Grace Hopper", h.CustomerName));
        Assert.Equal(50, (await _home.FindOrdersAsync("555", take: 100)).Count);
    }

    [Fact]
    public async Task FindOrders_WildcardCharacters_AreMatchedLiterally()
    {
        await using (var db = _db.CreateDbContext())
        {
            var (category, supplier) = await TestData.AddCatalogAsync(db);
            db.Add(Order(TestData.Order(TestData.Customer("Grace", "grace@example.com"), "SO-1", Now.UtcDateTime),
                TestData.Product(category, supplier, "K")));
            await db.SaveChangesAsync();
        }

        Assert.Empty(await _home.FindOrdersAsync("%%"));
        Assert.Empty(await _home.FindOrdersAsync("g_ace"));
        Assert.Empty(await _home.FindOrdersAsync("a")); // too short to search
    }

    private static Order Order(Order order, Product product, int backordered = 0)
    {
        order.Lines.Add(new OrderLine { Product = product, Qty = Math.Max(1, backordered), QtyShipped = backordered == 0 ? 1 : 0,
            QtyBackorderedAtPlacement = backordered });
        return order;
    }
}
