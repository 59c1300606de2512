using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Kpi;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Features.Settings;
using BackorderDashboard.Features.Tracking;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Settings;

/// <summary>
/// Every reader counts days on the store's calendar in New York, across both daylight-saving changes of 2026 (Mar 8
/// spring-forward, Nov 1 fall-back). The store: SO-EVE placed Monday Nov 2 at 10:38 PM (03:38 UTC on Nov 3) waits
/// for a kettle that PO-1 brings on Dec 1, and its mug left at 9 PM on Nov 5 (02:00 UTC on Nov 6); four orders at
/// 11:30 PM on the evenings around the changes; SO-LAPSE's card authorization lapses at 11 PM on Dec 4 (04:00 UTC on
/// Dec 5) and SO-KEEP's at 10 AM on Dec 5, both waiting for a cup due Dec 5.
/// </summary>
public class StoreCalendarTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 17, 0, 0, TimeSpan.Zero);
    private SqliteTestDatabase _db = null!;
    private TestServices _app = null!;
    private readonly Dictionary<string, string> _tokens = [];
    private int _kettle;

    public static TheoryData<string, DateTime, DateOnly> EveningOrders() => new()
    {
        { "SO-EVE", new DateTime(2026, 11, 3, 3, 38, 0, DateTimeKind.Utc), new DateOnly(2026, 11, 2) },
        { "SO-FALL-1", new DateTime(2026, 11, 1, 3, 30, 0, DateTimeKind.Utc), new DateOnly(2026, 10, 31) },
        { "SO-FALL-2", new DateTime(2026, 11, 2, 4, 30, 0, DateTimeKind.Utc), new DateOnly(2026, 11, 1) },
        { "SO-SPRING-1", new DateTime(2026, 3, 8, 4, 30, 0, DateTimeKind.Utc), new DateOnly(2026, 3, 7) },
        { "SO-SPRING-2", new DateTime(2026, 3, 9, 3, 30, 0, DateTimeKind.Utc), new DateOnly(2026, 3, 8) },
    };

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _app = TestServices.Create(_db, new FixedTimeProvider(Now));
        await using var db = _db.CreateDbContext();
        db.MerchantSettings.Add(new MerchantSettings { TimeZoneId = "America/New_York", DefaultHandlingDays = 1 });
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET");
        var mug = TestData.Product(category, supplier, "MUG");
        var cup = TestData.Product(category, supplier, "CUP");
        db.AddRange(kettle, mug, cup);
        var customer = TestData.Customer("Eve Ning", "eve@example.com");
        foreach (var (number, placed, _) in EveningOrders().Select(row => ((string)row[0], (DateTime)row[1], (DateOnly)row[2])))
        {
            var order = TestData.Order(customer, number, placed);
            order.Lines.Add(new OrderLine { Product = kettle, Qty = 1, QueuedAt = placed, QtyBackorderedAtPlacement = 1 });
            db.Orders.Add(order);
            _tokens[number] = order.TrackingToken;
        }
        var eve = await SaveAndGet(db, "SO-EVE");
        var shipped = new OrderLine { Product = mug, Qty = 1, QtyShipped = 1 };
        eve.Lines.Add(shipped);
        foreach (var (number, lapses) in new[] { ("SO-LAPSE", new DateTime(2026, 12, 5, 4, 0, 0, DateTimeKind.Utc)), ("SO-KEEP", new DateTime(2026, 12, 5, 15, 0, 0, DateTimeKind.Utc)) })
        {
            var order = TestData.Order(TestData.Customer($"Customer {number}", $"{number.ToLowerInvariant()}@example.com"), number, new DateTime(2026, 11, 28, 15, 0, 0, DateTimeKind.Utc));
            order.PaymentAuthorizationExpiresAt = lapses;
            order.Lines.Add(new OrderLine { Product = cup, Qty = 1, QueuedAt = order.PlacedAt, QtyBackorderedAtPlacement = 1,
                PromisedShipDate = new DateOnly(2026, 12, 5), CurrentEta = new DateOnly(2026, 12, 5) });
            db.Orders.Add(order);
        }
        db.PurchaseOrders.Add(new PurchaseOrder
        {
            Number = "PO-1", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, OrderedAt = new DateTime(2026, 11, 20, 15, 0, 0, DateTimeKind.Utc),
            ExpectedDate = new DateOnly(2026, 12, 1), CreatedAt = new DateTime(2026, 11, 20, 15, 0, 0, DateTimeKind.Utc),
            Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 10 }],
        });
        await db.SaveChangesAsync();
        db.Shipments.Add(new Shipment
        {
            OrderId = eve.Id, ShippedAt = new DateTime(2026, 11, 6, 2, 0, 0, DateTimeKind.Utc), Carrier = "UPS", TrackingNumber = "1Z999",
            Lines = [new ShipmentLine { OrderLineId = shipped.Id, Qty = 1 }],
        });
        await db.SaveChangesAsync();
        _kettle = kettle.Id;
        // The kettles' dates as the app first gives them: PO-1 lands today (Dec 1) and ships a day later.
        await _app.Get<QueueMaintenance>().RecomputeEtasAsync(db, kettle.Id, "opening", TestActors.Admin, default);
    }

    private static async Task<Order> SaveAndGet(AppDbContext db, string number)
    {
        await db.SaveChangesAsync();
        return await db.Orders.SingleAsync(o => o.Number == number);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(EveningOrders))]
    public async Task EveningOrder_PlacedAndQueuedOnTheStoresDay_OnEveryReader(string number, DateTime placedUtc, DateOnly storeDay)
    {
        var order = (await _app.Get<OrderService>().GetAsync(number))!;
        var tracked = (await _app.Get<TrackingService>().GetAsync(_tokens[number]))!;
        var queued = (await _app.Get<ProductService>().GetQueueAsync("KET"))!.Single(r => r.OrderNumber == number);
        var waiting = (await _app.Get<BackorderService>().GetQueueAsync(new QueueQuery(Product: "KET", PageSize: 100))).Rows.Single(r => r.OrderNumber == number);

        Assert.NotEqual(DateOnly.FromDateTime(placedUtc), storeDay);
        Assert.Equal(storeDay, order.PlacedOn);
        Assert.Equal(storeDay, tracked.PlacedOn);
        Assert.Equal(storeDay, queued.QueuedOn);
        Assert.Equal(new DateOnly(2026, 12, 1).DayNumber - storeDay.DayNumber, waiting.DaysWaiting);
    }

    [Theory]
    [InlineData(2026, 10, 30, new[] { 0, 1, 1, 1, 0 })]
    [InlineData(2026, 3, 6, new[] { 0, 1, 1, 0 })]
    public async Task KpiDailyRollupAndExport_CountEveningOrdersOnTheStoresDay(int year, int month, int day, int[] ordersPerDay)
    {
        var from = new DateOnly(year, month, day);
        var query = new KpiQuery(from, from.AddDays(ordersPerDay.Length - 1), KpiGrouping.Day);

        var report = await _app.Get<KpiService>().GetAsync(query);
        var csv = KpiCharts.Table("backorder-rate", report).ToCsv();

        Assert.Equal(ordersPerDay.Select(n => (long)n), report.Points.Select(p => p.Figures.BackorderRate.Denominator));
        for (var i = 0; i < ordersPerDay.Length; i++)
        {
            Assert.Contains($",{from.AddDays(i):yyyy-MM-dd},{from.AddDays(i):yyyy-MM-dd},{ordersPerDay[i]},", csv);
        }
    }

    [Fact]
    public async Task ParcelLeftInTheEvening_ShippedOnTheStoresDay_InTheAnswerTheUpdateAndTracking()
    {
        var order = (await _app.Get<OrderService>().GetAsync("SO-EVE"))!;
        var tracked = (await _app.Get<TrackingService>().GetAsync(_tokens["SO-EVE"]))!;

        Assert.Contains("Your Product MUG shipped on Nov 5.", order.SuggestedAnswer);
        Assert.Contains("- 1 × Product MUG: shipped on Nov 5", MessageTemplates.StatusUpdate(order.Number, order.ItemStatuses).Body);
        Assert.Equal("shipped on Nov 5", tracked.Lines.Single(l => l.Product == "Product MUG").Status);
        Assert.Equal(new DateOnly(2026, 11, 5), Assert.Single(tracked.Shipments).ShippedOn);
    }

    [Fact]
    public async Task AuthorizationLapsingAt11PmTheDayBeforeTheEta_IsFlaggedOnTheOrderAndInTheQueueFilter_ALapseOnTheEtaDayIsNot()
    {
        var lapse = (await _app.Get<OrderService>().GetAsync("SO-LAPSE"))!;
        var keep = (await _app.Get<OrderService>().GetAsync("SO-KEEP"))!;
        var flagged = await _app.Get<BackorderService>().GetQueueAsync(new QueueQuery(Product: "CUP", AuthorizationExpiresBeforeEta: true));
        var all = await _app.Get<BackorderService>().GetQueueAsync(new QueueQuery(Product: "CUP"));

        Assert.Equal(new DateOnly(2026, 12, 4), lapse.AuthorizationExpiresOn);
        Assert.True(lapse.AuthorizationExpiresBeforeEta);
        Assert.False(keep.AuthorizationExpiresBeforeEta);
        Assert.Equal(["SO-LAPSE"], flagged.Rows.Select(r => r.OrderNumber));
        Assert.Equal([true, false], all.Rows.OrderBy(r => r.OrderNumber == "SO-KEEP").Select(r => r.AuthorizationExpiresBeforeEta));
    }

    [Fact]
    public async Task TimeZoneChange_RedatesPlacedQueuedShippedTodayAndEtas_TheSameOnEveryReader()
    {
        var input = SettingsService.ToInput(await _app.Get<SettingsService>().GetAsync());
        input.TimeZoneId = "Pacific/Kiritimati";
        var before = (await _app.Get<ProductService>().GetQueueAsync("KET"))!.Single(r => r.OrderNumber == "SO-EVE").Eta;

        Assert.Empty(await _app.Get<StoreSettingsService>().SaveAsync(input, TestActors.Admin));

        // 17:00 UTC on Dec 1 is 7 AM on Dec 2 in Kiritimati (UTC+14): PO-1, due Dec 1, is a day overdue there.
        var clock = await _app.Get<SettingsService>().GetClockAsync();
        var order = (await _app.Get<OrderService>().GetAsync("SO-EVE"))!;
        var tracked = (await _app.Get<TrackingService>().GetAsync(_tokens["SO-EVE"]))!;
        var queued = (await _app.Get<ProductService>().GetQueueAsync("KET"))!.Single(r => r.OrderNumber == "SO-EVE");
        var row = (await _app.Get<BackorderService>().GetQueueAsync(new QueueQuery(Product: "KET", PageSize: 100))).Rows.Single(r => r.OrderNumber == "SO-EVE");
        var kpi = await _app.Get<KpiService>().GetAsync(new KpiQuery(new DateOnly(2026, 11, 3), new DateOnly(2026, 11, 4), KpiGrouping.Day));

        Assert.Equal(new DateOnly(2026, 12, 2), before);
        Assert.Equal(new DateOnly(2026, 12, 2), clock.Today);
        Assert.Equal(new DateOnly(2026, 11, 3), order.PlacedOn);
        Assert.Equal(new DateOnly(2026, 11, 3), tracked.PlacedOn);
        Assert.Equal(new DateOnly(2026, 11, 3), queued.QueuedOn);
        Assert.Equal(new DateOnly(2026, 11, 6), Assert.Single(tracked.Shipments).ShippedOn);
        Assert.Contains("Your Product MUG shipped on Nov 6.", order.SuggestedAnswer);
        Assert.Equal(new DateOnly(2026, 12, 3), queued.Eta);
        Assert.Equal(new DateOnly(2026, 12, 3), row.Eta);
        Assert.Equal(new DateOnly(2026, 12, 3), order.Lines.Single(l => l.ProductName == "Product KET").Eta);
        Assert.Equal(new DateOnly(2026, 12, 3), tracked.Lines.Single(l => l.Product == "Product KET").Eta);
        Assert.Equal(29, row.DaysWaiting);
        Assert.Equal([1L, 0L], kpi.Points.Select(p => p.Figures.BackorderRate.Denominator));
    }
}
