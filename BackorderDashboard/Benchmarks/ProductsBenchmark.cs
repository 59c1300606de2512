using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Products;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Benchmarks;

/// <summary>
/// Times the products page (filter Backordered, sorted by SKU, 50 rows, with badges) and one product's queue with
/// ETAs on the large store, through the app's own services, against the same data read with hand-written SQL
/// through Microsoft.Data.Sqlite in the same run. The badge rule itself (C#) runs in both.
/// </summary>
public static class ProductsBenchmark
{
    public static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(string connectionString, int runs, CancellationToken ct = default)
    {
        await using var services = BenchmarkServices.Create(connectionString);
        var (factory, counter) = (services.Factory, services.Counter);
        var availability = services.Get<AvailabilityService>();
        var products = services.Get<ProductService>();
        var context = await availability.GetContextAsync(ct);
        var pageQuery = new ProductQuery(Filter: ProductFilter.Backordered, Sort: ProductSort.Sku, PageSize: 50);

        string longestQueueSku;
        await using (var db = factory.CreateDbContext())
        {
            longestQueueSku = await db.OrderLines.Where(l => l.QtyUnfilled > 0).GroupBy(l => l.ProductId)
                .OrderByDescending(g => g.Count()).Select(g => g.Key)
                .Join(db.Products, id => id, p => p.Id, (_, p) => p.Sku).FirstAsync(ct);
        }

        await using var raw = await Benchmark.OpenRawAsync(connectionString, ct);

        // Both sides must show the same page before either is timed.
        var appPage = await products.GetPageAsync(pageQuery, ct);
        var rawPage = await RawPageAsync(raw, context, ct);
        if (!appPage.Rows.Select(r => (r.Sku, r.Availability.BadgeText)).SequenceEqual(rawPage.Select(r => (r.Sku, r.Badge))))
        {
            throw new InvalidOperationException("The raw SQL page differs from the app's page: the comparison would be meaningless.");
        }
        var appQueue = await products.GetQueueAsync(longestQueueSku, ct) ?? throw new InvalidOperationException("No queue to measure.");
        var rawQueue = await RawQueueAsync(raw, context, longestQueueSku, ct);
        if (!appQueue.Select(q => (q.OrderLineId, q.Eta)).SequenceEqual(rawQueue))
        {
            throw new InvalidOperationException("The raw SQL queue differs from the app's queue.");
        }

        var results = new List<BenchmarkResult>
        {
            await Benchmark.MeasureAsync($"Products page: backordered, by SKU, 50 rows ({appPage.Total:N0} match)", runs, counter,
                () => products.GetPageAsync(pageQuery, ct), () => RawPageAsync(raw, context, ct)),
            await Benchmark.MeasureAsync($"One product's queue with ETAs ({longestQueueSku}, {appQueue.Count:N0} lines)", runs, counter,
                () => products.GetQueueAsync(longestQueueSku, ct), () => RawQueueAsync(raw, context, longestQueueSku, ct)),
        };
        return results;
    }

    private sealed record RawRow(string Sku, string Badge);

    /// <summary>A products page row's stock figures, as the availability rule needs them.</summary>
    private sealed record PageStock(int Id, string Sku, int OnHand, int Allocated, BackorderPolicy BackorderPolicy, int? BackorderCap,
        int LowStockThreshold, int HandlingDays, int QuotedLeadTimeDays, bool LeadTimeIsProducts, DateOnly? PreorderReleaseDate,
        bool Discontinued, int SupplierId, int QueuedUnits, int InboundUnits);

    /// <summary>One product's stock figures (its queue and inbound are read apart).</summary>
    private sealed record ProductStockColumns(int Id, int OnHand, int Allocated, BackorderPolicy BackorderPolicy, int? BackorderCap,
        int LowStockThreshold, int HandlingDays, int QuotedLeadTimeDays, bool LeadTimeIsProducts, DateOnly? PreorderReleaseDate,
        bool Discontinued, int SupplierId);

    private sealed record InboundRow(int ProductId, DateOnly ExpectedDate, int Outstanding);

    /// <summary>A queued line with what the queue shows of it, dates read as dates.</summary>
    private sealed record QueuedLine(int Id, int QtyUnfilled, string Number, string Customer, CustomerTier Tier, DateTime? QueuedAt, DateTime PlacedAt,
        QueuePriority Priority, DateOnly? PromisedShipDate);

    private sealed record Count(int Total);

