using System.Data.Common;
using System.Globalization;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Products;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Kpi;

public enum KpiGrouping
{
    Day,
    Week,
    Month,
}

/// <summary>A period by merchant days (both ends included), how to group it, and which orders count.</summary>
public sealed record KpiQuery(DateOnly From, DateOnly To, KpiGrouping Group = KpiGrouping.Week, int? CategoryId = null, int? SupplierId = null,
    OrderChannel? Channel = null)
{
    public int Days => To.DayNumber - From.DayNumber + 1;

    /// <summary>The period of the same length just before this one.</summary>
    public KpiQuery Previous => this with { From = From.AddDays(-Days), To = From.AddDays(-1) };

    /// <summary>
    /// The query as a log or a message writes it. Written out, because the record's own text would print
    /// <see cref="Previous"/>, whose text prints its own previous period, and so on until the stack runs out.
    /// </summary>
    public override string ToString() =>
        $"{From:yyyy-MM-dd} – {To:yyyy-MM-dd} by {Group.ToString().ToLowerInvariant()}"
        + (CategoryId is { } category ? $", category {category}" : "")
        + (SupplierId is { } supplier ? $", supplier {supplier}" : "")
        + (Channel is { } channel ? $", channel {channel.ToString().ToLowerInvariant()}" : "");
}

/// <summary>A share as counted: the figure is null when there is nothing to divide by (an empty period says "–", not 0%).</summary>
public readonly record struct Ratio(long Numerator, long Denominator)
{
    public double? Percent => Denominator == 0 ? null : 100.0 * Numerator / Denominator;

    public static Ratio operator +(Ratio a, Ratio b) => new(a.Numerator + b.Numerator, a.Denominator + b.Denominator);
}

/// <summary>The period figures that are shares of orders or lines placed in it (DESIGN.md, "KPIs").</summary>
public sealed record KpiFigures(
    Ratio BackorderRate, Ratio OrderFillRate, Ratio LineFillRate, Ratio UnitFillRate, Ratio PerfectOrder,
    Ratio CancellationRate, Ratio OnTimeToPromise)
{
    public static readonly KpiFigures Empty = new(default, default, default, default, default, default, default);

    public static KpiFigures operator +(KpiFigures a, KpiFigures b) => new(
        a.BackorderRate + b.BackorderRate, a.OrderFillRate + b.OrderFillRate, a.LineFillRate + b.LineFillRate, a.UnitFillRate + b.UnitFillRate,
        a.PerfectOrder + b.PerfectOrder, a.CancellationRate + b.CancellationRate, a.OnTimeToPromise + b.OnTimeToPromise);
}

/// <summary>One point of the time charts: a day, week or month of the period.</summary>
public sealed record KpiPoint(DateOnly Start, DateOnly End, KpiFigures Figures, long BackorderValueCents);

public sealed record AgingBucket(string Label, int MinDays, int? MaxDays, int Lines, long Units);

public sealed record SkuFigure(int ProductId, string Sku, string Name, long Value);

public sealed record SupplierLeadTime(int SupplierId, string Supplier, int Receipts, double? MeanDays, double? StdDevDays, double? OnTimePercent);

public sealed record KpiReport(
    KpiQuery Query, KpiFigures Period, KpiFigures PreviousPeriod, IReadOnlyList<KpiPoint> Points,
    IReadOnlyList<AgingBucket> Aging, double? AverageWaitDays, long OpenValueCents,
    IReadOnlyList<SkuFigure> TopBackorderedUnits, IReadOnlyList<SkuFigure> TopStockouts, IReadOnlyList<SupplierLeadTime> Suppliers,
    DateTime ComputedAt = default, int LateLines = 0)
{
    public int OpenLines => Aging.Sum(a => a.Lines);
}

/// <summary>One point of a product's chart: a day or week of the period.</summary>
public sealed record ProductKpiPoint(DateOnly Start, DateOnly End, long Demand, long Stockouts, long BackorderedUnits);

