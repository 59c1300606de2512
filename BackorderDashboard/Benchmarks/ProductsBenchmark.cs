using System.Diagnostics;
using System.Globalization;
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

    /// <summary>The products page by hand: count, page with the same subqueries, inbound of the page; same badge rule.</summary>
    private static async Task<List<RawRow>> RawPageAsync(SqliteConnection connection, AvailabilityService.Context context, CancellationToken ct)
    {
        // Written as a careful hand would: products scanned alone, supplier lead time as a scalar lookup, the
        // cheap lead-time test before the sums, the queue summed from its covering index.
        const string Columns = """
            SELECT p.Id, p.Sku, p.OnHand, p.Allocated, p.BackorderPolicy, p.BackorderCap,
                   COALESCE(p.LowStockThreshold, $threshold), COALESCE(p.HandlingDays, $handling),
                   COALESCE(p.LeadTimeDays, (SELECT s.DefaultLeadTimeDays FROM Suppliers s WHERE s.Id = p.SupplierId)),
                   p.LeadTimeDays IS NOT NULL, p.PreorderReleaseDate, p.Discontinued, p.SupplierId,
                   (SELECT COALESCE(SUM(l.QtyUnfilled), 0) FROM OrderLines l WHERE l.ProductId = p.Id AND l.QtyUnfilled > 0),
                   (SELECT COALESCE(SUM(pl.QtyOrdered - pl.QtyReceived), 0) FROM PurchaseOrderLines pl JOIN PurchaseOrders po ON po.Id = pl.PurchaseOrderId
                     WHERE pl.ProductId = p.Id AND pl.QtyOrdered > pl.QtyReceived AND po.Status IN (1, 2))
            FROM Products p
            """;
        const string Backordered = """
            WHERE NOT p.Discontinued AND NOT (p.PreorderReleaseDate IS NOT NULL AND p.PreorderReleaseDate > $today)
              AND p.OnHand - p.Allocated <= 0 AND p.BackorderPolicy <> 0
              AND (p.BackorderCap IS NULL
                   OR (SELECT COALESCE(SUM(l.QtyUnfilled), 0) FROM OrderLines l WHERE l.ProductId = p.Id AND l.QtyUnfilled > 0) < p.BackorderCap)
              AND (COALESCE(p.LeadTimeDays, (SELECT s.DefaultLeadTimeDays FROM Suppliers s WHERE s.Id = p.SupplierId)) > 0
                   OR (SELECT COALESCE(SUM(pl.QtyOrdered - pl.QtyReceived), 0) FROM PurchaseOrderLines pl JOIN PurchaseOrders po ON po.Id = pl.PurchaseOrderId
                       WHERE pl.ProductId = p.Id AND pl.QtyOrdered > pl.QtyReceived AND po.Status IN (1, 2))
                      >= (SELECT COALESCE(SUM(l.QtyUnfilled), 0) FROM OrderLines l WHERE l.ProductId = p.Id AND l.QtyUnfilled > 0) + 1)
            """;
        var settings = context.Settings;
        await using var count = connection.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) FROM Products p {Backordered}";
        Bind(count, context);
        _ = Convert.ToInt32(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);

        await using var page = connection.CreateCommand();
        page.CommandText = $"{Columns} {Backordered} ORDER BY p.Sku LIMIT 50";
        Bind(page, context);
        var rows = new List<(ProductStockRow Row, string Sku)>();
        await using (var reader = await page.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add((new ProductStockRow
                {
                    ProductId = reader.GetInt32(0), Sku = reader.GetString(1), OnHand = reader.GetInt32(2), Allocated = reader.GetInt32(3),
                    Available = reader.GetInt32(2) - reader.GetInt32(3), Policy = (BackorderPolicy)reader.GetInt32(4),
                    BackorderCap = reader.IsDBNull(5) ? null : reader.GetInt32(5), LowStockThreshold = reader.GetInt32(6),
                    HandlingDays = reader.GetInt32(7), QuotedLeadTimeDays = reader.GetInt32(8), LeadTimeIsProducts = reader.GetBoolean(9),
                    PreorderReleaseDate = reader.IsDBNull(10) ? null : DateOnly.Parse(reader.GetString(10), CultureInfo.InvariantCulture),
                    Discontinued = reader.GetBoolean(11), SupplierId = reader.GetInt32(12), QueuedUnits = reader.GetInt32(13),
                    InboundUnits = reader.GetInt32(14),
                }, reader.GetString(1)));
            }
        }

        var inbound = await RawInboundAsync(connection, rows.Select(r => r.Row.ProductId).ToList(), ct);
        return rows.Select(r =>
        {
            LeadTimeRange? history = context.LeadTimes.TryGetValue(r.Row.SupplierId, out var h) ? h : null;
            var facts = ProductStock.ToFacts(r.Row, inbound.GetValueOrDefault(r.Row.ProductId) ?? [], history);
            return new RawRow(r.Sku, AvailabilityRule.Evaluate(facts, context.Today, settings.DailyFulfilmentCapacity).BadgeText);
        }).ToList();
    }

    private static void Bind(SqliteCommand command, AvailabilityService.Context context)
    {
        command.Parameters.AddWithValue("$threshold", context.Settings.DefaultLowStockThreshold);
        command.Parameters.AddWithValue("$handling", context.Settings.DefaultHandlingDays);
        command.Parameters.AddWithValue("$today", context.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    private static async Task<Dictionary<int, List<InboundSupply>>> RawInboundAsync(SqliteConnection connection, List<int> ids, CancellationToken ct)
    {
        var result = new Dictionary<int, List<InboundSupply>>();
        if (ids.Count == 0)
        {
            return result;
        }
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT pl.ProductId, po.ExpectedDate, pl.QtyOrdered - pl.QtyReceived FROM PurchaseOrderLines pl
            JOIN PurchaseOrders po ON po.Id = pl.PurchaseOrderId
            WHERE pl.ProductId IN ({string.Join(",", ids)}) AND po.Status IN (1, 2) AND pl.QtyOrdered > pl.QtyReceived
            """;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetInt32(0);
            if (!result.TryGetValue(id, out var list))
            {
                result[id] = list = [];
            }
            list.Add(new InboundSupply(DateOnly.Parse(reader.GetString(1), CultureInfo.InvariantCulture), reader.GetInt32(2)));
        }
        return result;
    }

    /// <summary>One product's queue by hand: the product's figures, its inbound, its queued lines; same ETA walk.</summary>
    private static async Task<List<(int, DateOnly?)>> RawQueueAsync(SqliteConnection connection, AvailabilityService.Context context, string sku, CancellationToken ct)
    {
        var (row, inbound) = await RawProductAsync(connection, context, sku, ct);

        await using var queue = connection.CreateCommand();
        queue.CommandText = """
            SELECT l.Id, l.QtyUnfilled, o.Number, c.Name, c.Tier, l.QueuedAt, o.PlacedAt, l.Priority, l.PromisedShipDate
            FROM OrderLines l JOIN Orders o ON o.Id = l.OrderId JOIN Customers c ON c.Id = o.CustomerId
            WHERE l.ProductId = $id AND l.QtyUnfilled > 0
            ORDER BY l.Priority DESC, l.QueuedAt, l.Id
            """;
        queue.Parameters.AddWithValue("$id", row.ProductId);
        var lines = new List<(int Id, int Unfilled, string Number, string Customer, int Tier, string? Queued, string Placed, int Priority, string? Promised)>();
        await using (var reader = await queue.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                lines.Add((reader.GetInt32(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6), reader.GetInt32(7),
                    reader.IsDBNull(8) ? null : reader.GetString(8)));
            }
        }
        LeadTimeRange? history = context.LeadTimes.TryGetValue(row.SupplierId, out var h) ? h : null;
        var facts = ProductStock.ToFacts(row, inbound, history) with { QueuedUnits = lines.Sum(l => l.Unfilled) };
        // Like the app, the rows carry what the page shows: dates parsed, promises compared.
        _ = lines.Select(l => (DateTime.Parse(l.Queued ?? l.Placed, CultureInfo.InvariantCulture),
            l.Promised is null ? (DateOnly?)null : DateOnly.Parse(l.Promised, CultureInfo.InvariantCulture))).ToList();
        var etas = AvailabilityRule.QueueEtas(facts, lines.Select(l => l.Unfilled).ToList(), context.Today, context.Settings.DailyFulfilmentCapacity);
        return lines.Select((l, i) => (l.Id, etas[i])).ToList();
    }

    /// <summary>A product's stock figures and open inbound by hand, as the availability rule needs them.</summary>
    internal static async Task<(ProductStockRow Row, List<InboundSupply> Inbound)> RawProductAsync(SqliteConnection connection,
        AvailabilityService.Context context, string sku, CancellationToken ct)
    {
        await using var product = connection.CreateCommand();
        product.CommandText = """
            SELECT p.Id, p.OnHand, p.Allocated, p.BackorderPolicy, p.BackorderCap, COALESCE(p.LowStockThreshold, $threshold),
                   COALESCE(p.HandlingDays, $handling), COALESCE(p.LeadTimeDays, s.DefaultLeadTimeDays), p.LeadTimeDays IS NOT NULL,
                   p.PreorderReleaseDate, p.Discontinued, p.SupplierId
            FROM Products p JOIN Suppliers s ON s.Id = p.SupplierId WHERE p.Sku = $sku
            """;
        Bind(product, context);
        product.Parameters.AddWithValue("$sku", sku);
        ProductStockRow row;
        await using (var reader = await product.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            row = new ProductStockRow
            {
                ProductId = reader.GetInt32(0), Sku = sku, OnHand = reader.GetInt32(1), Allocated = reader.GetInt32(2),
                Policy = (BackorderPolicy)reader.GetInt32(3), BackorderCap = reader.IsDBNull(4) ? null : reader.GetInt32(4),
                LowStockThreshold = reader.GetInt32(5), HandlingDays = reader.GetInt32(6), QuotedLeadTimeDays = reader.GetInt32(7),
                LeadTimeIsProducts = reader.GetBoolean(8),
                PreorderReleaseDate = reader.IsDBNull(9) ? null : DateOnly.Parse(reader.GetString(9), CultureInfo.InvariantCulture),
                Discontinued = reader.GetBoolean(10), SupplierId = reader.GetInt32(11),
            };
        }
        var inbound = await RawInboundAsync(connection, [row.ProductId], ct);
        return (row, inbound.GetValueOrDefault(row.ProductId) ?? []);
    }
}
