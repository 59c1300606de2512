using BackorderDashboard.Data;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Features.Tracking;
using BackorderDashboard.Tests.TestSupport;

namespace BackorderDashboard.Tests.Features.Settings;

/// <summary>
/// Days shown to people are the store's calendar days: an order placed on Monday Nov 2, 2026 at 10:38 PM in New York
/// (03:38 UTC on Nov 3, the day after daylight saving time ended) was ordered and queued on Nov 2, on the customer's
/// tracking page and in the product's queue alike, and its parcel shipped at 9 PM on Nov 5 left that day.
/// </summary>
public class StoreDaysTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 17, 0, 0, TimeSpan.Zero);
    private static readonly DateTime EveningOrder = new(2026, 11, 3, 3, 38, 0, DateTimeKind.Utc);
    private SqliteTestDatabase _db = null!;
    private TestServices _app = null!;
    private string _token = "";

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _app = TestServices.Create(_db, new FixedTimeProvider(Now));
        await using var db = _db.CreateDbContext();
        db.MerchantSettings.Add(new MerchantSettings { TimeZoneId = "America/New_York", DefaultHandlingDays = 1 });
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET");
        var mug = TestData.Product(category, supplier, "MUG");
        db.AddRange(kettle, mug);
        var order = TestData.Order(TestData.Customer("Eve Ning", "eve@example.com"), "SO-EVE", EveningOrder);
        order.Lines.Add(new OrderLine { Product = kettle, Qty = 1, QueuedAt = EveningOrder, QtyBackorderedAtPlacement = 1 });
        var shipped = new OrderLine { Product = mug, Qty = 1, QtyShipped = 1 };
        order.Lines.Add(shipped);
        db.Orders.Add(order);
        await db.SaveChangesAsync();
        db.Shipments.Add(new Shipment
        {
            OrderId = order.Id, ShippedAt = new DateTime(2026, 11, 6, 2, 0, 0, DateTimeKind.Utc), Carrier = "UPS", TrackingNumber = "1Z999",
            Lines = [new ShipmentLine { OrderLineId = shipped.Id, Qty = 1 }],
        });
        await db.SaveChangesAsync();
        _token = order.TrackingToken;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task EveningOrderInNewYork_IsOrderedAndQueuedOnItsLocalDay_AndItsParcelOnTheDayItLeft()
    {
        var tracked = (await _app.Get<TrackingService>().GetAsync(_token))!;
        var queue = (await _app.Get<ProductService>().GetQueueAsync("KET"))!;

        Assert.Equal(new DateOnly(2026, 11, 2), tracked.PlacedOn);
        Assert.Equal(new DateOnly(2026, 11, 2), Assert.Single(queue).QueuedOn);
        Assert.Equal(new DateOnly(2026, 11, 5), Assert.Single(tracked.Shipments).ShippedOn);
    }
}
