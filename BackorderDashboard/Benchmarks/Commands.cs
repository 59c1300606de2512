using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Benchmarks;

/// <summary>
/// The app's command-line tools, run instead of the web server:
/// <c>generate-large [--path FILE] [--products N] [--lines N] [--open N] [--pos N]</c> builds the large store;
/// <c>benchmark [--path FILE] [--runs N] [--only FAMILY]</c> times the app's queries on it (building it first when missing).
/// </summary>
public static class Commands
{
    public const string DefaultPath = "Data/large.db";

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "generate-large" or "benchmark";

    public static async Task<int> RunAsync(string[] args)
    {
        var path = Option(args, "--path") ?? DefaultPath;
        var size = new LargeDatabaseSize(
            Int(args, "--products") ?? 50_000, Int(args, "--lines") ?? 1_000_000, Int(args, "--open") ?? 100_000, Int(args, "--pos") ?? 5_000);
        try
        {
            if (args[0] == "generate-large" || !File.Exists(path))
            {
                await LargeDatabase.CreateAsync(path, size, Console.Out);
            }
            if (args[0] == "benchmark")
            {
                var connection = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = path }.ToString();
                // A store built by an older version gets the tables added since.
                await using (var services = BenchmarkServices.Create(connection))
                await using (var db = await services.Factory.CreateDbContextAsync())
                {
                    await db.Database.MigrateAsync();
                }
                var runs = Int(args, "--runs") ?? 50;
                var results = new List<BenchmarkResult>();
                // --only products|queue|receiving|support|kpi runs one family of scenarios.
                var only = Option(args, "--only");
                bool Wanted(string family) => only is null || only.Equals(family, StringComparison.OrdinalIgnoreCase);
                if (Wanted("products"))
                {
                    results.AddRange(await ProductsBenchmark.RunAsync(connection, runs));
                }
                if (Wanted("queue"))
                {
                    results.AddRange(await QueueBenchmark.RunAsync(connection, runs));
                }
                if (Wanted("receiving"))
                {
                    results.AddRange(await ReceivingBenchmark.RunAsync(connection, runs));
                }
                if (Wanted("support"))
                {
                    results.AddRange(await SupportSearchBenchmark.RunAsync(connection, runs));
                }
                if (Wanted("kpi"))
                {
                    results.AddRange(await KpiBenchmark.RunAsync(connection, runs, Console.Out));
                }
                Benchmark.Print(results, Console.Out);
            }
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or Microsoft.Data.Sqlite.SqliteException)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int? Int(string[] args, string name) =>
        Option(args, name) is { } value ? int.TryParse(value, out var n) && n > 0 ? n
            : throw new ArgumentException($"{name} takes a positive whole number, not “{value}”.") : null;
}