    /// <summary>The products page by hand: count, page with the same subqueries, inbound of the page; same badge rule.</summary>
    private static async Task<List<RawRow>> RawPageAsync(SqliteConnection connection, AvailabilityService.Context context, CancellationToken ct)
    {
        // Written as a careful hand would: products scanned alone, supplier lead time as a scalar lookup, the
        // cheap lead-time test before the sums, the queue summed from its covering index.
        var columns = $"""
            SELECT p.Id, p.Sku, p.OnHand, p.Allocated, p.BackorderPolicy, p.BackorderCap,
                   COALESCE(p.LowStockThreshold, $threshold) AS LowStockThreshold, COALESCE(p.HandlingDays, $handling) AS HandlingDays,
                   COALESCE(p.LeadTimeDays, (SELECT s.DefaultLeadTimeDays FROM Suppliers s WHERE s.Id = p.SupplierId)) AS QuotedLeadTimeDays,
                   p.LeadTimeDays IS NOT NULL AS LeadTimeIsProducts, p.PreorderReleaseDate, p.Discontinued, p.SupplierId,
                   (SELECT COALESCE(SUM(l.QtyUnfilled), 0) FROM OrderLines l WHERE l.ProductId = p.Id AND l.QtyUnfilled > 0) AS QueuedUnits,
                   (SELECT COALESCE(SUM(pl.QtyOrdered - pl.QtyReceived), 0) FROM PurchaseOrderLines pl JOIN PurchaseOrders po ON po.Id = pl.PurchaseOrderId
                     WHERE pl.ProductId = p.Id AND pl.QtyOrdered > pl.QtyReceived AND {PurchaseOrderRules.IsOpenSql("po")}) AS InboundUnits
            FROM Products p
            """;
        var backordered = $"""
            WHERE NOT p.Discontinued AND NOT (p.PreorderReleaseDate IS NOT NULL AND p.PreorderReleaseDate > $today)
              AND p.OnHand - p.Allocated <= 0 AND p.BackorderPolicy <> $disallowed
              AND (p.BackorderCap IS NULL
                   OR (SELECT COALESCE(SUM(l.QtyUnfilled), 0) FROM OrderLines l WHERE l.ProductId = p.Id AND l.QtyUnfilled > 0) < p.BackorderCap)
              AND (COALESCE(p.LeadTimeDays, (SELECT s.DefaultLeadTimeDays FROM Suppliers s WHERE s.Id = p.SupplierId)) > 0
                   OR (SELECT COALESCE(SUM(pl.QtyOrdered - pl.QtyReceived), 0) FROM PurchaseOrderLines pl JOIN PurchaseOrders po ON po.Id = pl.PurchaseOrderId
                       WHERE pl.ProductId = p.Id AND pl.QtyOrdered > pl.QtyReceived AND {PurchaseOrderRules.IsOpenSql("po")})
                      >= (SELECT COALESCE(SUM(l.QtyUnfilled), 0) FROM OrderLines l WHERE l.ProductId = p.Id AND l.QtyUnfilled > 0) + 1)
            """;
        var settings = context.Settings;
        var parameters = Parameters(context, ("$disallowed", (int)BackorderPolicy.NotAllowed));
        _ = (await connection.Command($"SELECT COUNT(*) AS Total FROM Products p {backordered}", parameters).SingleAsync<Count>(ct)).Total;

        var rows = (await connection.Command($"{columns} {backordered} ORDER BY p.Sku LIMIT 50", parameters).ListAsync<PageStock>(ct))
            .Select(r => new ProductStockRow
            {
                ProductId = r.Id, Sku = r.Sku, OnHand = r.OnHand, Allocated = r.Allocated, Available = r.OnHand - r.Allocated, Policy = r.BackorderPolicy,
                BackorderCap = r.BackorderCap, LowStockThreshold = r.LowStockThreshold, HandlingDays = r.HandlingDays,
                QuotedLeadTimeDays = r.QuotedLeadTimeDays, LeadTimeIsProducts = r.LeadTimeIsProducts, PreorderReleaseDate = r.PreorderReleaseDate,
                Discontinued = r.Discontinued, SupplierId = r.SupplierId, QueuedUnits = r.QueuedUnits, InboundUnits = r.InboundUnits,
            }).ToList();

        var inbound = await RawInboundAsync(connection, rows.Select(r => r.ProductId).ToList(), ct);
        return rows.Select(r =>
        {
            LeadTimeRange? history = context.LeadTimes.TryGetValue(r.SupplierId, out var h) ? h : null;
            var facts = ProductStock.ToFacts(r, inbound.GetValueOrDefault(r.ProductId) ?? [], history);
            return new RawRow(r.Sku, AvailabilityRule.Evaluate(facts, context.Today, settings.DailyFulfilmentCapacity).BadgeText);
        }).ToList();
    }

