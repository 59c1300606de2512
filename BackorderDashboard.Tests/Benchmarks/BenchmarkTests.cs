using BackorderDashboard.Benchmarks;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Data.Sqlite;

namespace BackorderDashboard.Tests.Benchmarks;

/// <summary>
/// The benchmark tool on a small store: it builds the store, checks that the app and the hand-written SQL return the
/// same pages and leave a queue with the same dates (it refuses to time them otherwise) and reports round trips.
/// Timings are not asserted here: they belong to the benchmark run on the large store. They run with the benchmark
/// (<c>dotnet test --filter Category=Benchmark</c>), not in <c>bash .ci/run</c>, which leaves this category out.
/// </summary>
[Trait("Category", "Benchmark")]
public class BenchmarkTests
{
    [Fact]
    public async Task Benchmark_SmallStore_AppAndRawSqlAgreeInThreeRoundTrips()
    {
        var path = Path.Combine(Path.GetTempPath(), $"large-test-{Guid.NewGuid():N}.db");
        try
        {
            var connection = await LargeDatabase.CreateAsync(path, new LargeDatabaseSize(2_000, 20_000, 2_000, 200), TextWriter.Null);
            var output = new StringWriter();

            var results = (await ProductsBenchmark.RunAsync(connection, runs: 3)).Concat(await QueueBenchmark.RunAsync(connection, runs: 3))
                .Concat(await ReceivingBenchmark.RunAsync(connection, runs: 2, queueLength: 500))
                .Concat(await SupportSearchBenchmark.RunAsync(connection, runs: 3))
                .Concat(await ListPagesBenchmark.RunAsync(connection, runs: 3))
                .Concat(await KpiBenchmark.RunAsync(connection, runs: 3, output)).ToList();
            Benchmark.Print(results, output);

            Assert.Equal(16, results.Count);
            Assert.All(results.Take(4), r => Assert.True(r.RoundTrips <= 3, $"{r.Scenario}: {r.RoundTrips} round trips"));
            Assert.Contains("| Products page: backordered", output.ToString());
            Assert.Contains("| Cancel a set-aside unit", output.ToString());
            Assert.Contains("| Support search: part of an e-mail", output.ToString());
            Assert.Contains("| KPI page, last 90 days by week, first load", output.ToString());
            Assert.Contains("| KPI page, first load right after an order changed today", output.ToString());
            Assert.Contains("Built the KPI rollups from every order", output.ToString());
            Assert.Contains("| Support search: a whole order number", output.ToString());
            Assert.Contains("| Receive 1,000 units on a purchase order over a 500-line queue", output.ToString());
            Assert.Contains("| Purchase orders page: 50 rows, first page", output.ToString());
            Assert.Contains("| Purchase orders page: 50 rows, a page half way down", output.ToString());
            Assert.Contains("| Outbox page: 50 rows, first page", output.ToString());
            Assert.Contains("| Outbox page: 50 rows, a page half way down", output.ToString());
            // Every list page and support search is measured against its floor.
            Assert.All(results.Where(r => r.Scenario.StartsWith("Purchase orders page") || r.Scenario.StartsWith("Outbox page")
                || r.Scenario.StartsWith("Support search")), r => Assert.True(r.HasFloor, $"{r.Scenario} has no floor"));

            // Every timed cancellation (app and raw) left the ledger and the product in step, and the queue 5,000 long.
            await using var services = BenchmarkServices.Create(connection);
            await using var db = services.Factory.CreateDbContext();
            var product = await db.Products.SingleAsync(p => p.Sku == QueueBenchmark.QueueSku);
            Assert.Equal(product.OnHand, await db.StockLedger.Where(e => e.ProductId == product.Id).SumAsync(e => e.OnHandDelta));
            Assert.Equal(product.Allocated, await db.StockLedger.Where(e => e.ProductId == product.Id).SumAsync(e => e.AllocatedDelta));
            Assert.Equal(QueueBenchmark.QueueLength, await db.OrderLines.CountAsync(l => l.ProductId == product.Id && l.QtyUnfilled > 0));
            // 2 checked + 3 warm-up + 3 timed rounds, each cancelling one line on each side.
            Assert.Equal(2 + 2 * (3 + 3), await db.OrderLines.CountAsync(l => l.ProductId == product.Id && l.QtyCancelled > 0));
            // The receiving benchmark cleans up after itself.
            Assert.False(await db.Products.AnyAsync(p => p.Sku.StartsWith(ReceivingBenchmark.SkuPrefix)));
            Assert.Equal(await db.Products.SumAsync(p => p.OnHand), await db.StockLedger.SumAsync(e => e.OnHandDelta));
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

    [Fact]
    public async Task QueueBenchmark_WaitingLineWithoutQueuedAt_RawQueuePageAgreesWithTheApp()
    {
        var path = Path.Combine(Path.GetTempPath(), $"large-test-{Guid.NewGuid():N}.db");
        try
        {
            var connection = await LargeDatabase.CreateAsync(path, new LargeDatabaseSize(300, 3_000, 600, 30), TextWriter.Null);
            int lineId, productId;
            await using (var services = BenchmarkServices.Create(connection))
            await using (var db = services.Factory.CreateDbContext())
            {
                // The first product of the page with several standard lines waiting: its latest line loses its queued-at,
                // which puts it first among them (as SQL sorts a null).
                productId = await db.OrderLines.Where(l => l.QtyUnfilled > 0 && l.Priority == QueuePriority.Standard)
                    .GroupBy(l => l.ProductId).Where(g => g.Count() >= 2).Select(g => g.Key)
                    .Join(db.Products, id => id, p => p.Id, (id, p) => new { id, p.Sku }).OrderBy(x => x.Sku).Select(x => x.id).FirstAsync();
                lineId = await db.OrderLines.Where(l => l.ProductId == productId && l.QtyUnfilled > 0 && l.Priority == QueuePriority.Standard)
                    .OrderByDescending(l => l.QueuedAt).Select(l => l.Id).FirstAsync();
                await db.OrderLines.Where(l => l.Id == lineId).ExecuteUpdateAsync(u => u.SetProperty(l => l.QueuedAt, (DateTime?)null));
            }

            await using (var services = BenchmarkServices.Create(connection))
            {
                var page = await services.Get<BackorderService>().GetQueueAsync(new QueueQuery(PageSize: 50));
                await using var db = services.Factory.CreateDbContext();
                var higher = await db.OrderLines.CountAsync(l => l.ProductId == productId && l.QtyUnfilled > 0 && l.Priority > QueuePriority.Standard);
                Assert.Equal(higher + 1, Assert.Single(page.Rows, r => r.LineId == lineId).Position);
            }

            // The benchmark refuses to time a raw queue page that differs from the app's.
            var results = await QueueBenchmark.RunAsync(connection, runs: 1);

            Assert.Equal(4, results.Count);
            Assert.All(results.Take(3), r => Assert.True(r.HasFloor, $"{r.Scenario} has no floor"));
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
}
