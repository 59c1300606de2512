using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Data.Large;

public sealed record BenchmarkResult(string Scenario, int Runs, double MedianMs, double P95Ms, double RoundTrips, double RawMedianMs)
{
    public double Ratio => RawMedianMs > 0 ? MedianMs / RawMedianMs : double.NaN;
}

/// <summary>
/// What every benchmark scenario shares: the app's context factory on the large store with a round-trip counter,
/// a raw Microsoft.Data.Sqlite connection for the hand-written side, interleaved timing and the printed table.
/// </summary>
public static class Benchmark
{
    public static (IDbContextFactory<AppDbContext> Factory, CommandCounter Counter) CreateFactory(string connectionString)
    {
        var counter = new CommandCounter();
        var options = new DbContextOptionsBuilder<AppDbContext>()
            .UseSqlite(connectionString)
            .AddInterceptors(new SqlitePragmas(), counter)
            .UseApplicationServiceProvider(IdentitySchemaSettings.Provider)
            .Options;
        return (new OptionsFactory(options), counter);
    }

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

    private sealed class OptionsFactory(DbContextOptions<AppDbContext> options) : IDbContextFactory<AppDbContext>
    {
        public AppDbContext CreateDbContext() => new(options);
    }
}
