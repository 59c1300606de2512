using System.Diagnostics;
using System.Globalization;
using System.Text;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Import;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Benchmarks;

/// <summary>What one import took: checking the file, committing it, and the longest another writer had to wait meanwhile.</summary>
public sealed record ImportTiming(string Scenario, int Rows, double PreviewSeconds, double CommitSeconds, double LongestWriterWaitMs, string Outcome);

/// <summary>
/// Times a merchant bringing in their store through the import service, on a new store of its own (a temporary
/// database, deleted afterwards; the large store stays as built): a 100,000-row products file, then a 10,000-order
/// orders file over 1,000 products with a little stock each. While each commit runs, a second connection writes a
/// row every 50 ms (as another user's change would), and the longest it waited for the write lock is reported.
/// </summary>
public static class ImportBenchmark
{
    public static async Task<IReadOnlyList<ImportTiming>> RunAsync(int productRows = 100_000, int orders = 10_000, TextWriter? log = null,
        CancellationToken ct = default)
    {
        var path = Path.Combine(Path.GetTempPath(), $"backorders-import-bench-{Guid.NewGuid():N}.db");
        var connection = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        try
        {
            await using var services = BenchmarkServices.Create(connection);
            await using (var db = await services.Factory.CreateDbContextAsync(ct))
            {
                await db.Database.MigrateAsync(ct);
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
                await db.Database.ExecuteSqlRawAsync("CREATE TABLE bench_probe (id INTEGER PRIMARY KEY, at TEXT)", ct);
            }
            var import = services.Get<ImportService>();
            var now = services.Get<TimeProvider>().GetUtcNow().UtcDateTime;
            var results = new List<ImportTiming>();

            results.Add(await TimeAsync(import, connection, $"Products file, {productRows:N0} new products", ProductsFile(productRows), productRows, ct));
            log?.WriteLine(results[^1]);

            await SeedCatalogueAsync(services, 1_000, ct);
            results.Add(await TimeAsync(import, connection, $"Orders file, {orders:N0} orders over 1,000 products", OrdersFile(orders, 1_000, now), orders, ct));
            log?.WriteLine(results[^1]);
            return results;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    private static async Task<ImportTiming> TimeAsync(ImportService import, string connection, string scenario, byte[] file, int rows, CancellationToken ct)
    {
        var actor = Actor.System;
        var watch = Stopwatch.StartNew();
        var preview = await import.PreviewAsync(file, "bench.csv", null, actor, null, ct);
        var previewSeconds = watch.Elapsed.TotalSeconds;
        if (!preview.CanCommit)
        {
            return new ImportTiming(scenario, rows, previewSeconds, 0, 0,
                preview.Refusal ?? string.Join("; ", preview.Problems.Take(3).Select(p => $"row {p.Row} {p.Column}: {p.Message}")));
        }
        using var stop = new CancellationTokenSource();
        var probe = ProbeAsync(connection, stop.Token);
        watch.Restart();
        var result = await import.CommitAsync(file, "bench.csv", null, actor, null, ct);
        var commitSeconds = watch.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        var longest = await probe;
        return new ImportTiming(scenario, rows, previewSeconds, commitSeconds, longest, result.Succeeded ? preview.Summary : result.Message);
    }

    /// <summary>Another user's small writes, one every 50 ms; the longest any of them waited for the lock, in ms.</summary>
    private static async Task<double> ProbeAsync(string connectionString, CancellationToken stop)
    {
        await using var raw = new SqliteConnection(connectionString);
        await raw.OpenAsync(CancellationToken.None);
        await using (var pragma = raw.CreateCommand())
        {
            pragma.CommandText = "PRAGMA busy_timeout = 120000;";
            await pragma.ExecuteNonQueryAsync(CancellationToken.None);
        }
        var longest = 0.0;
        while (!stop.IsCancellationRequested)
        {
            var watch = Stopwatch.StartNew();
            try
            {
                await using var write = raw.CreateCommand();
                write.CommandText = "INSERT INTO bench_probe (at) VALUES (datetime('now'))";
                await write.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (SqliteException e) when (e.SqliteErrorCode == 5)
            {
                // Waited its whole busy timeout: the import held the lock at least that long.
            }
            longest = Math.Max(longest, watch.Elapsed.TotalMilliseconds);
            try
            {
                await Task.Delay(50, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return longest;
    }

    public static byte[] ProductsFile(int rows)
    {
        var csv = new StringBuilder("sku,name,category,supplier,price,on_hand,backorder_policy,backorder_cap,low_stock_threshold,lead_time_days\r\n");
        for (var i = 1; i <= rows; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"IMP-{i:000000},Imported product {i},Category {i % 40},Supplier {i % 25},{10 + i % 90}.{i % 100:00},{i % 30},")
                .Append((i % 3) switch { 0 => "deny", 1 => "allow", _ => "allow_notify" })
                .Append(CultureInfo.InvariantCulture, $",,{i % 10},{7 + i % 30}\r\n");
        }
        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    public static byte[] OrdersFile(int orders, int products, DateTime now)
    {
        var csv = new StringBuilder("order_number,placed_at,customer_email,customer_name,sku,quantity,unit_price,ship_policy\r\n");
        var random = new Random(7);
        for (var i = 1; i <= orders; i++)
        {
            var placed = now.AddDays(-60).AddMinutes(i * 8).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            var customer = random.Next(1, orders / 2);
            foreach (var sku in Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(1, products + 1)).Distinct())
            {
                csv.Append(CultureInfo.InvariantCulture,
                    $"EXT-{i:000000},{placed},customer{customer}@example.com,Customer {customer},CAT-{sku:0000},{random.Next(1, 4)},19.90,ship_available\r\n");
            }
        }
        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    /// <summary>The products the orders file orders: a few units on hand and a purchase order each, so most orders wait.</summary>
    private static async Task SeedCatalogueAsync(BenchmarkServices services, int products, CancellationToken ct)
    {
        await using var db = await services.Factory.CreateDbContextAsync(ct);
        var category = new Category { Name = "Orders bench" };
        var supplier = new Supplier { Name = "Orders bench supplier", DefaultLeadTimeDays = 14 };
        var today = (await services.Get<SettingsService>().GetClockAsync(ct)).Today;
        for (var i = 1; i <= products; i++)
        {
            var product = new Product
            {
                Sku = $"CAT-{i:0000}", Name = $"Catalogue product {i}", Category = category, Supplier = supplier, PriceCents = 1990, OnHand = 5,
                BackorderPolicy = BackorderPolicy.Allowed,
            };
            db.Products.Add(product);
            db.StockLedger.Add(new StockLedgerEntry { Product = product, OnHandDelta = 5, Reason = StockReason.Import, At = DateTime.UtcNow });
            db.PurchaseOrders.Add(new PurchaseOrder
            {
                Number = $"PO-CAT-{i:0000}", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, ExpectedDate = today.AddDays(10 + i % 20),
                Lines = [new PurchaseOrderLine { Product = product, QtyOrdered = 50 }],
            });
        }
        await db.SaveChangesAsync(ct);
    }

    public static void Print(IReadOnlyList<ImportTiming> timings, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("| import | rows | preview s | commit s | longest wait of another writer ms | outcome |");
        output.WriteLine("|---|---:|---:|---:|---:|---|");
        foreach (var t in timings)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {t.Scenario} | {t.Rows:N0} | {t.PreviewSeconds:0.00} | {t.CommitSeconds:0.00} | {t.LongestWriterWaitMs:0} | {t.Outcome} |"));
        }
    }
}