    /// <summary>The store's defaults and today, which the statements compare with, and any further parameters.</summary>
    private static (string Name, object? Value)[] Parameters(AvailabilityService.Context context, params (string Name, object? Value)[] more) =>
    [
        ("$threshold", context.Settings.DefaultLowStockThreshold),
        ("$handling", context.Settings.DefaultHandlingDays),
        ("$today", BulkWrites.Day(context.Today)),
        .. more,
    ];

    private static async Task<Dictionary<int, List<InboundSupply>>> RawInboundAsync(SqliteConnection connection, List<int> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }
        var rows = await connection.Command($"""
            SELECT pl.ProductId, po.ExpectedDate, pl.QtyOrdered - pl.QtyReceived AS Outstanding FROM PurchaseOrderLines pl
            JOIN PurchaseOrders po ON po.Id = pl.PurchaseOrderId
            WHERE pl.ProductId IN ({string.Join(",", ids)}) AND {PurchaseOrderRules.IsOpenSql("po")} AND pl.QtyOrdered > pl.QtyReceived
            """).ListAsync<InboundRow>(ct);
        return rows.GroupBy(r => r.ProductId).ToDictionary(g => g.Key, g => g.Select(r => new InboundSupply(r.ExpectedDate, r.Outstanding)).ToList());
    }

    /// <summary>One product's queue by hand: the product's figures, its inbound, its queued lines; same ETA walk.</summary>
    private static async Task<List<(int, DateOnly?)>> RawQueueAsync(SqliteConnection connection, AvailabilityService.Context context, string sku, CancellationToken ct)
    {
        var (row, inbound) = await RawProductAsync(connection, context, sku, ct);

        // Like the app, the rows carry what the page shows, dates read as dates.
        var lines = await connection.Command($"""
            SELECT l.Id, l.QtyUnfilled, o.Number, c.Name AS Customer, c.Tier, l.QueuedAt, o.PlacedAt, l.Priority, l.PromisedShipDate
            FROM OrderLines l JOIN Orders o ON o.Id = l.OrderId JOIN Customers c ON c.Id = o.CustomerId
            WHERE l.ProductId = $id AND l.QtyUnfilled > 0
            ORDER BY {QueueOrder.OrderBySql("l")}
            """, ("$id", row.ProductId)).ListAsync<QueuedLine>(ct);
        LeadTimeRange? history = context.LeadTimes.TryGetValue(row.SupplierId, out var h) ? h : null;
        var facts = ProductStock.ToFacts(row, inbound, history) with { QueuedUnits = lines.Sum(l => l.QtyUnfilled) };
        var etas = AvailabilityRule.QueueEtas(facts, lines.Select(l => l.QtyUnfilled).ToList(), context.Today, context.Settings.DailyFulfilmentCapacity);
        return lines.Select((l, i) => (l.Id, etas[i])).ToList();
    }

    /// <summary>A product's stock figures and open inbound by hand, as the availability rule needs them.</summary>
    internal static async Task<(ProductStockRow Row, List<InboundSupply> Inbound)> RawProductAsync(SqliteConnection connection,
        AvailabilityService.Context context, string sku, CancellationToken ct)
    {
        var p = await connection.Command("""
            SELECT p.Id, p.OnHand, p.Allocated, p.BackorderPolicy, p.BackorderCap, COALESCE(p.LowStockThreshold, $threshold) AS LowStockThreshold,
                   COALESCE(p.HandlingDays, $handling) AS HandlingDays, COALESCE(p.LeadTimeDays, s.DefaultLeadTimeDays) AS QuotedLeadTimeDays,
                   p.LeadTimeDays IS NOT NULL AS LeadTimeIsProducts, p.PreorderReleaseDate, p.Discontinued, p.SupplierId
            FROM Products p JOIN Suppliers s ON s.Id = p.SupplierId WHERE p.Sku = $sku
            """, Parameters(context, ("$sku", sku))).SingleAsync<ProductStockColumns>(ct);
        var row = new ProductStockRow
        {
            ProductId = p.Id, Sku = sku, OnHand = p.OnHand, Allocated = p.Allocated, Policy = p.BackorderPolicy, BackorderCap = p.BackorderCap,
            LowStockThreshold = p.LowStockThreshold, HandlingDays = p.HandlingDays, QuotedLeadTimeDays = p.QuotedLeadTimeDays,
            LeadTimeIsProducts = p.LeadTimeIsProducts, PreorderReleaseDate = p.PreorderReleaseDate, Discontinued = p.Discontinued, SupplierId = p.SupplierId,
        };
        var inbound = await RawInboundAsync(connection, [row.ProductId], ct);
        return (row, inbound.GetValueOrDefault(row.ProductId) ?? []);
    }
}