/// <summary>
/// One product's demand (units ordered), stockouts (times available stock fell to zero) and backorders (units that
/// went on backorder at placement) over a period, per day or week: the same rollups and rules as the KPI page's top
/// SKUs, so a product's points add up to its figure there.
/// </summary>
public sealed record ProductKpiSeries(int ProductId, string Sku, string Name, KpiQuery Query, KpiGrouping Grouping, IReadOnlyList<ProductKpiPoint> Points)
{
    public long Demand => Points.Sum(p => p.Demand);
    public long Stockouts => Points.Sum(p => p.Stockouts);
    public long BackorderedUnits => Points.Sum(p => p.BackorderedUnits);
}

/// <summary>
/// Recently computed reports, so moving between the KPI page, the home page and an export does not run every
/// aggregate again: a report is reused for <see cref="DefaultLifetime"/> (the page says how old its figures are).
/// At most <see cref="MaxEntries"/> reports are kept (the oldest go first), so addresses naming ever new periods
/// cannot grow it; only periods within <see cref="KpiLimits"/> are computed, so only those are ever kept.
/// </summary>
public sealed class KpiCache(TimeProvider time, TimeSpan lifetime)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(1);

    public const int MaxEntries = 64;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(KpiQuery, DateOnly), KpiReport> _reports = new();
    private readonly Lock _trim = new();

    public KpiCache(TimeProvider time) : this(time, DefaultLifetime)
    {
    }

    /// <summary>How many reports are kept now.</summary>
    public int Count => _reports.Count;

    public KpiReport? Get(KpiQuery query, DateOnly today) =>
        _reports.TryGetValue((query, today), out var report) && time.GetUtcNow().UtcDateTime - report.ComputedAt < lifetime ? report : null;

    public void Put(KpiQuery query, DateOnly today, KpiReport report)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }
        _reports[(query, today)] = report;
        if (_reports.Count <= MaxEntries)
        {
            return;
        }
        lock (_trim)
        {
            var now = time.GetUtcNow().UtcDateTime;
            foreach (var (key, _) in _reports.Where(r => now - r.Value.ComputedAt >= lifetime).ToList())
            {
                _reports.TryRemove(key, out _);
            }
            foreach (var (key, _) in _reports.OrderBy(r => r.Value.ComputedAt).Take(Math.Max(0, _reports.Count - MaxEntries)).ToList())
            {
                _reports.TryRemove(key, out _);
            }
        }
    }
}

