using System.Data.Common;
using System.Globalization;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
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

public sealed record AgingBucket(string Label, int MinDays, int? MaxDays, int Lines, int Units);

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

/// <summary>
/// Recently computed reports, so moving between the KPI page, the home page and an export does not run every
/// aggregate again: a report is reused for <see cref="DefaultLifetime"/> (the page says how old its figures are).
/// </summary>
public sealed class KpiCache(TimeProvider time, TimeSpan lifetime)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(1);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(KpiQuery, DateOnly), KpiReport> _reports = new();

    public KpiCache(TimeProvider time) : this(time, DefaultLifetime)
    {
    }

    public KpiReport? Get(KpiQuery query, DateOnly today) =>
        _reports.TryGetValue((query, today), out var report) && time.GetUtcNow().UtcDateTime - report.ComputedAt < lifetime ? report : null;

    public void Put(KpiQuery query, DateOnly today, KpiReport report)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }
        if (_reports.Count > 200)
        {
            _reports.Clear();
        }
        _reports[(query, today)] = report;
    }
}

/// <summary>
/// Every KPI of the KPI page, computed in SQLite with GROUP BY per merchant day (never by loading orders), then
/// summed into weeks or months: every figure is a sum of counts, so a week's share is its days' numerators over their
/// denominators. The definitions are DESIGN.md's; each figure's tooltip on the page says the same in words.
/// </summary>
public sealed class KpiService(IDbContextFactory<AppDbContext> dbFactory, SettingsService settings, KpiCache cache)
{
    /// <summary>The statements of the report being computed, when someone asked to see them (the benchmark).</summary>
    private static readonly AsyncLocal<List<(string Sql, IReadOnlyList<(string Name, object? Value)> Parameters)>?> Recording = new();

    /// <summary>Every SQL statement (with its parameters) that computing this report runs, in order.</summary>
    public async Task<IReadOnlyList<(string Sql, IReadOnlyList<(string Name, object? Value)> Parameters)>> StatementsAsync(KpiQuery query, CancellationToken ct = default)
    {
        var statements = new List<(string, IReadOnlyList<(string, object?)>)>();
        Recording.Value = statements;
        try
        {
            await ComputeAsync(query, ct);
        }
        finally
        {
            Recording.Value = null;
        }
        return statements;
    }

    public static readonly (string Label, int Min, int? Max)[] AgeBuckets = [("0–7 days", 0, 7), ("8–14 days", 8, 14), ("15–30 days", 15, 30), ("30+ days", 31, null)];

    public async Task<KpiReport> GetAsync(KpiQuery query, CancellationToken ct = default)
    {
        var today = (await settings.GetClockAsync(ct)).Today;
        if (cache.Get(query, today) is { } cached)
        {
            return cached;
        }
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

        var days = await DailyFiguresAsync(connection, clock, query.From, query.To, query, ct);
        var period = Sum(days.Values);
        // The period before is only compared by its backorder rate (the headline's arrow): one light count.
        var before = KpiFigures.Empty with { BackorderRate = await BackorderRateAsync(connection, clock, query.Previous, ct) };
        var (aging, openValue, late) = await AgingAsync(connection, clock, query, ct);
        var values = await DailyValuesAsync(connection, clock, query, query.Channel is null ? openValue : null, ct);
        var points = Buckets(query).Select(b => new KpiPoint(b.Start, b.End,
                Sum(days.Where(d => d.Key >= b.Start && d.Key <= b.End).Select(d => d.Value)),
                // The figure of the bucket's last day; a day the app did not record takes the day before (up to three).
                values.Where(v => v.Key <= b.End && v.Key >= b.End.AddDays(-3)).OrderByDescending(v => v.Key).Select(v => v.Value).FirstOrDefault()))
            .ToList();

        return new KpiReport(query, period, before, points, aging,
            await AverageWaitAsync(connection, clock, query, ct), openValue,
            await TopBackorderedAsync(connection, clock, query, ct), await TopStockoutsAsync(connection, clock, query, ct),
            await SuppliersAsync(connection, clock, query, ct), clock.UtcNow, late);
    }

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

