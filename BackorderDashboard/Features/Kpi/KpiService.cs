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
/// Every KPI of the KPI page, read from the daily rollups (<see cref="KpiRollups"/>: counts per merchant day that
/// the database keeps marked stale on every change, and that are rebuilt before reading when they are) and from a
/// few aggregates over the open queues, then summed into weeks or months: every figure is a sum of counts, so a week's
/// share is its days' numerators over their denominators. The definitions are DESIGN.md's; each figure's tooltip on
/// the page says the same in words.
/// </summary>
public sealed class KpiService(IDbContextFactory<AppDbContext> dbFactory, SettingsService settings, KpiCache cache, KpiRollups rollups)
{
    public static readonly (string Label, int Min, int? Max)[] AgeBuckets = [("0–7 days", 0, 7), ("8–14 days", 8, 14), ("15–30 days", 15, 30), ("30+ days", 31, null)];

    /// <summary>The categories the report can be narrowed to, by name.</summary>
    public async Task<IReadOnlyList<NamedItem>> CategoriesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Categories.AsNoTracking().OrderBy(c => c.Name).Select(c => new NamedItem(c.Id, c.Name)).ToListAsync(ct);
    }

    public async Task<KpiReport> GetAsync(KpiQuery query, CancellationToken ct = default)
    {
        var today = (await settings.GetClockAsync(ct)).Today;
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
            SELECT Day, SUM(Orders), SUM(BackorderedOrders), SUM(ShippedOrders), SUM(FirstShipmentComplete), SUM(FirstShipmentUnits), SUM(ShippedOrderUnits),
                   SUM(ClosedOrders), SUM(PerfectOrders), SUM(ShippedLines), SUM(FirstShipmentCompleteLines), SUM(BackorderedClosed),
                   SUM(BackorderedCancelled), SUM(BackorderedShipped), SUM(BackorderedOnTime)
            FROM KpiDays
            WHERE CategoryId = COALESCE($category, 0) AND SupplierId = COALESCE($supplier, 0) AND Day IN days
                  AND ($channel IS NULL OR Channel = $channel)
            GROUP BY Day
            """;
        var result = new Dictionary<DateOnly, KpiFigures>();
        await using var command = Command(connection, sql, filter, ("$from", BulkWrites.Day(from)), ("$to", BulkWrites.Day(to)));
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

    /// <summary>Money held in backorders at the end of each day of the period (recorded per day), today from the queues as they are.</summary>
    private static async Task<Dictionary<DateOnly, long>> DailyValuesAsync(DbConnection connection, MerchantClock clock, KpiQuery filter, long? openValueNow,
        CancellationToken ct)
    {
        const string sql = """
            SELECT Day, SUM(ValueCents) FROM BackorderValueDays
            WHERE Day >= $fromDay AND Day <= $toDay AND Day < $today
                  AND ($category IS NULL OR CategoryId = $category) AND ($supplier IS NULL OR SupplierId = $supplier)
            GROUP BY Day
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

    /// <summary>
    /// Open backordered lines by days waiting (today − the merchant day they were queued), their value, and how many
    /// are past their promise: one scan of the queue index, each bucket a comparison with the UTC start of its oldest day.
    /// </summary>
    private static async Task<(IReadOnlyList<AgingBucket> Buckets, long OpenValueCents, int LateLines)> AgingAsync(DbConnection connection, MerchantClock clock,
        KpiQuery filter, CancellationToken ct)
    {
        var today = clock.Today;
        // Queued on or after the start of (today − Max) is at most Max days old ($b{i} is that instant for bucket i);
        // a line without a queue time counts as new.
        string Inside(int i) => (i, AgeBuckets[i].Max) switch
        {
            (0, _) => "(l.QueuedAt IS NULL OR l.QueuedAt >= $b0)",
            (_, null) => $"l.QueuedAt < $b{i - 1}",
            _ => $"l.QueuedAt < $b{i - 1} AND l.QueuedAt >= $b{i}",
        };
        var bucketSums = string.Concat(AgeBuckets.Select((_, i) => $", SUM({Inside(i)}), SUM(CASE WHEN {Inside(i)} THEN l.QtyUnfilled END)"));
        var sql = $"""
            SELECT COALESCE(SUM(l.QtyUnfilled * l.UnitPriceCents), 0), COALESCE(SUM(l.CurrentEta > l.PromisedShipDate), 0) {bucketSums}
            FROM OrderLines l {(filter.CategoryId is null && filter.SupplierId is null ? "" : "JOIN Products p ON p.Id = l.ProductId")}
                 {(filter.Channel is null ? "" : "JOIN Orders o ON o.Id = l.OrderId")}
            WHERE l.QtyUnfilled > 0 {ProductFilter("p", filter)} {(filter.Channel is null ? "" : "AND o.Channel = $channel")}
            """;
        var bounds = AgeBuckets.Select((b, i) => (Name: $"$b{i}", b.Max)).Where(b => b.Max is not null)
            .Select(b => (b.Name, (object)BulkWrites.Stamp(clock.StartOfDayUtc(today.AddDays(-b.Max!.Value))))).ToArray();
        await using var command = Command(connection, sql, filter, bounds);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        int N(int i) => reader.IsDBNull(i) ? 0 : reader.GetInt32(i);
        var buckets = AgeBuckets.Select((b, i) => new AgingBucket(b.Label, b.Min, b.Max, N(2 + 2 * i), N(3 + 2 * i))).ToList();
        return (buckets, reader.GetInt64(0), N(1));
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
            SELECT p.Id, p.Sku, p.Name, t.Units, NULL FROM top t JOIN Products p ON p.Id = t.ProductId
            UNION ALL
            SELECT NULL, NULL, NULL, SUM(WaitLines), TOTAL(WaitDays) FROM perproduct
            """;
        await using var command = Command(connection, sql, filter, ("$from", BulkWrites.Day(filter.From)), ("$to", BulkWrites.Day(filter.To)));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var top = new List<SkuFigure>();
        double? wait = null;
        while (await reader.ReadAsync(ct))
        {
            if (reader.IsDBNull(0))
            {
                var lines = reader.IsDBNull(3) ? 0 : reader.GetInt64(3);
                wait = lines == 0 ? null : reader.GetDouble(4) / lines;
            }
            else
            {
                top.Add(new SkuFigure(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
            }
        }
        // Ties broken by SKU, like every list of products.
        return (top.OrderByDescending(t => t.Value).ThenBy(t => t.Sku, StringComparer.Ordinal).Take(10).ToList(), wait);
    }

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
            SELECT p.Id, p.Sku, p.Name, t.Stockouts
            FROM perproduct t JOIN Products p ON p.Id = t.ProductId
            -- every product tied with the tenth, so the SKU decides among them
            WHERE t.Stockouts >= COALESCE((SELECT Stockouts FROM perproduct ORDER BY Stockouts DESC LIMIT 1 OFFSET 9), 0)
            ORDER BY t.Stockouts DESC, p.Sku LIMIT 10
            """;
        return await SkusAsync(Command(connection, sql, filter, ("$from", BulkWrites.Day(filter.From)), ("$to", BulkWrites.Day(filter.To))), ct);
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

    private static string ProductFilter(string alias, KpiQuery filter) =>
        (filter.CategoryId is null ? "" : $" AND {alias}.CategoryId = $category") + (filter.SupplierId is null ? "" : $" AND {alias}.SupplierId = $supplier");

    private static DbCommand Command(DbConnection connection, string sql, KpiQuery filter, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        void Add(string name, object? value)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
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
