using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Features.Settings;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Settings;

/// <summary>
/// A change of the store's settings or of a product's backorder settings moves the stored dates in the same save:
/// afterwards the queue page and the order page (which read stored ETAs) say what the product page's live walk of
/// the rule says, and a line pushed past its promise has its delay message. The store: kettles (KET), none in
/// stock, PO-1 brings 4 on Dec 10; Ann waits for 2 and Ben (VIP) for 1, both promised with 1 handling day.
/// </summary>
public class DatesFollowSettingsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 17, 0, 0, TimeSpan.Zero);
    private SqliteTestDatabase _db = null!;
    private TestServices _app = null!;
    private readonly List<string> _orders = [];

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _app = TestServices.Create(_db, new FixedTimeProvider(Now));
        await using (var db = _db.CreateDbContext())
        {
            db.MerchantSettings.Add(new MerchantSettings { TimeZoneId = "America/New_York", DefaultHandlingDays = 1 });
            var (category, supplier) = await TestData.AddCatalogAsync(db);
            var kettle = TestData.Product(category, supplier, "KET");
            db.Add(kettle);
            db.Customers.Add(new Customer { Name = "Ben Vip", Email = "ben@example.com", Tier = CustomerTier.Vip });
            db.PurchaseOrders.Add(new PurchaseOrder
            {
                Number = "PO-1", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, OrderedAt = Now.UtcDateTime.AddDays(-2),
                ExpectedDate = new DateOnly(2026, 12, 10), OriginalExpectedDate = new DateOnly(2026, 12, 10),
                Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 4 }],
            });
            await db.SaveChangesAsync();
        }
        foreach (var (name, email, qty) in new[] { ("Ann Lee", "ann@example.com", 2), ("Ben Vip", "ben@example.com", 1) })
        {
            var placed = await _app.Get<OrderIntakeService>().PlaceAsync(new NewOrderInput
            {
                CustomerName = name, CustomerEmail = email, Lines = [new NewOrderLineInput { Sku = "KET", Qty = qty }],
            }, TestActors.Support);
            Assert.True(placed.Succeeded, string.Join(" ", placed.Errors));
            _orders.Add(placed.OrderNumber!);
        }
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    /// <summary>Each waiting line's date on the product page (the rule walked now), the queue page and the order page.</summary>
    private async Task<IReadOnlyList<(string Order, DateOnly? Rule, DateOnly? Queue, DateOnly? OrderPage, DateOnly? Promised)>> DatesAsync()
    {
        var rule = (await _app.Get<ProductService>().GetQueueAsync("KET"))!;
        var queue = (await _app.Get<BackorderService>().GetQueueAsync(new QueueQuery(Product: "KET"))).Rows;
        var result = new List<(string, DateOnly?, DateOnly?, DateOnly?, DateOnly?)>();
        foreach (var line in rule)
        {
            var order = (await _app.Get<OrderService>().GetAsync(line.OrderNumber))!;
            result.Add((line.OrderNumber, line.Eta, queue.Single(r => r.OrderNumber == line.OrderNumber).Eta,
                order.Lines.Single(l => l.Sku == "KET").Eta, line.PromisedShipDate));
        }
        return result;
    }

    private async Task<int> DelayMessagesAsync()
    {
        await using var db = _db.CreateDbContext();
        return await db.Outbox.CountAsync(m => m.Kind == MessageKind.Delay);
    }

    [Fact]
    public async Task HandlingDaysRaised_EveryPageGivesTheRulesNewDate_AndEachNewlyLateLineIsTold()
    {
        var before = await DatesAsync();
        AssertAll.NonEmpty(before, d => Assert.Equal(new DateOnly(2026, 12, 11), d.Queue));

        var input = SettingsService.ToInput(await _app.Get<StoreSettingsService>().GetAsync());
        input.DefaultHandlingDays = 3;
        Assert.Empty(await _app.Get<StoreSettingsService>().SaveAsync(input, TestActors.Admin));

        var after = await DatesAsync();
        Assert.Equal(2, after.Count);
        AssertAll.NonEmpty(after, d =>
        {
            Assert.Equal(new DateOnly(2026, 12, 13), d.Rule);
            Assert.Equal(d.Rule, d.Queue);
            Assert.Equal(d.Rule, d.OrderPage);
            Assert.Equal(new DateOnly(2026, 12, 11), d.Promised);
        });
        Assert.Equal(2, await DelayMessagesAsync());
    }

    [Fact]
    public async Task VipFirstTurnedOn_VipLineMovesAhead_AndTheQueueReadsItsNewPlace()
    {
        var input = SettingsService.ToInput(await _app.Get<StoreSettingsService>().GetAsync());
        input.VipFirstInQueue = true;
        Assert.Empty(await _app.Get<StoreSettingsService>().SaveAsync(input, TestActors.Admin));

        var queue = (await _app.Get<BackorderService>().GetQueueAsync(new QueueQuery(Product: "KET"))).Rows;
        Assert.Equal(_orders[1], queue.Single(r => r.Position == 1).OrderNumber);
        AssertAll.NonEmpty(await DatesAsync(), d => Assert.Equal(d.Rule, d.Queue));
    }

    [Fact]
    public async Task ProductHandlingDaysChanged_StoredDatesMoveInTheSameSave()
    {
        var products = _app.Get<ProductService>();
        var input = ProductService.ToInput((await products.GetDetailAsync("KET"))!);
        input.HandlingDays = 5;

        Assert.Empty(await products.UpdatePolicyAsync("KET", input, TestActors.Merchant));

        AssertAll.NonEmpty(await DatesAsync(), d =>
        {
            Assert.Equal(new DateOnly(2026, 12, 15), d.Rule);
            Assert.Equal(d.Rule, d.Queue);
            Assert.Equal(d.Rule, d.OrderPage);
        });
        Assert.Equal(2, await DelayMessagesAsync());
    }
}
