using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Shipping;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Shipping;

/// <summary>
/// Today is Sunday Nov 22 2026, noon in New York (the store's zone). A kettle (3 on hand, all set aside) and a mug
/// (4, all set aside). Ready: SO-1 Ann (placed 10 days ago: 2 kettles, 1 mug), SO-2 Bob (3 days ago, ship complete:
/// 1 kettle), SO-3 Cat (Saturday 10 PM in New York, already Sunday in UTC: 3 mugs). Not ready: SO-4 Dan ships complete
/// and still waits for a kettle.
/// </summary>
public class ShippingServiceTests : IAsyncLifetime
{
    private static readonly DateTime Now = TestServices.DefaultNow.UtcDateTime;
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private ShippingService _shipping = null!;
    private readonly Dictionary<string, (int Id, int Version)> _orders = [];

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db);
        _shipping = _services.Get<ShippingService>();

        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET-1", onHand: 3, allocated: 3);
        kettle.Name = "Steel kettle";
        var mug = TestData.Product(category, supplier, "MUG-1", onHand: 4, allocated: 4);
        mug.Name = "Blue mug";
        db.AddRange(kettle, mug);
        Order Order(string number, string name, string email, DateTime placed, ShipPolicy policy, params (Product Product, int Qty, int Allocated)[] lines)
        {
            var order = TestData.Order(TestData.Customer(name, email), number, placed);
            order.ShipPolicy = policy;
            foreach (var (product, qty, allocated) in lines)
            {
                order.Lines.Add(new OrderLine { Product = product, Qty = qty, QtyAllocated = allocated, UnitPriceCents = 1000,
                    QtyBackorderedAtPlacement = qty - allocated, QueuedAt = qty > allocated ? placed : null });
            }
            return order;
        }
        db.AddRange(
            Order("SO-1", "Ann Archer", "ann@shop.test", Now.AddDays(-10), ShipPolicy.ShipAvailable, (kettle, 2, 2), (mug, 1, 1)),
            Order("SO-2", "Bob Baker", "bob@mail.test", Now.AddDays(-3), ShipPolicy.ShipComplete, (kettle, 1, 1)),
            Order("SO-3", "Cat Cole", "cat@shop.test", new DateTime(2026, 11, 22, 3, 0, 0, DateTimeKind.Utc), ShipPolicy.ShipAvailable, (mug, 3, 3)),
            Order("SO-4", "Dan Dale", "dan@mail.test", Now.AddDays(-1), ShipPolicy.ShipComplete, (kettle, 1, 0)));
        await db.SaveChangesAsync();
        foreach (var order in await db.Orders.AsNoTracking().ToListAsync())
        {
            _orders[order.Number] = (order.Id, order.Version);
        }
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<string> ReadyNumbersAsync(ReadyQuery query) =>
        string.Join(",", (await _shipping.GetReadyAsync(query)).Orders.Select(o => o.Number));

    [Theory]
    [InlineData(null, null, null, null, "SO-1,SO-2,SO-3")]
    [InlineData("kettle", null, null, null, "SO-1,SO-2")]
    [InlineData("mug-1", null, null, null, "SO-1,SO-3")]
    [InlineData("100%", null, null, null, "")]
    [InlineData(null, "shop.test", null, null, "SO-1,SO-3")]
    [InlineData(null, "BAKER", null, null, "SO-2")]
    [InlineData(null, null, 1, null, "SO-1,SO-2,SO-3")]
    [InlineData(null, null, 3, null, "SO-1,SO-2")]
    [InlineData(null, null, 4, null, "SO-1")]
    [InlineData(null, null, 11, null, "")]
    [InlineData(null, null, null, ShipPolicy.ShipComplete, "SO-2")]
    [InlineData(null, null, null, ShipPolicy.ShipAvailable, "SO-1,SO-3")]
    [InlineData("KET", "ann", 2, ShipPolicy.ShipAvailable, "SO-1")]
    public async Task GetReady_Filters_ShowOnlyTheMatchingReadyOrdersOldestFirst(string? product, string? customer, int? days, ShipPolicy? policy, string expected)
    {
        Assert.Equal(expected, await ReadyNumbersAsync(new ReadyQuery(product, customer, days, policy)));
    }

    [Fact]
    public async Task GetReady_DaysSincePlaced_CountsStoreDaysNotUtcDays()
    {
        var (orders, total) = await _shipping.GetReadyAsync();

        Assert.Equal(3, total);
        Assert.Equal([10, 3, 1], orders.Select(o => o.DaysSincePlaced));
        Assert.Equal("cat@shop.test", orders[2].CustomerEmail);
    }

    [Fact]
    public async Task ShipMany_TwoOrders_ShipsEachInFullWithTheCarrierAndItsTrackingNumber()
    {
        var result = await _shipping.ShipManyAsync(
            [new BulkShipItem(_orders["SO-1"].Id, _orders["SO-1"].Version, " 1Z-A "), new BulkShipItem(_orders["SO-3"].Id, _orders["SO-3"].Version)],
            "DHL", TestActors.Merchant);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("Shipped 2 orders with DHL.", result.Message);
        Assert.Equal(["SO-1", "SO-3"], result.Shipped);
        await using var db = _db.CreateDbContext();
        var shipments = await db.Shipments.AsNoTracking().OrderBy(s => s.Order.Number).Select(s => new { s.Order.Number, s.Carrier, s.TrackingNumber }).ToListAsync();
        Assert.Equal([("SO-1", "DHL", "1Z-A"), ("SO-3", "DHL", (string?)null)], shipments.Select(s => (s.Number, s.Carrier, s.TrackingNumber)));
        var stock = await db.Products.AsNoTracking().OrderBy(p => p.Sku).Select(p => new { p.OnHand, p.Allocated }).ToListAsync();
        Assert.Equal([(1, 1), (0, 0)], stock.Select(s => (s.OnHand, s.Allocated)));
        Assert.Equal(2, await db.Outbox.CountAsync(m => m.Kind == MessageKind.Shipped));
        Assert.Equal("SO-2", await ReadyNumbersAsync(new ReadyQuery()));
    }

    [Fact]
    public async Task ShipMany_OneOrderChangedMeanwhile_NamesItAndShipsTheOthersLeavingItUntouched()
    {
        await using (var db = _db.CreateDbContext())
        {
            var bob = await db.Orders.SingleAsync(o => o.Number == "SO-2");
            bob.Version++;
            await db.SaveChangesAsync();
        }

        var result = await _shipping.ShipManyAsync(
            [new BulkShipItem(_orders["SO-1"].Id, _orders["SO-1"].Version), new BulkShipItem(_orders["SO-2"].Id, _orders["SO-2"].Version, "1Z-B")],
            "UPS", TestActors.Merchant);

        Assert.False(result.Succeeded);
        Assert.Equal(["SO-1"], result.Shipped);
        Assert.Equal("SO-2", Assert.Single(result.Failed).Number);
        Assert.StartsWith("Shipped 1 order with UPS. Not shipped: SO-2: Someone changed this order", result.Message);
        await using var check = _db.CreateDbContext();
        var bobLine = await check.OrderLines.AsNoTracking().SingleAsync(l => l.Order.Number == "SO-2");
        Assert.Equal((1, 0), (bobLine.QtyAllocated, bobLine.QtyShipped));
        Assert.False(await check.Shipments.AnyAsync(s => s.Order.Number == "SO-2"));
        Assert.False(await check.Outbox.AnyAsync(m => m.Kind == MessageKind.Shipped && m.Order!.Number == "SO-2"));
        // Ann's two kettles left; Bob's one is still set aside for him.
        Assert.Equal(1, (await check.Products.AsNoTracking().SingleAsync(p => p.Sku == "KET-1")).Allocated);
    }

    [Fact]
    public async Task ShipMany_WithoutCarrierOrByTheManager_ShipsNothing()
    {
        BulkShipItem[] items = [new(_orders["SO-1"].Id, _orders["SO-1"].Version)];

        var noCarrier = await _shipping.ShipManyAsync(items, "  ", TestActors.Merchant);
        var manager = await _shipping.ShipManyAsync(items, "UPS", TestActors.Manager);

        Assert.Equal("SO-1: Enter the carrier.", Assert.Single(noCarrier.Failed) is var f ? $"{f.Number}: {f.Reason}" : "");
        Assert.Empty(manager.Shipped);
        Assert.Equal("SO-1", Assert.Single(manager.Failed).Number);
        await using var db = _db.CreateDbContext();
        Assert.False(await db.Shipments.AnyAsync());
    }

    [Fact]
    public async Task PickList_AllReady_GroupsUnitsByProductWithTheOrdersUnderIt()
    {
        var list = await _shipping.GetPickListAsync(new ReadyQuery());

        Assert.Equal((3, 7), (list.Orders, list.Units));
        Assert.Equal(["KET-1", "MUG-1"], list.Products.Select(p => p.Sku));
        var kettle = list.Products[0];
        Assert.Equal(("Steel kettle", 3), (kettle.Name, kettle.Units));
        Assert.Equal([("SO-1", "Ann Archer", 2), ("SO-2", "Bob Baker", 1)], kettle.Orders.Select(o => (o.Number, o.Customer, o.Units)));
        Assert.Equal([("SO-1", 1), ("SO-3", 3)], list.Products[1].Orders.Select(o => (o.Number, o.Units)));
    }

    [Fact]
    public async Task PickList_SelectedOrdersOrFilters_CoversOnlyThoseReadyOrders()
    {
        // SO-4 is named but not ready: nothing of it is set aside to pick.
        var selected = await _shipping.GetPickListAsync(new ReadyQuery(Numbers: ["SO-1", "SO-4"]));
        var bob = await _shipping.GetPickListAsync(new ReadyQuery(Customer: "bob"));

        Assert.Equal([("KET-1", 2), ("MUG-1", 1)], selected.Products.Select(p => (p.Sku, p.Units)));
        Assert.Equal(1, selected.Orders);
        Assert.Equal(("KET-1", "SO-2"), (Assert.Single(bob.Products).Sku, Assert.Single(bob.Products[0].Orders).Number));
    }

    [Fact]
    public void ReadyQueryText_Url_ParsesBackToTheSameFilters()
    {
        var query = new ReadyQuery("a&b kettle", "ann@shop.test", 3, ShipPolicy.ShipComplete);

        var url = ReadyQueryText.Url("/shipping", query);
        var parsed = ReadyQueryText.Parse(Param(url, "product"), Param(url, "customer"), Param(url, "days"), Param(url, "policy"));

        Assert.Equal("/shipping?product=a%26b%20kettle&customer=ann%40shop.test&days=3&policy=complete", url);
        Assert.Equal(query, parsed);
        Assert.Equal(new ReadyQuery(), ReadyQueryText.Parse(" ", null, "-2", "sometimes"));
        Assert.Equal("/shipping", ReadyQueryText.Url("/shipping", new ReadyQuery()));
    }

    private static string? Param(string url, string name) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + url).Query).TryGetValue(name, out var v) ? v.ToString() : null;
}
