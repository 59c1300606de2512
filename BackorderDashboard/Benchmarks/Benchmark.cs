using System.Diagnostics;
using System.Globalization;
using BackorderDashboard.Data;
using BackorderDashboard.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackorderDashboard.Benchmarks;

/// <summary>
/// One scenario's figures: the app, the same work in hand-written SQL, and (for pages) the floor: the cheapest read of
/// the rows the page shows, a keyset read of the same index or the one index lookup, timed in the same rounds.
/// </summary>
public sealed record BenchmarkResult(string Scenario, int Runs, double MedianMs, double P95Ms, double RoundTrips, double RawMedianMs,
    double FloorMedianMs = double.NaN, double FloorP95Ms = double.NaN)
{
    public double Ratio => RawMedianMs > 0 ? MedianMs / RawMedianMs : double.NaN;

    /// <summary>The app's median over the floor's median (NaN when the scenario has no floor).</summary>
    public double FloorRatio => FloorMedianMs > 0 ? MedianMs / FloorMedianMs : double.NaN;

    /// <summary>The app's 95th percentile over the floor's.</summary>
    public double FloorP95Ratio => FloorP95Ms > 0 ? P95Ms / FloorP95Ms : double.NaN;

    public bool HasFloor => !double.IsNaN(FloorMedianMs);
}

/// <summary>
/// The app's own services on the benchmark's database, built from <see cref="BackorderDashboardServices.AddBackorderDashboard"/>
/// with the database swapped and a round-trip counter on every context; no background services run.
/// </summary>
public sealed class BenchmarkServices : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly AsyncServiceScope _scope;

    private BenchmarkServices(ServiceProvider provider, CommandCounter counter)
    {
        _provider = provider;
        _scope = provider.CreateAsyncScope();
        Counter = counter;
    }

    public CommandCounter Counter { get; }

    public IDbContextFactory<AppDbContext> Factory => Get<IDbContextFactory<AppDbContext>>();

    /// <summary>
    /// <paramref name="counter"/> is shared when two service sets are timed together; <paramref name="configure"/>
    /// replaces a registration (a cache's lifetime, say) after the app's own.
    /// </summary>
    public static BenchmarkServices Create(string connectionString, CommandCounter? counter = null, Action<IServiceCollection>? configure = null,
        params IInterceptor[] interceptors)
    {
        counter ??= new CommandCounter();
        var services = BackorderDashboardServices.Standalone(new Dictionary<string, string?>(), Environments.Production, Directory.GetCurrentDirectory());
        services.AddBackorderDashboardDatabase(connectionString, [counter, .. interceptors]);
        services.RemoveAll<IHostedService>();
        configure?.Invoke(services);
        return new BenchmarkServices(services.BuildServiceProvider(), counter);
    }

    public T Get<T>() where T : notnull => _scope.ServiceProvider.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _provider.DisposeAsync();
    }
}

/// <summary>
/// What every benchmark scenario shares: a raw Microsoft.Data.Sqlite connection for the hand-written side,
/// interleaved timing and the printed table.
/// </summary>
public static class Benchmark
{

    public static async Task<SqliteConnection> OpenRawAsync(string connectionString, CancellationToken ct)
    {
        var raw = new SqliteConnection(connectionString);
        await raw.OpenAsync(ct);
        await using var pragma = raw.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;";
        await pragma.ExecuteNonQueryAsync(ct);
        return raw;
    }

    /// <summary>
    /// Times the app, the raw side and (when given) the floor alternately (so all see the same machine load) after
    /// three warm-up rounds; <paramref name="prepare"/> runs untimed before each app and raw call (for scenarios that
    /// change data). The floor only reads, so it needs no preparation.
    /// </summary>
    public static async Task<BenchmarkResult> MeasureAsync(string name, int runs, CommandCounter counter,
        Func<Task> app, Func<Task> raw, Func<Task>? prepare = null, Func<Task>? floor = null)
    {
        prepare ??= () => Task.CompletedTask;
        for (var i = 0; i < 3; i++)
        {
            await prepare();
            await app();
            await prepare();
            await raw();
            if (floor is not null)
            {
                await floor();
            }
        }
        var appTimes = new List<double>();
        var rawTimes = new List<double>();
        var floorTimes = new List<double>();
        var trips = 0;
        for (var i = 0; i < runs; i++)
        {
            await prepare();
            counter.Reset();
            var watch = Stopwatch.StartNew();
            await app();
            appTimes.Add(watch.Elapsed.TotalMilliseconds);
            trips += counter.Count;
            await prepare();
            watch.Restart();
            await raw();
            rawTimes.Add(watch.Elapsed.TotalMilliseconds);
            if (floor is not null)
            {
                watch.Restart();
                await floor();
                floorTimes.Add(watch.Elapsed.TotalMilliseconds);
            }
        }
        return new BenchmarkResult(name, runs, Percentile(appTimes, 0.5), Percentile(appTimes, 0.95), (double)trips / runs, Percentile(rawTimes, 0.5),
            floorTimes.Count > 0 ? Percentile(floorTimes, 0.5) : double.NaN, floorTimes.Count > 0 ? Percentile(floorTimes, 0.95) : double.NaN);
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    public static void Print(IReadOnlyList<BenchmarkResult> results, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine("| scenario | runs | median ms | p95 ms | round trips | raw SQL median ms | ratio to raw | floor median ms | ratio to floor | p95 ratio to floor |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var floor = r.HasFloor ? string.Create(c, $"{r.FloorMedianMs:0.000} | {r.FloorRatio:0.00}× | {r.FloorP95Ratio:0.00}×") : "– | – | –";
            output.WriteLine(string.Create(c, $"| {r.Scenario} | {r.Runs} | {r.MedianMs:0.00} | {r.P95Ms:0.00} | {r.RoundTrips:0.#} | {r.RawMedianMs:0.00} | {r.Ratio:0.00}× | {floor} |"));
        }
        output.WriteLine();
        output.WriteLine("Targets: every list page at most 5× its floor, median and p95; the products page at most 3 round trips and p95 at most 50 ms;");
        output.WriteLine("receiving at most 1.3× raw SQL, a cancellation at most 1.2×.");
    }

    /// <summary>
    /// The growth table: each scenario on the default store beside the same scenario on a store <paramref name="factor"/>
    /// times larger (matched by order, as both runs time the same families), and the ratio of their medians.
    /// </summary>
    public static void PrintGrowth(IReadOnlyList<BenchmarkResult> small, IReadOnlyList<BenchmarkResult> large, double factor, TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine(string.Create(c, $"Growth: the same scenarios on a store {factor:0.#}× larger"));
        output.WriteLine();
        output.WriteLine("| scenario (on the larger store) | default store median ms | larger store median ms | growth ratio | larger store ratio to floor |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (s, l) in small.Zip(large))
        {
            var floor = l.HasFloor ? string.Create(c, $"{l.FloorRatio:0.00}×") : "–";
            output.WriteLine(string.Create(c, $"| {l.Scenario} | {s.MedianMs:0.00} | {l.MedianMs:0.00} | {GrowthRatio(s, l):0.00}× | {floor} |"));
        }
        output.WriteLine();
        output.WriteLine("Target: list pages within 1.25× when the data grows 4×; receiving and cancellation depend on the queue they touch, not on the store.");
    }

    public static double GrowthRatio(BenchmarkResult small, BenchmarkResult large) => small.MedianMs > 0 ? large.MedianMs / small.MedianMs : double.NaN;
}
