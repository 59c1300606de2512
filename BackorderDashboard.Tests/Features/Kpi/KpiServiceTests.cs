using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Kpi;
using BackorderDashboard.Tests.TestSupport;

namespace BackorderDashboard.Tests.Features.Kpi;

/// <summary>
/// A store in New York worked out by hand for the week Nov 1–7 2026 (daylight saving ends Nov 1). Kettles (Kitchen,
/// Northwind, $10) and mugs (Tableware, Acme, $10). Orders, by placement (local day):
///   O1 Nov 2: 1 mug from stock, one parcel Nov 3.                         shipped complete, perfect
///   O2 Nov 2: 2 kettles backordered, promised Nov 10, one parcel Nov 9.    backordered, complete, perfect, on time
///   O3 Nov 3: 1 mug + 1 kettle backordered (promised Nov 8); mug Nov 3, kettle Nov 12 (late).
///   O4 Nov 4: 1 kettle backordered, cancelled.                             closed, not shipped
///   O5 Nov 5: 3 kettles backordered, still waiting.                        open
///   O6 Nov 6 (phone): 1 mug, one parcel Nov 6.                             perfect
///   O7 Nov 7: 2 mugs, 1 shipped Nov 7 and 1 Nov 8.                         split
///   OL Nov 1 23:30 local (Nov 2 04:30 UTC): 1 mug, not shipped yet.        counts on Nov 1, not Nov 2
/// Before the week: O0 Oct 30 23:30 local (Oct 31 03:30 UTC, still summer time): 1 kettle backordered, open.
/// Other open lines: O8 placed Nov 20, 1 kettle waiting. Now is Nov 22, 12:00 local.
/// </summary>
public class KpiServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private static readonly KpiQuery Week = new(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 7), KpiGrouping.Day);
    private SqliteTestDatabase _db = null!;
    private KpiService _kpi = null!;
    private int _kitchen;
    private int _acme;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        var time = new FixedTimeProvider(Now);
        _kpi = new KpiService(_db, new SettingsService(_db, time), new KpiCache(time, TimeSpan.Zero));
        await using var db = _db.CreateDbContext();
        db.MerchantSettings.Add(new MerchantSettings { TimeZoneId = "America/New_York" });
        var (kitchen, northwind) = await TestData.AddCatalogAsync(db);
        var tableware = new Category { Name = "Tableware" };
        var acme = new Supplier { Name = "Acme", DefaultLeadTimeDays = 10 };
        db.AddRange(tableware, acme);
        var kettle = TestData.Product(kitchen, northwind, "KET", onHand: 4, allocated: 4);
        var mug = TestData.Product(tableware, acme, "MUG", onHand: 10, allocated: 1);
        db.AddRange(kettle, mug);
        await db.SaveChangesAsync();
        (_kitchen, _acme) = (kitchen.Id, acme.Id);

        DateTime At(int month, int day, int hour = 12, int minute = 0) => new(2026, month, day, hour, minute, 0, DateTimeKind.Utc);
        Order Place(string number, DateTime at, OrderChannel channel = OrderChannel.Web)
        {
            var order = TestData.Order(TestData.Customer(number, $"{number}@example.com"), number, at);
            order.Channel = channel;
            db.Orders.Add(order);
            return order;
        }
        OrderLine Stock(Order o, Product p, int qty, int shipped = 0) =>
            Add(o, new OrderLine { Product = p, Qty = qty, QtyShipped = shipped, QtyAllocated = qty - shipped });
        OrderLine Waiting(Order o, Product p, int qty, DateOnly promised, int shipped = 0, int cancelled = 0) =>
            Add(o, new OrderLine { Product = p, Qty = qty, QtyShipped = shipped, QtyCancelled = cancelled, QtyBackorderedAtPlacement = qty,
                QueuedAt = o.PlacedAt, PromisedShipDate = promised, CurrentEta = promised });
        OrderLine Add(Order o, OrderLine line)
        {
            line.UnitPriceCents = 1000;
            o.Lines.Add(line);
            return line;
        }
        void Ship(Order o, DateTime at, params (OrderLine Line, int Qty)[] items) => db.Shipments.Add(new Shipment
        {
            Order = o, ShippedAt = at, Lines = items.Select(i => new ShipmentLine { OrderLine = i.Line, Qty = i.Qty }).ToList(),
        });

        var o1 = Place("O1", At(11, 2));
        Ship(o1, At(11, 3), (Stock(o1, mug, 1, shipped: 1), 1));
        var o2 = Place("O2", At(11, 2, 15));
        Ship(o2, At(11, 9), (Waiting(o2, kettle, 2, new(2026, 11, 10), shipped: 2), 2));
        var o3 = Place("O3", At(11, 3));
        var o3Mug = Stock(o3, mug, 1, shipped: 1);
        var o3Kettle = Waiting(o3, kettle, 1, new(2026, 11, 8), shipped: 1);
        Ship(o3, At(11, 3, 18), (o3Mug, 1));
        Ship(o3, At(11, 12), (o3Kettle, 1));
        Waiting(Place("O4", At(11, 4)), kettle, 1, new(2026, 11, 15), cancelled: 1);
        Waiting(Place("O5", At(11, 5)), kettle, 3, new(2026, 12, 1));
        var o6 = Place("O6", At(11, 6), OrderChannel.Phone);
        Ship(o6, At(11, 6, 20), (Stock(o6, mug, 1, shipped: 1), 1));
        var o7 = Place("O7", At(11, 7));
        var o7Mugs = Stock(o7, mug, 2, shipped: 2);
        Ship(o7, At(11, 7, 20), (o7Mugs, 1));
        Ship(o7, At(11, 8), (o7Mugs, 1));
        Stock(Place("OL", At(11, 2, 4, 30)), mug, 1);
        Waiting(Place("O0", At(10, 31, 3, 30)), kettle, 1, new(2026, 11, 20));
        Waiting(Place("O8", At(11, 20)), kettle, 1, new(2026, 12, 5)).CurrentEta = new(2026, 12, 9);

        // Kettle stock: 1 in Nov 1, set aside Nov 2 (out), 2 in Nov 4, set aside at once (out again); after the week, once more.
        db.StockLedger.AddRange(
            Ledger(kettle, At(11, 1), 1, 0), Ledger(kettle, At(11, 2), 0, 1), Ledger(kettle, At(11, 4), 2, 0), Ledger(kettle, At(11, 4, 13), 0, 2),
            Ledger(kettle, At(11, 10), 1, 0), Ledger(kettle, At(11, 10, 13), 0, 1),
            Ledger(mug, At(10, 1), 10, 0), Ledger(mug, At(11, 2), 0, 1));

        // Northwind: ordered Oct 20, due Nov 3, in Nov 4 (15 days, late); ordered Oct 25, due Nov 2, in Nov 1 (7 days, on time).
        db.PurchaseOrders.AddRange(
            new PurchaseOrder { Number = "PO-1", Supplier = northwind, Status = PurchaseOrderStatus.Received, OrderedAt = At(10, 20), ReceivedAt = At(11, 4),
                ExpectedDate = new(2026, 11, 4), OriginalExpectedDate = new(2026, 11, 3) },
            new PurchaseOrder { Number = "PO-2", Supplier = northwind, Status = PurchaseOrderStatus.Received, OrderedAt = At(10, 25), ReceivedAt = At(11, 1),
                ExpectedDate = new(2026, 11, 2) },
            new PurchaseOrder { Number = "PO-3", Supplier = northwind, Status = PurchaseOrderStatus.Received, OrderedAt = At(9, 1), ReceivedAt = At(9, 20),
                ExpectedDate = new(2026, 9, 15) });

        // Money held at the end of Nov 3 and Nov 6 (the recorder's rows); none recorded on the other days.
        db.BackorderSnapshots.AddRange(
            new BackorderSnapshot { Day = new(2026, 11, 3), ProductId = kettle.Id, Lines = 2, Units = 3, ValueCents = 3000 },
            new BackorderSnapshot { Day = new(2026, 11, 6), ProductId = kettle.Id, Lines = 3, Units = 5, ValueCents = 5000 },
            new BackorderSnapshot { Day = new(2026, 11, 6), ProductId = mug.Id, Lines = 1, Units = 1, ValueCents = 1000 });
        await db.SaveChangesAsync();
    }

    private static StockLedgerEntry Ledger(Product p, DateTime at, int onHand, int allocated) => new()
    {
        Product = p, OnHandDelta = onHand, AllocatedDelta = allocated, Reason = onHand > 0 ? StockReason.Receipt : StockReason.Allocation, Reference = "test", At = at,
    };

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task PeriodFigures_MatchTheHandCount()
    {
        var report = await _kpi.GetAsync(Week);
        var f = report.Period;

        Assert.Equal(new Ratio(4, 8), f.BackorderRate);      // O2 O3 O4 O5 of O1–O7 and OL
        Assert.Equal(new Ratio(3, 5), f.OrderFillRate);      // O1 O2 O6 of the shipped O1 O2 O3 O6 O7
        Assert.Equal(new Ratio(6, 8), f.UnitFillRate);       // first parcels 1+2+1+1+1 of 1+2+2+1+2 units
        Assert.Equal(new Ratio(5, 6), f.LineFillRate);       // all shipped lines in one parcel but O7's mugs
        Assert.Equal(new Ratio(3, 6), f.PerfectOrder);       // O1 O2 O6 of the closed O1 O2 O3 O4 O6 O7
        Assert.Equal(new Ratio(1, 3), f.CancellationRate);   // O4 of the closed backordered lines O2 O3 O4
        Assert.Equal(new Ratio(1, 2), f.OnTimeToPromise);    // O2 of the shipped backordered lines O2 O3
        Assert.Equal(50.0, f.BackorderRate.Percent);
        // The week before holds O0 only (placed Oct 30 local, although Oct 31 in UTC).
        Assert.Equal(new Ratio(1, 1), report.PreviousPeriod.BackorderRate);
        // Placed → last parcel for backordered lines: O2 7 days minus 3 hours, O3 9 days.
        Assert.Equal((7 - 3 / 24.0 + 9) / 2, report.AverageWaitDays!.Value, 3);
    }

    [Fact]
    public async Task Days_AreTheMerchantsDays_AcrossTheEndOfSummerTime()
    {
        var report = await _kpi.GetAsync(Week);

        Assert.Equal(7, report.Points.Count);
        Assert.Equal([1, 2, 1, 1, 1, 1, 1], report.Points.Select(p => (int)p.Figures.BackorderRate.Denominator));
        Assert.Equal(new DateOnly(2026, 11, 1), report.Points[0].Start);
        // OL, placed 04:30 UTC on Nov 2, is a Nov 1 order in New York.
        Assert.Equal(new Ratio(0, 1), report.Points[0].Figures.BackorderRate);
    }

    [Fact]
    public async Task Weeks_AreMondayToSunday_CutAtThePeriod_AndSumTheirDays()
    {
        var report = await _kpi.GetAsync(Week with { Group = KpiGrouping.Week });

        // Nov 1 2026 is a Sunday: its own week, then Monday Nov 2 to Saturday Nov 7.
        Assert.Equal([(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 1)), (new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 7))],
            report.Points.Select(p => (p.Start, p.End)));
        Assert.Equal(new Ratio(4, 7), report.Points[1].Figures.BackorderRate);
        Assert.Equal(report.Period, report.Points[0].Figures + report.Points[1].Figures);
        Assert.Equal([(new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 31)), (new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 10))],
            KpiService.Buckets(new KpiQuery(new(2026, 1, 1), new(2026, 2, 10), KpiGrouping.Month)));
    }

    [Fact]
    public async Task BackorderValue_IsEachBucketsLastRecordedDay_AndTodayLive()
    {
        var report = await _kpi.GetAsync(Week);

        Assert.Equal([0, 0, 3000, 3000, 3000, 6000, 6000], report.Points.Select(p => p.BackorderValueCents));
        // Today: O0 1 + O5 3 + O8 1 kettles waiting at $10.
        var today = await _kpi.GetAsync(new KpiQuery(new(2026, 11, 20), new(2026, 11, 22), KpiGrouping.Day));
        Assert.Equal(5000, today.Points[^1].BackorderValueCents);
        Assert.Equal(5000, today.OpenValueCents);
    }

    [Fact]
    public async Task Aging_BucketsOpenLinesByDaysWaiting()
    {
        var report = await _kpi.GetAsync(Week);

        // O8 waits 2 days, O5 17, O0 23.
        Assert.Equal([(1, 1), (0, 0), (2, 4), (0, 0)], report.Aging.Select(a => (a.Lines, a.Units)));
        Assert.Equal(["0–7 days", "8–14 days", "15–30 days", "30+ days"], report.Aging.Select(a => a.Label));
        // O8 now ships Dec 9, after the Dec 5 promised.
        Assert.Equal((3, 1), (report.OpenLines, report.LateLines));
    }

    [Fact]
    public async Task TopSkus_ByBackorderedUnitsAndByStockouts()
    {
        var report = await _kpi.GetAsync(Week);

        Assert.Equal([("KET", 7L)], report.TopBackorderedUnits.Select(s => (s.Sku, s.Value)));
        // Kettles ran out on Nov 2 and Nov 4 in the week (and Nov 10, after it); mugs never did.
        Assert.Equal([("KET", 2L)], report.TopStockouts.Select(s => (s.Sku, s.Value)));
    }

    [Fact]
    public async Task SupplierLeadTime_MeanSpreadAndOnTime_OfReceiptsInThePeriod()
    {
        var report = await _kpi.GetAsync(Week);

        var northwind = report.Suppliers.Single(s => s.Supplier == "Northwind");
        Assert.Equal(2, northwind.Receipts);
        Assert.Equal(11.0, northwind.MeanDays!.Value, 6);
        Assert.Equal(4.0, northwind.StdDevDays!.Value, 6);
        Assert.Equal(50.0, northwind.OnTimePercent);
        var acme = report.Suppliers.Single(s => s.Supplier == "Acme");
        Assert.Equal((0, null, null, null), (acme.Receipts, acme.MeanDays, acme.StdDevDays, acme.OnTimePercent));
    }

    [Fact]
    public async Task Filters_ByChannelCategoryAndSupplier()
    {
        var phone = await _kpi.GetAsync(Week with { Channel = OrderChannel.Phone });
        Assert.Equal((new Ratio(0, 1), new Ratio(1, 1), new Ratio(1, 1)), (phone.Period.BackorderRate, phone.Period.OrderFillRate, phone.Period.PerfectOrder));

        // Orders with a kettle: O2 O3 O4 O5, all backordered.
        var kitchen = await _kpi.GetAsync(Week with { CategoryId = _kitchen });
        Assert.Equal(new Ratio(4, 4), kitchen.Period.BackorderRate);
        Assert.Empty((await _kpi.GetAsync(Week with { SupplierId = _acme })).TopBackorderedUnits);
        Assert.Equal(["Acme"], (await _kpi.GetAsync(Week with { SupplierId = _acme })).Suppliers.Select(s => s.Supplier));
    }

    [Fact]
    public async Task EmptyPeriod_HasNoFigures_NotZeroPercent_AndNoDivisionByZero()
    {
        var report = await _kpi.GetAsync(new KpiQuery(new(2025, 3, 1), new(2025, 3, 31), KpiGrouping.Week));

        Assert.All(new[] { report.Period.BackorderRate, report.Period.OrderFillRate, report.Period.UnitFillRate, report.Period.LineFillRate,
            report.Period.PerfectOrder, report.Period.CancellationRate, report.Period.OnTimeToPromise }, r => Assert.Null(r.Percent));
        Assert.All(report.Points, p => Assert.Equal(KpiFigures.Empty, p.Figures));
        Assert.Null(report.AverageWaitDays);
        Assert.Empty(report.TopBackorderedUnits);
        Assert.Empty(report.TopStockouts);
        Assert.All(report.Suppliers, s => Assert.Null(s.MeanDays));
    }
}
