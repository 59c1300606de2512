using System.Data.Common;
using System.Diagnostics;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Kpi;

/// <summary>What one refresh did: how many merchant days it rebuilt, whether it rebuilt everything, and how long it took.</summary>
public sealed record KpiRefresh(int OrderDays, int LedgerDays, bool Full, TimeSpan Took)
{
    public static readonly KpiRefresh Nothing = new(0, 0, false, TimeSpan.Zero);
}

/// <summary>
/// Keeps the KPI rollups (<see cref="KpiDay"/>, <see cref="KpiProductDay"/>, <see cref="KpiStockoutDay"/>) equal to
/// what counting the orders, lines, shipments and ledger directly gives. Triggers in the database mark every UTC day
/// whose data changed (<see cref="KpiStaleDay"/>); a refresh rebuilds the merchant days overlapping the marked ones in
/// one write transaction, so a reader sees either the old rows or the new ones. A store without rollups, or one whose
/// time zone changed since they were built, gets them all rebuilt.
/// </summary>
public sealed class KpiRollups(IDbContextFactory<AppDbContext> dbFactory, SettingsService settings)
{
    /// <summary>UTC days of orders rebuilt per write transaction, so that writers (intake, receiving) wait at most for one batch.</summary>
    public const int DaysPerBatch = 31;

