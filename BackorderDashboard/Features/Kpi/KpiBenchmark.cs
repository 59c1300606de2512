using System.Diagnostics;
using BackorderDashboard.Data.Large;
using BackorderDashboard.Domain;
using Microsoft.Data.Sqlite;

namespace BackorderDashboard.Features.Kpi;

/// <summary>
/// Times everything the KPI page reads for its default view (last 90 days by week, no filter) on the large store:
/// the first load (no cached report; SQLite's page cache as the previous scenarios left it) and a reload within the
/// cache's lifetime, against the same statements run directly on a connection of their own (KPI_TRACE=1 prints each one's time).
/// </summary>
public static class KpiBenchmark
{
    public static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(string connectionString, int runs, CancellationToken ct = default)
    {
        var (factory, counter) = Benchmark.CreateFactory(connectionString);
        var settings = new SettingsService(factory, TimeProvider.System);
        var today = (await settings.GetClockAsync(ct)).Today;
        var query = new KpiQuery(today.AddDays(-89), today, KpiGrouping.Week);
        var uncached = new KpiService(factory, settings, new KpiCache(TimeProvider.System, TimeSpan.Zero));
        var cached = new KpiService(factory, settings, new KpiCache(TimeProvider.System, TimeSpan.FromHours(1)));
        await using var raw = await Benchmark.OpenRawAsync(connectionString, ct);
        var statements = await uncached.StatementsAsync(query, ct);
        if (Environment.GetEnvironmentVariable("KPI_TRACE") == "1")
        {
            foreach (var st in statements)
            {
                var w = Stopwatch.StartNew();
                await RawAsync(raw, [st], ct);
                Console.WriteLine($"{w.ElapsedMilliseconds} ms: {st.Sql[..Math.Min(120, st.Sql.Length)].ReplaceLineEndings(" ")}");
            }
        }

        // Both sides must count the same orders before either is timed.
        var report = await uncached.GetAsync(query, ct);
        var rawOrders = await RawAsync(raw, statements, ct);
        if (rawOrders != report.Period.BackorderRate.Denominator)
        {
            throw new InvalidOperationException("The raw SQL statements count other orders than the app: the comparison would be meaningless.");
        }
        await cached.GetAsync(query, ct);
        return
        [
            await Benchmark.MeasureAsync($"KPI page, last 90 days by week, first load ({report.Period.BackorderRate.Denominator:N0} orders)", Math.Min(runs, 20), counter,
                () => uncached.GetAsync(query, ct), () => RawAsync(raw, statements, ct)),
            await Benchmark.MeasureAsync("KPI page, reload while the report is cached", runs, counter,
                () => cached.GetAsync(query, ct), () => RawAsync(raw, statements, ct)),
        ];
    }

    /// <summary>Runs every statement the page needs, reading every row; returns the orders the daily statement counted.</summary>
    private static async Task<long> RawAsync(SqliteConnection connection, IReadOnlyList<(string Sql, IReadOnlyList<(string Name, object? Value)> Parameters)> statements,
        CancellationToken ct)
    {
        long orders = 0;
        for (var i = 0; i < statements.Count; i++)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = statements[i].Sql;
            foreach (var (name, value) in statements[i].Parameters)
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (i == 0 && reader.FieldCount > 1 && !reader.IsDBNull(1))
                {
                    orders += reader.GetInt64(1);
                }
                for (var c = 0; c < reader.FieldCount; c++)
                {
                    _ = reader.GetValue(c);
                }
            }
        }
        return orders;
    }
}