/// <summary>
/// Every KPI of the KPI page, read from the daily rollups (<see cref="KpiRollups"/>: counts per merchant day that
/// the database keeps marked stale on every change, and that are rebuilt before reading when they are) and from a
/// few aggregates over the open queues, then summed into weeks or months: every figure is a sum of counts, so a week's
/// share is its days' numerators over their denominators. The definitions are DESIGN.md's; each figure's tooltip on
/// the page says the same in words.
/// </summary>
public sealed class KpiService(IDbContextFactory<AppDbContext> dbFactory, SettingsService settings, KpiCache cache, KpiRollups rollups)
{
    /// <summary>The categories the report can be narrowed to, by name.</summary>
    public async Task<IReadOnlyList<NamedItem>> CategoriesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.CategoryNamesAsync(ct);
    }

    /// <summary>The report of a period within <see cref="KpiLimits"/>; any other period is refused at once (<see cref="ArgumentOutOfRangeException"/>).</summary>
    public async Task<KpiReport> GetAsync(KpiQuery query, CancellationToken ct = default)
    {
        var today = (await settings.GetClockAsync(ct)).Today;
        Refuse(query, today);
        if (cache.Get(query, today) is { } cached)
        {
            return cached;
        }
        await rollups.RefreshAsync(ct);
        var report = await ComputeAsync(query, ct);
        cache.Put(query, today, report);
        return report;
    }

    private async Task<KpiReport> ComputeAsync(KpiQuery query, CancellationToken ct)
    {
        var clock = await settings.GetClockAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();

        // The period and the one before it in one read; the one before is only compared by its backorder rate.
        var days = await DailyFiguresAsync(connection, query.Previous.From, query.To, query, ct);
        var period = Sum(days.Where(d => d.Key >= query.From).Select(d => d.Value));
        var before = KpiFigures.Empty with { BackorderRate = Sum(days.Where(d => d.Key < query.From).Select(d => d.Value)).BackorderRate };
        var (aging, openValue, late) = await AgingAsync(connection, clock, query, ct);
        var values = await DailyValuesAsync(connection, clock, query, query.Channel is null ? openValue : null, ct);
        var points = Buckets(query).Select(b => new KpiPoint(b.Start, b.End,
                Sum(days.Where(d => d.Key >= b.Start && d.Key <= b.End).Select(d => d.Value)),
                // The figure of the bucket's last day; a day the app did not record takes the day before (up to three).
                values.Where(v => v.Key <= b.End && v.Key >= b.End.AddDays(-3)).OrderByDescending(v => v.Key).Select(v => v.Value).FirstOrDefault()))
            .ToList();
        var (topBackordered, averageWait) = await ProductFiguresAsync(connection, query, ct);

        return new KpiReport(query, period, before, points, aging, averageWait, openValue,
            topBackordered, await TopStockoutsAsync(connection, query, ct),
            await SuppliersAsync(connection, clock, query, ct), clock.UtcNow, late);
    }

    /// <summary>
    /// The product's figures over the query's period (its channel counts; category and supplier do not narrow one
    /// product), per day, or per week when the query groups by week or month. Null when there is no such product.
    /// </summary>
    public async Task<ProductKpiSeries?> GetProductSeriesAsync(string sku, KpiQuery query, CancellationToken ct = default)
    {
        var clock = await settings.GetClockAsync(ct);
        Refuse(query, clock.Today);
        await rollups.RefreshAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var product = await db.Products.AsNoTracking().Where(p => p.Sku == sku).Select(p => new { p.Id, p.Sku, p.Name }).SingleOrDefaultAsync(ct);
        if (product is null)
        {
            return null;
        }
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        var (fromUtc, toUtc) = (clock.StartOfDayUtc(query.From), clock.StartOfDayUtc(query.To.AddDays(1)));
        // Per day, from the rollups the top-SKU figures read, and demand as replenishment counts it.
        var sql = $"""
            SELECT Day, SUM(Demand) AS Demand, SUM(Stockouts) AS Stockouts, SUM(Backordered) AS Backordered FROM (
                SELECT d.Day, 0 AS Demand, 0 AS Stockouts, d.BackorderedUnits AS Backordered
                FROM KpiProductDays d
                WHERE d.ProductId = $product AND d.Day >= $fromDay AND d.Day <= $toDay AND ($channel IS NULL OR d.Channel = $channel)
                UNION ALL
                SELECT s.Day, 0, s.Stockouts, 0 FROM KpiStockoutDays s WHERE s.ProductId = $product AND s.Day >= $fromDay AND s.Day <= $toDay
                UNION ALL
                SELECT u.Day, u.Units, 0, 0 FROM ({UnitsOrdered.PerDaySql(clock, fromUtc, toUtc, "AND l.ProductId = $product AND ($channel IS NULL OR o.Channel = $channel)")}) u
            )
            GROUP BY Day
            """;
        var days = (await Command(connection, sql, query, ("$product", product.Id), ("$fromDay", BulkWrites.Day(query.From)),
                ("$toDay", BulkWrites.Day(query.To)), ("$from", BulkWrites.Stamp(fromUtc)), ("$to", BulkWrites.Stamp(toUtc)))
            .ListAsync<ProductDayRow>(ct)).ToDictionary(d => d.Day);
        var grouping = query.Group == KpiGrouping.Day ? KpiGrouping.Day : KpiGrouping.Week;
        var points = Buckets(query with { Group = grouping }).Select(b =>
        {
            var inside = days.Values.Where(d => d.Day >= b.Start && d.Day <= b.End).ToList();
            return new ProductKpiPoint(b.Start, b.End, inside.Sum(d => d.Demand), inside.Sum(d => d.Stockouts), inside.Sum(d => d.Backordered));
        }).ToList();
        return new ProductKpiSeries(product.Id, product.Sku, product.Name, query, grouping, points);
    }

    private static void Refuse(KpiQuery query, DateOnly today)
    {
        if (KpiLimits.Problem(query, today) is { } problem)
        {
            throw new ArgumentOutOfRangeException(nameof(query), problem);
        }
    }

    private sealed record ProductDayRow(DateOnly Day, long Demand, long Stockouts, long Backordered);

    /// <summary>The days, weeks (Monday to Sunday) or calendar months covering the period, cut at its ends.</summary>
    public static IReadOnlyList<(DateOnly Start, DateOnly End)> Buckets(KpiQuery query)
    {
        var buckets = new List<(DateOnly, DateOnly)>();
        var start = query.From;
        while (start <= query.To)
        {
            var end = query.Group switch
            {
                KpiGrouping.Day => start,
                KpiGrouping.Week => start.AddDays(6 - ((int)start.DayOfWeek + 6) % 7),
                _ => new DateOnly(start.Year, start.Month, 1).AddMonths(1).AddDays(-1),
            };
            end = end > query.To ? query.To : end;
            buckets.Add((start, end));
            start = end.AddDays(1);
        }
        return buckets;
    }

    private static KpiFigures Sum(IEnumerable<KpiFigures> figures) => figures.Aggregate(KpiFigures.Empty, (a, b) => a + b);

    /// <summary>The order and line counts of the orders placed on each day of the range (rollups), through the chosen channel and of the chosen category and supplier.</summary>
    private static async Task<Dictionary<DateOnly, KpiFigures>> DailyFiguresAsync(DbConnection connection, DateOnly from, DateOnly to, KpiQuery filter,
        CancellationToken ct)
    {
        // One key range per day (the rows of a day are stored together, per category and supplier).
        const string sql = """
            WITH RECURSIVE days(Day) AS (SELECT $from UNION ALL SELECT date(Day, '+1 day') FROM days WHERE Day < $to)
            SELECT Day, SUM(Orders) AS Orders, SUM(BackorderedOrders) AS BackorderedOrders, SUM(ShippedOrders) AS ShippedOrders,
                   SUM(FirstShipmentComplete) AS FirstShipmentComplete, SUM(FirstShipmentUnits) AS FirstShipmentUnits,
                   SUM(ShippedOrderUnits) AS ShippedOrderUnits, SUM(ClosedOrders) AS ClosedOrders, SUM(PerfectOrders) AS PerfectOrders,
                   SUM(ShippedLines) AS ShippedLines, SUM(FirstShipmentCompleteLines) AS FirstShipmentCompleteLines,
                   SUM(BackorderedClosed) AS BackorderedClosed, SUM(BackorderedCancelled) AS BackorderedCancelled,
                   SUM(BackorderedShipped) AS BackorderedShipped, SUM(BackorderedOnTime) AS BackorderedOnTime
            FROM KpiDays
            WHERE CategoryId = COALESCE($category, 0) AND SupplierId = COALESCE($supplier, 0) AND Day IN days
                  AND ($channel IS NULL OR Channel = $channel)
            GROUP BY Day
            """;
        var days = await Command(connection, sql, filter, ("$from", BulkWrites.Day(from)), ("$to", BulkWrites.Day(to))).ListAsync<DayCounts>(ct);
        return days.ToDictionary(d => d.Day, d => new KpiFigures(
            BackorderRate: new(d.BackorderedOrders, d.Orders),
            OrderFillRate: new(d.FirstShipmentComplete, d.ShippedOrders),
            LineFillRate: new(d.FirstShipmentCompleteLines, d.ShippedLines),
            UnitFillRate: new(d.FirstShipmentUnits, d.ShippedOrderUnits),
            PerfectOrder: new(d.PerfectOrders, d.ClosedOrders),
            CancellationRate: new(d.BackorderedCancelled, d.BackorderedClosed),
            OnTimeToPromise: new(d.BackorderedOnTime, d.BackorderedShipped)));
    }

    private sealed record DayCounts(DateOnly Day, long Orders, long BackorderedOrders, long ShippedOrders, long FirstShipmentComplete,
        long FirstShipmentUnits, long ShippedOrderUnits, long ClosedOrders, long PerfectOrders, long ShippedLines, long FirstShipmentCompleteLines,
        long BackorderedClosed, long BackorderedCancelled, long BackorderedShipped, long BackorderedOnTime);

    /// <summary>Money held in backorders at the end of each day of the period (recorded per day), today from the queues as they are.</summary>
    private static async Task<Dictionary<DateOnly, long>> DailyValuesAsync(DbConnection connection, MerchantClock clock, KpiQuery filter, long? openValueNow,
        CancellationToken ct)
    {
        const string sql = """
            SELECT Day, SUM(ValueCents) AS ValueCents FROM BackorderValueDays
            WHERE Day >= $fromDay AND Day <= $toDay AND Day < $today
                  AND ($category IS NULL OR CategoryId = $category) AND ($supplier IS NULL OR SupplierId = $supplier)
            GROUP BY Day
            """;
        var result = (await Command(connection, sql, filter, ("$fromDay", BulkWrites.Day(filter.From.AddDays(-31))), ("$toDay", BulkWrites.Day(filter.To)),
                ("$today", BulkWrites.Day(clock.Today))).ListAsync<DayValue>(ct))
            .ToDictionary(d => d.Day, d => d.ValueCents);
        if (clock.Today >= filter.From && clock.Today <= filter.To)
        {
            result[clock.Today] = openValueNow ?? (await AgingAsync(connection, clock, filter with { Channel = null }, ct)).OpenValueCents;
        }
        return result;
    }

    private sealed record DayValue(DateOnly Day, long ValueCents);

    /// <summary>
    /// Open backordered lines by days waiting (today − the merchant day they were queued), their value, and how many
    /// are past their promise: one scan of the queue index, each bucket a comparison with the UTC start of its oldest day.
    /// </summary>
    private static async Task<(IReadOnlyList<AgingBucket> Buckets, long OpenValueCents, int LateLines)> AgingAsync(DbConnection connection, MerchantClock clock,
        KpiQuery filter, CancellationToken ct)
    {
        var bucketSums = string.Concat(QueueAges.All.Select((_, i) =>
            $", SUM({QueueAges.InsideSql(i, "l")}) AS Lines{i}, SUM(CASE WHEN {QueueAges.InsideSql(i, "l")} THEN l.QtyUnfilled END) AS Units{i}"));
        var sql = $"""
            SELECT COALESCE(SUM(l.QtyUnfilled * l.UnitPriceCents), 0) AS OpenValueCents, COALESCE(SUM(l.CurrentEta > l.PromisedShipDate), 0) AS LateLines
                   {bucketSums}
            FROM OrderLines l {(filter.CategoryId is null && filter.SupplierId is null ? "" : "JOIN Products p ON p.Id = l.ProductId")}
                 {(filter.Channel is null ? "" : "JOIN Orders o ON o.Id = l.OrderId")}
            WHERE l.QtyUnfilled > 0 {ProductFilter("p", filter)} {(filter.Channel is null ? "" : "AND o.Channel = $channel")}
            """;
        var row = await Command(connection, sql, filter, QueueAges.SqlBounds(clock)).RowAsync(ct);
        long N(string column) => row[column] is { } value ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : 0;
        var buckets = QueueAges.All.Select((b, i) => new AgingBucket(b.Label, b.MinDays, b.MaxDays, checked((int)N($"Lines{i}")), N($"Units{i}"))).ToList();
        return (buckets, N("OpenValueCents"), (int)N("LateLines"));
    }

    /// <summary>
    /// From the per-product rollup of the period: the ten products with the most units backordered at placement, and
    /// the average days from placement to the last parcel of backordered lines shipped in full.
    /// </summary>
    private static async Task<(IReadOnlyList<SkuFigure> Top, double? AverageWaitDays)> ProductFiguresAsync(DbConnection connection, KpiQuery filter,
        CancellationToken ct)
    {
        var sql = $"""
            WITH perproduct AS MATERIALIZED (
                SELECT d.ProductId, SUM(d.BackorderedUnits) AS Units, SUM(d.WaitLines) AS WaitLines, TOTAL(d.WaitDays) AS WaitDays
                FROM KpiProductDays d {(filter.CategoryId is null && filter.SupplierId is null ? "" : "JOIN Products p ON p.Id = d.ProductId")}
                WHERE d.Day >= $from AND d.Day <= $to AND ($channel IS NULL OR d.Channel = $channel) {ProductFilter("p", filter)}
                GROUP BY d.ProductId
            ),
            -- every product tied with the tenth, so the SKU decides among them
            top AS (SELECT ProductId, Units FROM perproduct
                    WHERE Units > 0 AND Units >= COALESCE((SELECT Units FROM perproduct ORDER BY Units DESC LIMIT 1 OFFSET 9), 0))
            SELECT p.Id AS ProductId, p.Sku, p.Name, t.Units, NULL AS WaitDays FROM top t JOIN Products p ON p.Id = t.ProductId
            UNION ALL
            SELECT NULL, NULL, NULL, SUM(WaitLines), TOTAL(WaitDays) FROM perproduct
            """;
        var rows = await Command(connection, sql, filter, ("$from", BulkWrites.Day(filter.From)), ("$to", BulkWrites.Day(filter.To)))
            .ListAsync<ProductFigureRow>(ct);
        var top = rows.Where(r => r.ProductId is not null).Select(r => new SkuFigure(r.ProductId!.Value, r.Sku!, r.Name!, r.Units ?? 0)).ToList();
        // The row without a product carries the waits: lines shipped in full, and their days in total.
        var waits = rows.Single(r => r.ProductId is null);
        double? wait = waits.Units is null or 0 ? null : (waits.WaitDays ?? 0) / waits.Units.Value;
        // Ties broken by SKU, like every list of products.
        return (top.OrderByDescending(t => t.Value).ThenBy(t => t.Sku, StringComparer.Ordinal).Take(10).ToList(), wait);
    }

    private sealed record ProductFigureRow(int? ProductId, string? Sku, string? Name, long? Units, double? WaitDays);

    /// <summary>How often each product's available stock (on hand − allocated) fell to zero or below during the period (rollup of the stock ledger).</summary>
    private static async Task<IReadOnlyList<SkuFigure>> TopStockoutsAsync(DbConnection connection, KpiQuery filter, CancellationToken ct)
    {
        var sql = $"""
            WITH perproduct AS MATERIALIZED (
                SELECT d.ProductId, SUM(d.Stockouts) AS Stockouts
                FROM KpiStockoutDays d {(filter.CategoryId is null && filter.SupplierId is null ? "" : "JOIN Products p ON p.Id = d.ProductId")}
                WHERE d.Day >= $from AND d.Day <= $to {ProductFilter("p", filter)}
                GROUP BY d.ProductId
            )
            SELECT p.Id AS ProductId, p.Sku, p.Name, t.Stockouts AS Value
            FROM perproduct t JOIN Products p ON p.Id = t.ProductId
            -- every product tied with the tenth, so the SKU decides among them
            WHERE t.Stockouts >= COALESCE((SELECT Stockouts FROM perproduct ORDER BY Stockouts DESC LIMIT 1 OFFSET 9), 0)
            ORDER BY t.Stockouts DESC, p.Sku LIMIT 10
            """;
        return await Command(connection, sql, filter, ("$from", BulkWrites.Day(filter.From)), ("$to", BulkWrites.Day(filter.To))).ListAsync<SkuFigure>(ct);
    }

    /// <summary>Per supplier, purchase orders received in the period: mean and spread of (received − ordered) in days, and the share by the first promised date.</summary>
    private static async Task<IReadOnlyList<SupplierLeadTime>> SuppliersAsync(DbConnection connection, MerchantClock clock, KpiQuery filter, CancellationToken ct)
    {
        var (fromUtc, toUtc) = (clock.StartOfDayUtc(filter.From), clock.StartOfDayUtc(filter.To.AddDays(1)));
        var receivedDay = clock.LocalDaySql("po.ReceivedAt", fromUtc, toUtc);
        var sql = $"""
            SELECT s.Id AS SupplierId, s.Name AS Supplier, COUNT(po.Id) AS Receipts,
                   AVG(julianday(po.ReceivedAt) - julianday(po.OrderedAt)) AS MeanDays,
                   AVG((julianday(po.ReceivedAt) - julianday(po.OrderedAt)) * (julianday(po.ReceivedAt) - julianday(po.OrderedAt))) AS MeanSquareDays,
                   SUM({receivedDay} <= COALESCE(po.OriginalExpectedDate, po.ExpectedDate)) AS OnTime
            FROM Suppliers s
            LEFT JOIN PurchaseOrders po ON po.SupplierId = s.Id AND po.Status = {(int)PurchaseOrderStatus.Received}
                 AND po.OrderedAt IS NOT NULL AND po.ReceivedAt >= $from AND po.ReceivedAt < $to
            WHERE ($supplier IS NULL OR s.Id = $supplier)
            GROUP BY s.Id ORDER BY s.Name
            """;
        var rows = await Command(connection, sql, filter, ("$from", BulkWrites.Stamp(fromUtc)), ("$to", BulkWrites.Stamp(toUtc)))
            .ListAsync<SupplierRow>(ct);
        return rows.Select(r =>
        {
            double? mean = r.Receipts == 0 ? null : r.MeanDays;
            double? sd = r.Receipts == 0 ? null : Math.Sqrt(Math.Max(0, (r.MeanSquareDays ?? 0) - mean!.Value * mean.Value));
            double? onTime = r.Receipts == 0 ? null : 100.0 * (r.OnTime ?? 0) / r.Receipts;
            return new SupplierLeadTime(r.SupplierId, r.Supplier, r.Receipts, mean, sd, onTime);
        }).ToList();
    }

    private sealed record SupplierRow(int SupplierId, string Supplier, int Receipts, double? MeanDays, double? MeanSquareDays, long? OnTime);

    private static string ProductFilter(string alias, KpiQuery filter) =>
        (filter.CategoryId is null ? "" : $" AND {alias}.CategoryId = $category") + (filter.SupplierId is null ? "" : $" AND {alias}.SupplierId = $supplier");

    /// <summary>The statement with its own parameters and the filter's ($category, $supplier, $channel).</summary>
    private static DbCommand Command(DbConnection connection, string sql, KpiQuery filter, params (string Name, object? Value)[] parameters)
    {
        (string Name, object? Value)[] all =
            [.. parameters, ("$category", filter.CategoryId), ("$supplier", filter.SupplierId), ("$channel", filter.Channel is { } c ? (int)c : null)];
        return connection.Command(sql, all);
    }
}