    /// <summary>Rebuilds what is stale; does nothing (one light read) when the rollups are current.</summary>
    public async Task<KpiRefresh> RefreshAsync(CancellationToken ct = default)
    {
        var clock = await settings.GetClockAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await IsCurrentAsync(db, clock, ct))
        {
            return KpiRefresh.Nothing;
        }
        var watch = Stopwatch.StartNew();
        var connection = db.Database.GetDbConnection();
        var full = false;
        var (orderDays, ledgerDays) = (0, 0);
        while (true)
        {
            await using var tx = await db.BeginWriteAsync(ct);
            var state = await db.KpiRollupState.AsNoTracking().SingleOrDefaultAsync(s => s.Id == 1, ct);
            if (state is null || state.TimeZoneId != clock.Zone.Id)
            {
                // Everything again: mark every day with orders stale (rebuilt below, batch by batch) and count the
                // ledger's stockouts in one pass over it.
                await StartOverAsync(db, connection, clock, ct);
                full = true;
            }
            var batch = await db.KpiStaleDays.AsNoTracking()
                .Where(s => s.Source == KpiSource.Orders).OrderBy(s => s.UtcDay).Take(DaysPerBatch).ToListAsync(ct);
            var ledger = await db.KpiStaleDays.AsNoTracking().Where(s => s.Source == KpiSource.Ledger).ToListAsync(ct);
            if (batch.Count == 0 && ledger.Count == 0)
            {
                await tx.CommitAsync(ct);
                break;
            }
            var days = LocalDays(clock, batch.Select(s => s.UtcDay));
            foreach (var (from, to) in Ranges(days))
            {
                await Exec(connection, "DELETE FROM KpiDays WHERE Day >= $from AND Day <= $to; DELETE FROM KpiProductDays WHERE Day >= $from AND Day <= $to;", ct,
                    ("$from", BulkWrites.Day(from)), ("$to", BulkWrites.Day(to)));
                await BuildOrderDaysAsync(connection, clock, clock.StartOfDayUtc(from), clock.StartOfDayUtc(to.AddDays(1)), ct);
            }
            var changeDays = LocalDays(clock, ledger.Select(s => s.UtcDay));
            foreach (var (from, to) in Ranges(changeDays))
            {
                await Exec(connection, "DELETE FROM KpiStockoutDays WHERE Day >= $from AND Day <= $to;", ct,
                    ("$from", BulkWrites.Day(from)), ("$to", BulkWrites.Day(to)));
                await BuildStockoutDaysAsync(connection, clock, clock.StartOfDayUtc(from), clock.StartOfDayUtc(to.AddDays(1)), ct);
            }
            // Only the marks read here: the write lock is held, so none can have been added since.
            await Exec(connection, $"DELETE FROM KpiStaleDays WHERE Source = {(int)KpiSource.Ledger}" +
                (batch.Count == 0 ? ";" : $" OR (Source = {(int)KpiSource.Orders} AND UtcDay <= $last);"), ct, ("$last", batch.Count == 0 ? "" : batch[^1].UtcDay));
            await tx.CommitAsync(ct);
            (orderDays, ledgerDays) = (orderDays + days.Count, ledgerDays + changeDays.Count);
        }
        return new KpiRefresh(orderDays, ledgerDays, full, watch.Elapsed);
    }

    /// <summary>Rollups built in this zone and nothing marked stale.</summary>
    private static async Task<bool> IsCurrentAsync(AppDbContext db, MerchantClock clock, CancellationToken ct) =>
        await db.KpiRollupState.AnyAsync(s => s.Id == 1 && s.TimeZoneId == clock.Zone.Id, ct) && !await db.KpiStaleDays.AnyAsync(ct);

    private static async Task StartOverAsync(AppDbContext db, DbConnection connection, MerchantClock clock, CancellationToken ct)
    {
        await Exec(connection, $"""
            DELETE FROM KpiDays; DELETE FROM KpiProductDays; DELETE FROM KpiStockoutDays; DELETE FROM KpiStaleDays;
            INSERT INTO KpiStaleDays (UtcDay, Source) SELECT DISTINCT substr(PlacedAt, 1, 10), {(int)KpiSource.Orders} FROM Orders;
            """, ct);
        var firstChange = await db.StockLedger.MinAsync(e => (DateTime?)e.At, ct);
        var lastChange = await db.StockLedger.MaxAsync(e => (DateTime?)e.At, ct);
        if (firstChange is not null)
        {
            await BuildStockoutDaysAsync(connection, clock, clock.StartOfDayUtc(LocalDay(clock, firstChange.Value)),
                clock.StartOfDayUtc(LocalDay(clock, lastChange!.Value).AddDays(1)), ct);
        }
        await Exec(connection, "INSERT INTO KpiRollupState (Id, TimeZoneId, BuiltAt) VALUES (1, $zone, $at) ON CONFLICT (Id) DO UPDATE SET TimeZoneId = $zone, BuiltAt = $at;",
            ct, ("$zone", clock.Zone.Id), ("$at", BulkWrites.Stamp(clock.UtcNow)));
    }

    private static DateOnly LocalDay(MerchantClock clock, DateTime utc) => DateOnly.FromDateTime(clock.ToLocal(utc));

    /// <summary>The merchant days that overlap the given UTC days (one or two each, whatever the zone).</summary>
    public static SortedSet<DateOnly> LocalDays(MerchantClock clock, IEnumerable<string> utcDays)
    {
        var days = new SortedSet<DateOnly>();
        foreach (var text in utcDays)
        {
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", out var utcDay))
            {
                continue;
            }
            var start = utcDay.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            for (var day = LocalDay(clock, start); day <= LocalDay(clock, start.AddDays(1).AddTicks(-1)); day = day.AddDays(1))
            {
                days.Add(day);
            }
        }
        return days;
    }

    /// <summary>Sorted days as runs of consecutive days, so each run is rebuilt by one pass.</summary>
    public static IEnumerable<(DateOnly From, DateOnly To)> Ranges(IEnumerable<DateOnly> sortedDays)
    {
        DateOnly? from = null, to = null;
        foreach (var day in sortedDays)
        {
            if (to is { } end && day == end.AddDays(1))
            {
                to = day;
                continue;
            }
            if (from is not null)
            {
                yield return (from.Value, to!.Value);
            }
            from = to = day;
        }
        if (from is not null)
        {
            yield return (from.Value, to!.Value);
        }
    }

    /// <summary>
    /// The order and line counts of the orders placed between the two instants (whole merchant days), in one pass
    /// over them (a temporary table), then per day × channel × filter (all, category, supplier, both), and per product.
    /// </summary>
    private static Task BuildOrderDaysAsync(DbConnection connection, MerchantClock clock, DateTime fromUtc, DateTime toUtc, CancellationToken ct) =>
        Exec(connection, OrderDaysSql(clock, fromUtc, toUtc), ct, ("$from", BulkWrites.Stamp(fromUtc)), ("$to", BulkWrites.Stamp(toUtc)));

    /// <summary>The statements that build the order rollups of the days between $from and $to (UTC stamps of merchant day starts).</summary>
    public static string OrderDaysSql(MerchantClock clock, DateTime fromUtc, DateTime toUtc)
    {
        var placedDay = clock.LocalDaySql("o.PlacedAt", fromUtc, toUtc);
        var shipDay = clock.LocalDaySql("ls.LastAt", fromUtc, (clock.UtcNow > toUtc ? clock.UtcNow : toUtc).AddDays(1));
        return $"""
            DROP TABLE IF EXISTS temp.kpi_lines;
            CREATE TEMP TABLE kpi_lines AS
            WITH sh AS MATERIALIZED (
                SELECT s.OrderId, COUNT(*) AS Parcels, MIN(s.ShippedAt) AS FirstAt
                FROM Orders o CROSS JOIN Shipments s ON s.OrderId = o.Id
                WHERE o.PlacedAt >= $from AND o.PlacedAt < $to
                GROUP BY s.OrderId
            ),
            ls AS MATERIALIZED (
                SELECT sl.OrderLineId, COUNT(*) AS Parcels, SUM(sl.Qty) AS ShippedQty,
                       SUM(CASE WHEN s.ShippedAt = sh.FirstAt THEN sl.Qty ELSE 0 END) AS FirstQty, MAX(s.ShippedAt) AS LastAt
                -- from the period's orders outwards (CROSS JOIN keeps that order): never a scan of every parcel line
                FROM sh CROSS JOIN Shipments s ON s.OrderId = sh.OrderId CROSS JOIN ShipmentLines sl ON sl.ShipmentId = s.Id
                GROUP BY sl.OrderLineId
            )
            SELECT o.Id AS OrderId, o.Channel, o.PlacedAt, {placedDay} AS Day, sh.Parcels AS OrderParcels, l.ProductId,
                   l.Qty, l.QtyShipped AS Shipped, l.QtyCancelled AS Cancelled, l.QtyBackorderedAtPlacement AS Backordered,
                   l.Qty - l.QtyShipped - l.QtyCancelled AS Open, l.PromisedShipDate AS Promised,
                   ls.OrderLineId IS NOT NULL AS LineShipped, ls.Parcels AS LineParcels, ls.ShippedQty, COALESCE(ls.FirstQty, 0) AS FirstQty,
                   ls.LastAt, {shipDay} AS LastDay
            FROM Orders o CROSS JOIN OrderLines l ON l.OrderId = o.Id
            LEFT JOIN sh ON sh.OrderId = o.Id
            LEFT JOIN ls ON ls.OrderLineId = l.Id
            WHERE o.PlacedAt >= $from AND o.PlacedAt < $to;

            INSERT INTO KpiDays (Day, Channel, CategoryId, SupplierId, Orders, BackorderedOrders, ShippedOrders, FirstShipmentComplete,
                                 FirstShipmentUnits, ShippedOrderUnits, ClosedOrders, PerfectOrders, ShippedLines, FirstShipmentCompleteLines,
                                 BackorderedClosed, BackorderedCancelled, BackorderedShipped, BackorderedOnTime)
            WITH perorder AS MATERIALIZED (
                SELECT OrderId, Day, Channel, MAX(Backordered > 0) AS AnyBackordered, SUM(Qty) AS Units, SUM(FirstQty) AS FirstUnits,
                       SUM(Open) AS Open, SUM(Cancelled) AS Cancelled, SUM(Shipped) AS Shipped, MAX(OrderParcels) AS Parcels,
                       -- late: a line left after the day promised for it
                       MAX(Promised IS NOT NULL AND LastDay > Promised) AS Late,
                       SUM(LineShipped) AS ShippedLines,
                       SUM(LineParcels = 1 AND ShippedQty = Qty) AS FirstCompleteLines,
                       SUM(Backordered > 0 AND Open = 0) AS BackorderedClosed,
                       SUM(Backordered > 0 AND Open = 0 AND Cancelled > 0) AS BackorderedCancelled,
                       SUM(Backordered > 0 AND Open = 0 AND Cancelled = 0 AND LineShipped) AS BackorderedShipped,
                       SUM(Backordered > 0 AND Open = 0 AND Cancelled = 0 AND LastDay <= Promised) AS BackorderedOnTime
                FROM temp.kpi_lines GROUP BY OrderId
            ),
            dims AS (
                SELECT OrderId, 0 AS CategoryId, 0 AS SupplierId FROM perorder
                UNION ALL
                SELECT * FROM (SELECT DISTINCT x.OrderId, p.CategoryId, 0 FROM temp.kpi_lines x JOIN Products p ON p.Id = x.ProductId)
                UNION ALL
                SELECT * FROM (SELECT DISTINCT x.OrderId, 0, p.SupplierId FROM temp.kpi_lines x JOIN Products p ON p.Id = x.ProductId)
                UNION ALL
                SELECT * FROM (SELECT DISTINCT x.OrderId, p.CategoryId, p.SupplierId FROM temp.kpi_lines x JOIN Products p ON p.Id = x.ProductId)
            )
            SELECT o.Day, o.Channel, d.CategoryId, d.SupplierId, COUNT(*), COALESCE(SUM(o.AnyBackordered), 0), COALESCE(SUM(o.Parcels IS NOT NULL), 0),
                   COALESCE(SUM(o.Parcels = 1 AND o.FirstUnits = o.Units), 0),
                   COALESCE(SUM(CASE WHEN o.Parcels IS NOT NULL THEN o.FirstUnits ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN o.Parcels IS NOT NULL THEN o.Units ELSE 0 END), 0),
                   COALESCE(SUM(o.Open = 0), 0),
                   COALESCE(SUM(o.Open = 0 AND o.Cancelled = 0 AND o.Parcels = 1 AND o.Shipped = o.Units AND o.Late = 0), 0),
                   COALESCE(SUM(o.ShippedLines), 0), COALESCE(SUM(o.FirstCompleteLines), 0), COALESCE(SUM(o.BackorderedClosed), 0), COALESCE(SUM(o.BackorderedCancelled), 0),
                   COALESCE(SUM(o.BackorderedShipped), 0), COALESCE(SUM(o.BackorderedOnTime), 0)
            FROM perorder o JOIN dims d ON d.OrderId = o.OrderId
            GROUP BY o.Day, o.Channel, d.CategoryId, d.SupplierId;

            -- the wait placed → last parcel of backordered lines shipped in full
            INSERT INTO KpiProductDays (Day, ProductId, Channel, BackorderedUnits, WaitLines, WaitDays)
            SELECT Day, ProductId, Channel, SUM(Backordered),
                   SUM(Open = 0 AND Shipped > 0 AND LastAt IS NOT NULL),
                   TOTAL(CASE WHEN Open = 0 AND Shipped > 0 AND LastAt IS NOT NULL THEN julianday(LastAt) - julianday(PlacedAt) END)
            FROM temp.kpi_lines WHERE Backordered > 0
            GROUP BY Day, ProductId, Channel;

            DROP TABLE temp.kpi_lines;
            """;
    }

    /// <summary>
    /// Stockouts per product and merchant day between the two instants, from the stock ledger: a product's available
    /// level after a change is today's level minus every later change, and a change that takes it from above zero to
    /// zero or below is one stockout. The ledger is only appended to, so a past day's count never changes.
    /// </summary>
    private static async Task BuildStockoutDaysAsync(DbConnection connection, MerchantClock clock, DateTime fromUtc, DateTime toUtc, CancellationToken ct)
    {
        var changeDay = clock.LocalDaySql("v.At", fromUtc, toUtc);
        await Exec(connection, $"""
            INSERT INTO KpiStockoutDays (Day, ProductId, Stockouts)
            WITH changes AS (
                SELECT e.ProductId, e.At, e.Id, e.OnHandDelta - e.AllocatedDelta AS Delta
                FROM StockLedger e
                WHERE e.At >= $from AND e.OnHandDelta <> e.AllocatedDelta
            ),
            levels AS (
                SELECT c.ProductId, c.At, c.Delta,
                       (p.OnHand - p.Allocated) - SUM(c.Delta) OVER (PARTITION BY c.ProductId) + SUM(c.Delta) OVER (PARTITION BY c.ProductId ORDER BY c.At, c.Id) AS After
                FROM changes c JOIN Products p ON p.Id = c.ProductId
            )
            SELECT {changeDay}, v.ProductId, COUNT(*)
            FROM levels v
            WHERE v.At < $to AND v.After <= 0 AND v.After - v.Delta > 0
            GROUP BY 1, 2;
            """, ct, ("$from", BulkWrites.Stamp(fromUtc)), ("$to", BulkWrites.Stamp(toUtc)));
    }

    private static Task<int> Exec(DbConnection connection, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        connection.Command(sql, parameters).ExecuteAsync(ct);
}

/// <summary>Refreshes the KPI rollups shortly after the data changes, so the KPI page rarely has to wait for it.</summary>
public sealed class KpiRollupRefresher(KpiRollups rollups, ILogger<KpiRollupRefresher> logger) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(20);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var refresh = await rollups.RefreshAsync(stoppingToken);
                if (refresh.Full || refresh.OrderDays + refresh.LedgerDays > 0)
                {
                    logger.LogDebug("KPI rollups refreshed: {OrderDays} order days, {LedgerDays} ledger days{Full} in {Ms} ms",
                        refresh.OrderDays, refresh.LedgerDays, refresh.Full ? " (all)" : "", (int)refresh.Took.TotalMilliseconds);
                }
                await Task.Delay(Every, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Refreshing the KPI rollups failed; the KPI page refreshes them itself, and this tries again shortly.");
                await Task.Delay(Every, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
