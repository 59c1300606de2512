using BackorderDashboard.Data.Large;
using BackorderDashboard.Features.Products;
using Microsoft.Data.Sqlite;

namespace BackorderDashboard.Tests.Features.Products;

/// <summary>
/// The benchmark tool on a small store: it builds the store, checks that the app and the hand-written SQL return the
/// same page and queue (it refuses to time them otherwise) and reports round trips. Timings are not asserted here:
/// they belong to the benchmark run on the large store.
/// </summary>
public class ProductsBenchmarkTests
{
    [Fact]
    public async Task Benchmark_SmallStore_AppAndRawSqlAgreeInThreeRoundTrips()
    {
        var path = Path.Combine(Path.GetTempPath(), $"large-test-{Guid.NewGuid():N}.db");
        try
        {
            var connection = await LargeDatabase.CreateAsync(path, new LargeDatabaseSize(2_000, 20_000, 2_000, 200), TextWriter.Null);
            var output = new StringWriter();

            var results = await ProductsBenchmark.RunAsync(connection, runs: 3, output);

            Assert.Equal(2, results.Count);
            Assert.All(results, r => Assert.Equal(3, r.RoundTrips));
            Assert.Contains("| Products page: backordered", output.ToString());
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
