using System.Diagnostics;
using System.Globalization;
using BackorderDashboard.Data;
using BackorderDashboard.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackorderDashboard.Benchmarks;

public sealed record BenchmarkResult(string Scenario, int Runs, double MedianMs, double P95Ms, double RoundTrips, double RawMedianMs)
{
    public double Ratio => RawMedianMs > 0 ? MedianMs / RawMedianMs : double.NaN;
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
    /// Times the app and the raw side alternately (so both see the same machine load) after three warm-up rounds;
    /// <paramref name="prepare"/> runs untimed before each call on either side (for scenarios that change data).
    /// </summary>
    public static async Task<BenchmarkResult> MeasureAsync(string name, int runs, CommandCounter counter,
        Func<Task> app, Func<Task> raw, Func<Task>? prepare = null)
    {
        prepare ??= () => Task.CompletedTask;
        for (var i = 0; i < 3; i++)
        {
            await prepare();
            await app();
            await prepare();
            await raw();
        }
        var appTimes = new List<double>();
        var rawTimes = new List<double>();
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
        }
        return new BenchmarkResult(name, runs, Percentile(appTimes, 0.5), Percentile(appTimes, 0.95), (double)trips / runs, Percentile(rawTimes, 0.5));
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
        output.WriteLine("| scenario | runs | median ms | p95 ms | round trips | raw SQL median ms | ratio to raw |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            output.WriteLine(string.Create(c, $"| {r.Scenario} | {r.Runs} | {r.MedianMs:0.00} | {r.P95Ms:0.00} | {r.RoundTrips:0.#} | {r.RawMedianMs:0.00} | {r.Ratio:0.00}× |"));
        }
        output.WriteLine();
        output.WriteLine("Targets for the products page: at most 2× raw SQL, at most 3 round trips, p95 at most 50 ms.");
    }
}
