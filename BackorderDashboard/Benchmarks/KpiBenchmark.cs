using System.Diagnostics;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Kpi;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackorderDashboard.Benchmarks;

/// <summary>
/// Times everything the KPI page reads for its default view (last 90 days by week, no filter) on the large store:
/// the first load with the rollups current (no cached report), the first load right after an order changed today
/// (the day's rollup is rebuilt first), and a reload within the cache's lifetime; each against the same statements
/// run directly on a connection of their own (recorded from the app's first load by <see cref="StatementRecorder"/>;
/// KPI_TRACE=1 prints each one's time). Building every rollup from
/// nothing (a new store, or a change of time zone) is timed once and printed.
/// </summary>
public static class KpiBenchmark
{
    public static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(string connectionString, int runs, TextWriter log, CancellationToken ct = default)
    {
        // The first load times the work behind a cache miss, the reload a hit: one service set with no cache, one
        // that keeps reports for the whole run, counted together.
        static Action<IServiceCollection> CacheFor(TimeSpan lifetime) =>
            services => services.Replace(ServiceDescriptor.Singleton(sp => new KpiCache(sp.GetRequiredService<TimeProvider>(), lifetime)));
        await using var app = BenchmarkServices.Create(connectionString, configure: CacheFor(TimeSpan.Zero));
        await using var cachedApp = BenchmarkServices.Create(connectionString, app.Counter, CacheFor(TimeSpan.FromHours(1)));
        var counter = app.Counter;
        var clock = await app.Get<SettingsService>().GetClockAsync(ct);
        var today = clock.Today;
        var query = new KpiQuery(today.AddDays(-89), today, KpiGrouping.Week);
        var rollups = app.Get<KpiRollups>();
        var uncached = app.Get<KpiService>();
        var cached = cachedApp.Get<KpiService>();
        await using var raw = await Benchmark.OpenRawAsync(connectionString, ct);

        var built = await rollups.RefreshAsync(ct);
        if (built.Full)
        {
            log.WriteLine($"Built the KPI rollups from every order, line, parcel and ledger entry in {built.Took.TotalSeconds:N1} s.");
        }
        IReadOnlyList<RecordedStatement> statements;
        var recorder = new StatementRecorder();
        await using (var recording = BenchmarkServices.Create(connectionString, configure: CacheFor(TimeSpan.Zero), interceptors: recorder))
        {
            var kpi = recording.Get<KpiService>();
            statements = await recorder.RecordAsync(() => kpi.GetAsync(query, ct));
        }
        if (Environment.GetEnvironmentVariable("KPI_TRACE") == "1")
        {
            foreach (var st in statements)
            {
                var w = Stopwatch.StartNew();
                await RawAsync(raw, [st], ct);
                log.WriteLine($"{w.ElapsedMilliseconds} ms: {st.Sql[..Math.Min(120, st.Sql.Length)].ReplaceLineEndings(" ")}");
            }
        }

        // Both sides must count the same orders before either is timed.
        var report = await uncached.GetAsync(query, ct);
        var rawOrders = await RawAsync(raw, statements, ct);
        if (rawOrders != report.Period.BackorderRate.Denominator + report.PreviousPeriod.BackorderRate.Denominator)
        {
            throw new InvalidOperationException("The raw SQL statements count other orders than the app: the comparison would be meaningless.");
        }
        await cached.GetAsync(query, ct);

        // After an order is placed (or shipped, or cancelled) today, today's UTC day is marked stale by the database.
        var todayUtc = BulkWrites.Day(DateOnly.FromDateTime(clock.UtcNow));
        async Task MarkToday()
        {
            await raw.Command("INSERT OR IGNORE INTO KpiStaleDays (UtcDay, Source) VALUES ($day, 0)", ("$day", todayUtc)).ExecuteAsync(ct);
        }
        var (fromUtc, toUtc) = (clock.StartOfDayUtc(today), clock.StartOfDayUtc(today.AddDays(1)));
        async Task RebuildTodayRaw()
        {
            await using var tx = (SqliteTransaction)await raw.BeginTransactionAsync(ct);
            var rebuild = raw.Command("DELETE FROM KpiDays WHERE Day = $day; DELETE FROM KpiProductDays WHERE Day = $day;" + KpiRollups.OrderDaysSql(clock, fromUtc, toUtc) +
                "DELETE FROM KpiStaleDays;", ("$day", BulkWrites.Day(today)), ("$from", BulkWrites.Stamp(fromUtc)), ("$to", BulkWrites.Stamp(toUtc)));
            rebuild.Transaction = tx;
            await rebuild.ExecuteAsync(ct);
            await tx.CommitAsync(ct);
        }

        if (Environment.GetEnvironmentVariable("KPI_TRACE") == "1")
        {
            for (var i = 0; i < 5; i++)
            {
                await MarkToday();
                var refresh = await rollups.RefreshAsync(ct);
                log.WriteLine($"{refresh.Took.TotalMilliseconds:N0} ms: refresh of {Words.Count(refresh.OrderDays, "order day")}");
            }
        }
        var orders = report.Period.BackorderRate.Denominator;
        return
        [
            await Benchmark.MeasureAsync($"KPI page, last 90 days by week, first load ({orders:N0} orders; rollups current)", Math.Min(runs, 50), counter,
                () => uncached.GetAsync(query, ct), () => RawAsync(raw, statements, ct)),
            await Benchmark.MeasureAsync("KPI page, first load right after an order changed today (today's rollup rebuilt first)", Math.Min(runs, 30), counter,
                () => uncached.GetAsync(query, ct), async () =>
                {
                    await RebuildTodayRaw();
                    await RawAsync(raw, statements, ct);
                }, MarkToday),
            await Benchmark.MeasureAsync("KPI page, reload while the report is cached", runs, counter,
                () => cached.GetAsync(query, ct), () => RawAsync(raw, statements, ct)),
        ];
    }

    /// <summary>
    /// Runs every statement the page needs, reading every column of every row (the statements are the app's, of any
    /// shape); returns the orders the daily statement counted, from its Orders column.
    /// </summary>
    private static async Task<long> RawAsync(SqliteConnection connection, IReadOnlyList<RecordedStatement> statements, CancellationToken ct)
    {
        long orders = 0;
        for (var i = 0; i < statements.Count; i++)
        {
            await using var command = connection.Command(statements[i].Sql, [.. statements[i].Parameters]);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var ordersColumn = i == 0 ? reader.GetOrdinal("Orders") : -1;
            while (await reader.ReadAsync(ct))
            {
                if (ordersColumn >= 0 && !reader.IsDBNull(ordersColumn))
                {
                    orders += reader.GetInt64(ordersColumn);
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