    /// <summary>Orders placed in the range and their lines, counted per merchant day of placement.</summary>
    private static async Task<Dictionary<DateOnly, KpiFigures>> DailyFiguresAsync(DbConnection connection, MerchantClock clock,
        DateOnly from, DateOnly to, KpiQuery filter, CancellationToken ct)
    {
        var (fromUtc, toUtc) = (clock.StartOfDayUtc(from), clock.StartOfDayUtc(to.AddDays(1)));
        var placedDay = clock.LocalDaySql("o.PlacedAt", fromUtc, toUtc);
        var shipDay = clock.LocalDaySql("s.ShippedAt", fromUtc, clock.UtcNow.AddDays(1));
        var orderFilter = OrderFilter(filter);
        // One pass over the period's orders and lines (materialized once), then counted per order and per day.
        var sql = $"""
            WITH sh AS MATERIALIZED (
                SELECT s.OrderId, COUNT(*) AS Parcels, MIN(s.ShippedAt) AS FirstAt
                FROM Shipments s JOIN Orders o ON o.Id = s.OrderId
                WHERE o.PlacedAt >= $from AND o.PlacedAt < $to
                GROUP BY s.OrderId
            ),
            ls AS MATERIALIZED (
                SELECT sl.OrderLineId, COUNT(*) AS Parcels, SUM(sl.Qty) AS ShippedQty,
                       SUM(CASE WHEN s.ShippedAt = sh.FirstAt THEN sl.Qty ELSE 0 END) AS FirstQty, MAX({shipDay}) AS LastDay
                FROM sh JOIN Shipments s ON s.OrderId = sh.OrderId JOIN ShipmentLines sl ON sl.ShipmentId = s.Id
                GROUP BY sl.OrderLineId
            ),
            x AS MATERIALIZED (
                SELECT o.Id AS OrderId, {placedDay} AS Day, sh.Parcels AS OrderParcels,
                       l.Qty, l.QtyShipped AS Shipped, l.QtyCancelled AS Cancelled, l.QtyBackorderedAtPlacement AS Backordered,
                       l.QtyUnfilled + l.QtyAllocated AS Open, l.PromisedShipDate AS Promised,
                       ls.OrderLineId IS NOT NULL AS LineShipped, ls.Parcels AS LineParcels, ls.ShippedQty, COALESCE(ls.FirstQty, 0) AS FirstQty, ls.LastDay
                FROM Orders o JOIN OrderLines l ON l.OrderId = o.Id
                LEFT JOIN sh ON sh.OrderId = o.Id
                LEFT JOIN ls ON ls.OrderLineId = l.Id
                WHERE o.PlacedAt >= $from AND o.PlacedAt < $to {(filter.Channel is null ? "" : "AND o.Channel = $channel")} {orderFilter}
            ),
            perorder AS (
                SELECT Day, MAX(Backordered > 0) AS AnyBackordered, SUM(Qty) AS Units, SUM(FirstQty) AS FirstUnits, SUM(Open) AS Open,
                       SUM(Cancelled) AS Cancelled, SUM(Shipped) AS Shipped, MAX(OrderParcels) AS Parcels,
                       -- late: a line left after the day promised for it
                       MAX(Promised IS NOT NULL AND LastDay > Promised) AS Late
                FROM x GROUP BY OrderId
            ),
            orderfig AS (
                SELECT Day, COUNT(*) AS Orders, SUM(AnyBackordered) AS BackorderedOrders,
                       SUM(Parcels IS NOT NULL) AS ShippedOrders,
                       SUM(Parcels = 1 AND FirstUnits = Units) AS FirstComplete,
                       SUM(CASE WHEN Parcels IS NOT NULL THEN FirstUnits ELSE 0 END) AS FirstUnits,
                       SUM(CASE WHEN Parcels IS NOT NULL THEN Units ELSE 0 END) AS ShippedOrderUnits,
                       SUM(Open = 0) AS Closed,
                       SUM(Open = 0 AND Cancelled = 0 AND Parcels = 1 AND Shipped = Units AND Late = 0) AS Perfect
                FROM perorder GROUP BY Day
            ),
            linefig AS (
                SELECT Day,
                       SUM(LineShipped) AS ShippedLines,
                       SUM(LineParcels = 1 AND ShippedQty = Qty) AS FirstCompleteLines,
                       SUM(Backordered > 0 AND Open = 0) AS BackorderedClosed,
                       SUM(Backordered > 0 AND Open = 0 AND Cancelled > 0) AS BackorderedCancelled,
                       SUM(Backordered > 0 AND Open = 0 AND Cancelled = 0 AND LineShipped) AS BackorderedShipped,
                       SUM(Backordered > 0 AND Open = 0 AND Cancelled = 0 AND LastDay <= Promised) AS BackorderedOnTime
                FROM x GROUP BY Day
            )
            SELECT o.Day, o.Orders, o.BackorderedOrders, o.ShippedOrders, o.FirstComplete, o.FirstUnits, o.ShippedOrderUnits, o.Closed, o.Perfect,
                   l.ShippedLines, l.FirstCompleteLines, l.BackorderedClosed, l.BackorderedCancelled, l.BackorderedShipped, l.BackorderedOnTime
            FROM orderfig o JOIN linefig l ON l.Day = o.Day
            """;
        var result = new Dictionary<DateOnly, KpiFigures>();
        await using var command = Command(connection, sql, filter, ("$from", BulkWrites.Stamp(fromUtc)), ("$to", BulkWrites.Stamp(toUtc)));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            long N(int i) => reader.IsDBNull(i) ? 0 : reader.GetInt64(i);
            result[DateOnly.ParseExact(reader.GetString(0), "yyyy-MM-dd", CultureInfo.InvariantCulture)] = new KpiFigures(
                BackorderRate: new(N(2), N(1)),
                OrderFillRate: new(N(4), N(3)),
                LineFillRate: new(N(10), N(9)),
                UnitFillRate: new(N(5), N(6)),
                PerfectOrder: new(N(8), N(7)),
                CancellationRate: new(N(12), N(11)),
                OnTimeToPromise: new(N(14), N(13)));
        }
        return result;
    }

    /// <summary>Money held in backorders at the end of each day of the period (snapshots), today from the queues as they are.</summary>
    private static async Task<Dictionary<DateOnly, long>> DailyValuesAsync(DbConnection connection, MerchantClock clock, KpiQuery filter, long? openValueNow,
        CancellationToken ct)
    {
        var productFilter = ProductFilter("p", filter);
        var sql = $"""
            SELECT s.Day, SUM(s.ValueCents) FROM BackorderSnapshots s JOIN Products p ON p.Id = s.ProductId
            WHERE s.Day >= $fromDay AND s.Day <= $toDay AND s.Day < $today {productFilter}
            GROUP BY s.Day
            """;
        var result = new Dictionary<DateOnly, long>();
        await using (var command = Command(connection, sql, filter, ("$fromDay", BulkWrites.Day(filter.From.AddDays(-31))), ("$toDay", BulkWrites.Day(filter.To)),
                         ("$today", BulkWrites.Day(clock.Today))))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                result[DateOnly.ParseExact(reader.GetString(0), "yyyy-MM-dd", CultureInfo.InvariantCulture)] = reader.GetInt64(1);
            }
        }
        if (clock.Today >= filter.From && clock.Today <= filter.To)
        {
            result[clock.Today] = openValueNow ?? (await AgingAsync(connection, clock, filter with { Channel = null }, ct)).OpenValueCents;
        }
        return result;
    }

    /// <summary>Open backordered lines by days waiting (today − queued day), their value, and how many are past their promise.</summary>
    private static async Task<(IReadOnlyList<AgingBucket> Buckets, long OpenValueCents, int LateLines)> AgingAsync(DbConnection connection, MerchantClock clock,
        KpiQuery filter, CancellationToken ct)
    {
        var today = clock.Today;
        var queuedDay = clock.LocalDaySql("l.QueuedAt", clock.StartOfDayUtc(today.AddDays(-400)), clock.UtcNow.AddDays(1));
        var sql = $"""
            SELECT CAST(julianday($today) - julianday({queuedDay}) AS INTEGER) AS Age, COUNT(*), SUM(l.QtyUnfilled), SUM(l.QtyUnfilled * l.UnitPriceCents),
                   SUM(l.CurrentEta > l.PromisedShipDate)
            FROM OrderLines l JOIN Products p ON p.Id = l.ProductId {(filter.Channel is null ? "" : "JOIN Orders o ON o.Id = l.OrderId")}
            WHERE l.QtyUnfilled > 0 {ProductFilter("p", filter)} {(filter.Channel is null ? "" : "AND o.Channel = $channel")}
            GROUP BY Age
            """;
        var rows = new List<(int Age, int Lines, int Units, long Value, int Late)>();
        await using var command = Command(connection, sql, filter, ("$today", BulkWrites.Day(today)));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.IsDBNull(0) ? 0 : reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt64(3),
                reader.IsDBNull(4) ? 0 : reader.GetInt32(4)));
        }
        var buckets = AgeBuckets.Select(b =>
        {
            var inside = rows.Where(r => Math.Max(0, r.Age) >= b.Min && (b.Max is null || Math.Max(0, r.Age) <= b.Max)).ToList();
            return new AgingBucket(b.Label, b.Min, b.Max, inside.Sum(r => r.Lines), inside.Sum(r => r.Units));
        }).ToList();
        return (buckets, rows.Sum(r => r.Value), rows.Sum(r => r.Late));
    }

    /// <summary>Days from placement to the last parcel, for lines backordered at placement, placed in the period and shipped in full.</summary>
    private static async Task<double?> AverageWaitAsync(DbConnection connection, MerchantClock clock, KpiQuery filter, CancellationToken ct)
    {
        var sql = $"""
            SELECT AVG(julianday(w.LastShipped) - julianday(o.PlacedAt))
            FROM (SELECT sl.OrderLineId, MAX(s.ShippedAt) AS LastShipped FROM ShipmentLines sl JOIN Shipments s ON s.Id = sl.ShipmentId GROUP BY sl.OrderLineId) w
            JOIN OrderLines l ON l.Id = w.OrderLineId JOIN Orders o ON o.Id = l.OrderId JOIN Products p ON p.Id = l.ProductId
            WHERE l.QtyBackorderedAtPlacement > 0 AND l.QtyUnfilled = 0 AND l.QtyAllocated = 0 AND l.QtyShipped > 0
              AND o.PlacedAt >= $from AND o.PlacedAt < $to {ProductFilter("p", filter)} {(filter.Channel is null ? "" : "AND o.Channel = $channel")}
            """;
        await using var command = Command(connection, sql, filter,
            ("$from", BulkWrites.Stamp(clock.StartOfDayUtc(filter.From))), ("$to", BulkWrites.Stamp(clock.StartOfDayUtc(filter.To.AddDays(1)))));
        return await command.ExecuteScalarAsync(ct) is double days ? days : null;
    }

    /// <summary>The ten products with the most units backordered at placement on orders placed in the period.</summary>
    private static async Task<IReadOnlyList<SkuFigure>> TopBackorderedAsync(DbConnection connection, MerchantClock clock, KpiQuery filter, CancellationToken ct)
    {
        var sql = $"""
            SELECT p.Id, p.Sku, p.Name, SUM(l.QtyBackorderedAtPlacement) AS Units
            FROM OrderLines l JOIN Orders o ON o.Id = l.OrderId JOIN Products p ON p.Id = l.ProductId
            WHERE l.QtyBackorderedAtPlacement > 0 AND o.PlacedAt >= $from AND o.PlacedAt < $to
                  {ProductFilter("p", filter)} {(filter.Channel is null ? "" : "AND o.Channel = $channel")}
            GROUP BY p.Id ORDER BY Units DESC, p.Sku LIMIT 10
            """;
        return await SkusAsync(Command(connection, sql, filter,
            ("$from", BulkWrites.Stamp(clock.StartOfDayUtc(filter.From))), ("$to", BulkWrites.Stamp(clock.StartOfDayUtc(filter.To.AddDays(1))))), ct);
    }

    /// <summary>
    /// How often each product's available stock (on hand − allocated) fell to zero or below during the period, from
    /// the stock ledger: the level before the period is today's minus every change since, then each change in the
    /// period that takes it from above zero to zero or below counts once.
    /// </summary>
    private static async Task<IReadOnlyList<SkuFigure>> TopStockoutsAsync(DbConnection connection, MerchantClock clock, KpiQuery filter, CancellationToken ct)
    {
        var sql = $"""
            WITH changes AS (
                SELECT e.ProductId, e.At, e.Id, e.OnHandDelta - e.AllocatedDelta AS Delta
                FROM StockLedger e JOIN Products p ON p.Id = e.ProductId
                WHERE e.At >= $from AND e.OnHandDelta <> e.AllocatedDelta {ProductFilter("p", filter)}
            ),
            levels AS (
                SELECT c.ProductId, c.At,
                       (p.OnHand - p.Allocated) - SUM(c.Delta) OVER (PARTITION BY c.ProductId) + SUM(c.Delta) OVER (PARTITION BY c.ProductId ORDER BY c.At, c.Id) AS After,
                       c.Delta
                FROM changes c JOIN Products p ON p.Id = c.ProductId
            )
            SELECT p.Id, p.Sku, p.Name, COUNT(*) AS Stockouts
            FROM levels v JOIN Products p ON p.Id = v.ProductId
            WHERE v.At < $to AND v.After <= 0 AND v.After - v.Delta > 0
            GROUP BY p.Id ORDER BY Stockouts DESC, p.Sku LIMIT 10
            """;
        return await SkusAsync(Command(connection, sql, filter,
            ("$from", BulkWrites.Stamp(clock.StartOfDayUtc(filter.From))), ("$to", BulkWrites.Stamp(clock.StartOfDayUtc(filter.To.AddDays(1))))), ct);
    }

    /// <summary>Per supplier, purchase orders received in the period: mean and spread of (received − ordered) in days, and the share by the first promised date.</summary>
    private static async Task<IReadOnlyList<SupplierLeadTime>> SuppliersAsync(DbConnection connection, MerchantClock clock, KpiQuery filter, CancellationToken ct)
    {
        var (fromUtc, toUtc) = (clock.StartOfDayUtc(filter.From), clock.StartOfDayUtc(filter.To.AddDays(1)));
        var receivedDay = clock.LocalDaySql("po.ReceivedAt", fromUtc, toUtc);
        var sql = $"""
            SELECT s.Id, s.Name, COUNT(po.Id),
                   AVG(julianday(po.ReceivedAt) - julianday(po.OrderedAt)),
                   AVG((julianday(po.ReceivedAt) - julianday(po.OrderedAt)) * (julianday(po.ReceivedAt) - julianday(po.OrderedAt))),
                   SUM({receivedDay} <= COALESCE(po.OriginalExpectedDate, po.ExpectedDate))
            FROM Suppliers s
            LEFT JOIN PurchaseOrders po ON po.SupplierId = s.Id AND po.Status = {(int)PurchaseOrderStatus.Received}
                 AND po.OrderedAt IS NOT NULL AND po.ReceivedAt >= $from AND po.ReceivedAt < $to
            WHERE ($supplier IS NULL OR s.Id = $supplier)
            GROUP BY s.Id ORDER BY s.Name
            """;
        var result = new List<SupplierLeadTime>();
        await using var command = Command(connection, sql, filter, ("$from", BulkWrites.Stamp(fromUtc)), ("$to", BulkWrites.Stamp(toUtc)));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var count = reader.GetInt32(2);
            double? mean = count == 0 ? null : reader.GetDouble(3);
            double? sd = count == 0 ? null : Math.Sqrt(Math.Max(0, reader.GetDouble(4) - mean!.Value * mean.Value));
            double? onTime = count == 0 ? null : 100.0 * reader.GetInt64(5) / count;
            result.Add(new SupplierLeadTime(reader.GetInt32(0), reader.GetString(1), count, mean, sd, onTime));
        }
        return result;
    }

    private static async Task<IReadOnlyList<SkuFigure>> SkusAsync(DbCommand command, CancellationToken ct)
    {
        await using (command)
        {
            var result = new List<SkuFigure>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                result.Add(new SkuFigure(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
            }
            return result;
        }
    }

    /// <summary>Orders with at least one line of the chosen category or supplier.</summary>
    private static string OrderFilter(KpiQuery filter) => filter.CategoryId is null && filter.SupplierId is null ? ""
        : $"AND EXISTS (SELECT 1 FROM OrderLines fl JOIN Products p ON p.Id = fl.ProductId WHERE fl.OrderId = o.Id {ProductFilter("p", filter)})";

    /// <summary>Orders placed in a period with a line not fillable at placement, of all orders placed in it.</summary>
    private static async Task<Ratio> BackorderRateAsync(DbConnection connection, MerchantClock clock, KpiQuery period, CancellationToken ct)
    {
        var sql = $"""
            SELECT COUNT(*), COALESCE(SUM(EXISTS (SELECT 1 FROM OrderLines l WHERE l.OrderId = o.Id AND l.QtyBackorderedAtPlacement > 0)), 0)
            FROM Orders o
            WHERE o.PlacedAt >= $from AND o.PlacedAt < $to {(period.Channel is null ? "" : "AND o.Channel = $channel")} {OrderFilter(period)}
            """;
        await using var command = Command(connection, sql, period,
            ("$from", BulkWrites.Stamp(clock.StartOfDayUtc(period.From))), ("$to", BulkWrites.Stamp(clock.StartOfDayUtc(period.To.AddDays(1)))));
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new Ratio(reader.GetInt64(1), reader.GetInt64(0));
    }

    private static string ProductFilter(string alias, KpiQuery filter) =>
        (filter.CategoryId is null ? "" : $" AND {alias}.CategoryId = $category") + (filter.SupplierId is null ? "" : $" AND {alias}.SupplierId = $supplier");

    private static DbCommand Command(DbConnection connection, string sql, KpiQuery filter, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        var recorded = new List<(string, object?)>();
        Recording.Value?.Add((sql, recorded));
        void Add(string name, object? value)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
            recorded.Add((name, value));
        }
        foreach (var (name, value) in parameters)
        {
            Add(name, value);
        }
        Add("$category", filter.CategoryId);
        Add("$supplier", filter.SupplierId);
        Add("$channel", filter.Channel is { } c ? (int)c : null);
        return command;
    }
}
