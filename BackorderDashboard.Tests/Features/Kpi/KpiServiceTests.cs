using Microsoft.EntityFrameworkCore;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Kpi;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
    private TestServices _services = null!;
    private KpiService _kpi = null!;
    private KpiRollups _rollups = null!;
    private int _kitchen;
    private int _acme;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = Services();
        _rollups = _services.Get<KpiRollups>();
        _kpi = _services.Get<KpiService>();
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
        db.BackorderValueDays.AddRange(
            new BackorderValueDay { Day = new(2026, 11, 3), CategoryId = kitchen.Id, SupplierId = northwind.Id, Lines = 2, Units = 3, ValueCents = 3000 },
            new BackorderValueDay { Day = new(2026, 11, 6), CategoryId = kitchen.Id, SupplierId = northwind.Id, Lines = 3, Units = 5, ValueCents = 5000 },
            new BackorderValueDay { Day = new(2026, 11, 6), CategoryId = tableware.Id, SupplierId = acme.Id, Lines = 1, Units = 1, ValueCents = 1000 });
        await db.SaveChangesAsync();
    }

    private static StockLedgerEntry Ledger(Product p, DateTime at, int onHand, int allocated) => new()
    {
        Product = p, OnHandDelta = onHand, AllocatedDelta = allocated, Reason = onHand > 0 ? StockReason.Receipt : StockReason.Allocation, Reference = "test", At = at,
    };

    /// <summary>The app's services on the test's store, with no report cache: every report is computed from the rollups.</summary>
    private TestServices Services() => TestServices.Create(_db, new FixedTimeProvider(Now), configure: services =>
        services.Replace(ServiceDescriptor.Singleton(sp => new KpiCache(sp.GetRequiredService<TimeProvider>(), TimeSpan.Zero))));

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Categories_ListEveryCategoryByName_ForTheFilter()
    {
        var categories = await _kpi.CategoriesAsync();

        Assert.Equal(["Kitchen", "Tableware"], categories.Select(c => c.Name));
        Assert.Equal(_kitchen, categories[0].Id);
    }

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
    public async Task ProductSeries_ByDay_CountsDemandStockoutsAndBackordersOnTheStoresDays()
    {
        var kettle = await _kpi.GetProductSeriesAsync("KET", Week);
        var mug = await _kpi.GetProductSeriesAsync("MUG", Week);

        Assert.NotNull(kettle);
        Assert.Equal(KpiGrouping.Day, kettle.Grouping);
        Assert.Equal(Enumerable.Range(1, 7).Select(d => new DateOnly(2026, 11, d)), kettle.Points.Select(p => p.Start));
        // O2 2, O3 1, O4 1 (cancelled later: still ordered and backordered), O5 3 kettles; out of stock Nov 2 and Nov 4.
        Assert.Equal([0L, 2, 1, 1, 3, 0, 0], kettle.Points.Select(p => p.Demand));
        Assert.Equal([0L, 2, 1, 1, 3, 0, 0], kettle.Points.Select(p => p.BackorderedUnits));
        Assert.Equal([0L, 1, 0, 1, 0, 0, 0], kettle.Points.Select(p => p.Stockouts));
        // Mugs came from stock: OL (04:30 UTC Nov 2) is a Nov 1 order in New York.
        Assert.NotNull(mug);
        Assert.Equal([1L, 1, 1, 0, 0, 1, 2], mug.Points.Select(p => p.Demand));
        AssertAll.NonEmpty(mug.Points, p => Assert.Equal((0L, 0L), (p.BackorderedUnits, p.Stockouts)));
    }

    [Fact]
    public async Task ProductSeries_AddsUpToTheTopSkuFigures_ByWeekAndChannel()
    {
        var report = await _kpi.GetAsync(Week);
        var weekly = await _kpi.GetProductSeriesAsync("KET", Week with { Group = KpiGrouping.Month });
        var phone = await _kpi.GetProductSeriesAsync("MUG", Week with { Channel = OrderChannel.Phone });

        Assert.NotNull(weekly);
        Assert.Equal(KpiGrouping.Week, weekly.Grouping);
        Assert.Equal([(new DateOnly(2026, 11, 1), 0L, 0L), (new DateOnly(2026, 11, 2), 7L, 2L)], weekly.Points.Select(p => (p.Start, p.BackorderedUnits, p.Stockouts)));
        Assert.Equal(report.TopBackorderedUnits.Single(s => s.Sku == "KET").Value, weekly.BackorderedUnits);
        Assert.Equal(report.TopStockouts.Single(s => s.Sku == "KET").Value, weekly.Stockouts);
        // O6 is the only phone order.
        Assert.Equal([0L, 0, 0, 0, 0, 1, 0], phone!.Points.Select(p => p.Demand));
        Assert.Null(await _kpi.GetProductSeriesAsync("NOPE", Week));
    }

    [Fact]
    public void ProductPeriod_FromTheKpiLink_OrTheLast30StoreDays_AndTheWayBack()
    {
        var today = new DateOnly(2026, 11, 22);
        var figures = new KpiQuery(today.AddDays(-89), today, KpiGrouping.Week, CategoryId: 3, Channel: OrderChannel.Phone);

        var link = KpiQueryText.ProductUrl("KET 1", figures, "90");
        var opened = KpiQueryText.ParseProduct(today, "90", "2026-08-25", "2026-11-22", "week", "3", null, "phone", out var range);
        var bare = KpiQueryText.ParseProduct(today, null, null, null, null, null, null, null, out var bareRange);
        var custom = KpiQueryText.ParseProduct(today, null, "2026-11-01", "2026-11-30", null, null, null, null, out var customRange);

        Assert.Equal("/products/KET%201?range=90&from=2026-08-25&to=2026-11-22&group=week&category=3&channel=phone", link);
        Assert.Equal((figures, "90"), (opened, range));
        Assert.Equal("/kpi?range=90&group=week&category=3&channel=phone", KpiQueryText.Url("/kpi", opened, range));
        Assert.Equal((new KpiQuery(today.AddDays(-29), today, KpiGrouping.Day), "30"), (bare, bareRange));
        // A period reaching past today ends today; thirty days or fewer are drawn by day.
        Assert.Equal((new KpiQuery(new(2026, 11, 1), today, KpiGrouping.Day), "custom"), (custom, customRange));
    }

    [Fact]
    public async Task TopSkuLinks_OpenTheProductWithThePeriodAndFilters()
    {
        var report = await _kpi.GetAsync(Week);

        var row = KpiCharts.Table("top-backordered", report, "custom").Rows.Single();

        Assert.Equal("/products/KET?range=custom&from=2026-11-01&to=2026-11-07&group=day", row.Link);
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
        Assert.Equal(5000, kitchen.Points.Single(p => p.Start == new DateOnly(2026, 11, 6)).BackorderValueCents);
        // Both filters: orders with a kettle from Acme — there are none.
        Assert.Equal(new Ratio(0, 0), (await _kpi.GetAsync(Week with { CategoryId = _kitchen, SupplierId = _acme })).Period.BackorderRate);
        Assert.Empty((await _kpi.GetAsync(Week with { SupplierId = _acme })).TopBackorderedUnits);
        Assert.Equal(["Acme"], (await _kpi.GetAsync(Week with { SupplierId = _acme })).Suppliers.Select(s => s.Supplier));
    }

    [Fact]
    public async Task EmptyPeriod_HasNoFigures_NotZeroPercent_AndNoDivisionByZero()
    {
        var report = await _kpi.GetAsync(new KpiQuery(new(2025, 3, 1), new(2025, 3, 31), KpiGrouping.Week));

        Assert.All(new[] { report.Period.BackorderRate, report.Period.OrderFillRate, report.Period.UnitFillRate, report.Period.LineFillRate,
            report.Period.PerfectOrder, report.Period.CancellationRate, report.Period.OnTimeToPromise }, r => Assert.Null(r.Percent));
        AssertAll.NonEmpty(report.Points, p => Assert.Equal(KpiFigures.Empty, p.Figures));
        Assert.Null(report.AverageWaitDays);
        Assert.Empty(report.TopBackorderedUnits);
        Assert.Empty(report.TopStockouts);
        AssertAll.NonEmpty(report.Suppliers, s => Assert.Null(s.MeanDays));
    }

    [Fact]
    public async Task Rollups_FollowEveryChange_MadeAfterTheyWereBuilt()
    {
        var before = await _kpi.GetAsync(Week);
        Assert.Equal(new Ratio(3, 5), before.Period.OrderFillRate);

        await using (var db = _db.CreateDbContext())
        {
            // O5's three kettles ship in one parcel on Nov 21 (before the Dec 1 promise).
            var o5 = await db.Orders.Include(o => o.Lines).SingleAsync(o => o.Number == "O5");
            o5.Lines[0].QtyShipped = 3;
            db.Shipments.Add(new Shipment { OrderId = o5.Id, ShippedAt = new DateTime(2026, 11, 21, 15, 0, 0, DateTimeKind.Utc),
                Lines = [new ShipmentLine { OrderLineId = o5.Lines[0].Id, Qty = 3 }] });
            // Mugs move to Kitchen; today the last nine available mugs go (a stockout on Nov 22).
            var mug = await db.Products.SingleAsync(p => p.Sku == "MUG");
            mug.CategoryId = _kitchen;
            mug.OnHand -= 9;
            db.StockLedger.Add(Ledger(mug, new DateTime(2026, 11, 22, 15, 0, 0, DateTimeKind.Utc), -9, 0));
            await db.SaveChangesAsync();
        }

        var after = await _kpi.GetAsync(Week);
        Assert.Equal(new Ratio(4, 6), after.Period.OrderFillRate);      // O5 shipped complete in its first parcel
        Assert.Equal(new Ratio(1, 4), after.Period.CancellationRate);   // O2 O3 O4 O5 closed, O4 cancelled
        Assert.Equal(new Ratio(2, 3), after.Period.OnTimeToPromise);    // O2 and O5 on time, O3 late
        Assert.Equal(new Ratio(4, 8), (await _kpi.GetAsync(Week with { CategoryId = _kitchen })).Period.BackorderRate);
        var today = await _kpi.GetAsync(new KpiQuery(new(2026, 11, 22), new(2026, 11, 22)));
        Assert.Equal([("MUG", 1L)], today.TopStockouts.Select(s => (s.Sku, s.Value)));
        // The week's stockouts are counted from the level as it was then, not today's.
        Assert.Equal([("KET", 2L)], after.TopStockouts.Select(s => (s.Sku, s.Value)));
    }

    [Fact]
    public async Task StaleMarks_ComeFromCountedChangesOnly()
    {
        await _rollups.RefreshAsync();
        await using var db = _db.CreateDbContext();
        var o5 = await db.Orders.Include(o => o.Lines).SingleAsync(o => o.Number == "O5");

        // Setting units aside, moving in the queue or a new ETA changes no KPI: nothing to rebuild.
        o5.Lines[0].QtyAllocated = 1;
        o5.Lines[0].Priority = QueuePriority.Vip;
        o5.Lines[0].CurrentEta = new DateOnly(2026, 12, 3);
        await db.SaveChangesAsync();
        Assert.Empty(await db.KpiStaleDays.ToListAsync());

        // A cancelled unit does: the UTC day O5 was placed on (Nov 5, 17:00 UTC).
        o5.Lines[0].QtyCancelled = 1;
        o5.Lines[0].QtyAllocated = 0;
        await db.SaveChangesAsync();
        Assert.Equal([("2026-11-05", KpiSource.Orders)], (await db.KpiStaleDays.ToListAsync()).Select(d => (d.UtcDay, d.Source)));

        // That UTC day is the evening of Nov 4 and most of Nov 5 in New York: both are rebuilt, nothing else.
        var refresh = await _rollups.RefreshAsync();
        Assert.Equal((2, false), (refresh.OrderDays, refresh.Full));
        Assert.Empty(await db.KpiStaleDays.ToListAsync());
        Assert.Equal(new Ratio(1, 1), (await _kpi.GetAsync(new KpiQuery(new(2026, 11, 5), new(2026, 11, 5)))).Period.BackorderRate);
    }

    [Fact]
    public async Task ManyStaleDays_AreRebuiltBatchByBatch_ToTheSameFigures()
    {
        var before = await _kpi.GetAsync(Week);
        await using (var db = _db.CreateDbContext())
        {
            // Every UTC day of a long stretch marked stale at once (as a big receipt or a category change does).
            var start = new DateOnly(2026, 8, 1);
            db.KpiStaleDays.AddRange(Enumerable.Range(0, 3 * KpiRollups.DaysPerBatch + 5)
                .Select(i => new KpiStaleDay { UtcDay = start.AddDays(i).ToString("yyyy-MM-dd"), Source = KpiSource.Orders }));
            await db.SaveChangesAsync();
        }

        var refresh = await _rollups.RefreshAsync();

        Assert.True(refresh.OrderDays >= 3 * KpiRollups.DaysPerBatch + 5, $"{refresh.OrderDays} days rebuilt");
        await using (var db = _db.CreateDbContext())
        {
            Assert.Empty(await db.KpiStaleDays.ToListAsync());
        }
        Assert.Equal(before with { ComputedAt = default }, (await _kpi.GetAsync(Week)) with { ComputedAt = default }, new ReportComparer());
    }

    [Fact]
    public async Task ChangingTheTimeZone_RebuildsEveryDay_InTheNewOne()
    {
        await _rollups.RefreshAsync();
        await using (var db = _db.CreateDbContext())
        {
            (await db.MerchantSettings.SingleAsync()).TimeZoneId = "UTC";
            await db.SaveChangesAsync();
        }
        await using var restarted = Services();
        var rollups = restarted.Get<KpiRollups>();
        var kpi = restarted.Get<KpiService>();

        Assert.True((await rollups.RefreshAsync()).Full);
        var report = await kpi.GetAsync(Week);
        // In UTC, OL (04:30 UTC on Nov 2) is a Nov 2 order like O1 and O2; O0 (03:30 UTC Oct 31) falls before the week still.
        Assert.Equal([0, 3, 1, 1, 1, 1, 1], report.Points.Select(p => (int)p.Figures.BackorderRate.Denominator));
        Assert.False((await rollups.RefreshAsync()).Full);
    }

    [Fact]
    public void StaleUtcDays_CoverTheMerchantDaysTheyOverlap_InRuns()
    {
        var newYork = new MerchantClock(new FixedTimeProvider(Now), MerchantClock.FindZone("America/New_York"));
        // Nov 2 UTC runs from Nov 1 19:00 to Nov 2 18:59 in New York.
        Assert.Equal([new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 2)], KpiRollups.LocalDays(newYork, ["2026-11-02", "not a day"]));
        var tokyo = new MerchantClock(new FixedTimeProvider(Now), MerchantClock.FindZone("Asia/Tokyo"));
        Assert.Equal([new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 3)], KpiRollups.LocalDays(tokyo, ["2026-11-02"]));

        Assert.Equal([(new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 3)), (new DateOnly(2026, 1, 5), new DateOnly(2026, 1, 5))],
            KpiRollups.Ranges([new(2026, 1, 1), new(2026, 1, 2), new(2026, 1, 3), new(2026, 1, 5)]));
        Assert.Empty(KpiRollups.Ranges([]));
    }

    /// <summary>Reports are records of lists: equal when every figure and every list item is.</summary>
    private sealed class ReportComparer : IEqualityComparer<KpiReport>
    {
        public bool Equals(KpiReport? a, KpiReport? b) => a is not null && b is not null
            && a.Period == b.Period && a.PreviousPeriod == b.PreviousPeriod && a.Points.SequenceEqual(b.Points) && a.Aging.SequenceEqual(b.Aging)
            && a.AverageWaitDays == b.AverageWaitDays && a.OpenValueCents == b.OpenValueCents && a.TopBackorderedUnits.SequenceEqual(b.TopBackorderedUnits)
            && a.TopStockouts.SequenceEqual(b.TopStockouts) && a.Suppliers.SequenceEqual(b.Suppliers) && a.LateLines == b.LateLines;

        public int GetHashCode(KpiReport obj) => obj.Period.GetHashCode();
    }
}
