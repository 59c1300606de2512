using BackorderDashboard.Features.Admin;
using BackorderDashboard.Features.Backup;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Benchmarks;

/// <summary>
/// The app's command-line tools, run instead of the web server:
/// <c>user create --email EMAIL --role ROLE</c> creates an account, the password read from standard input (<see cref="UserCommand"/>);
/// <c>api-key create --name NAME --scope SCOPE [--scope ...]</c> makes a REST API key and prints it alone on the last line;
/// <c>backup --to FILE</c> copies the database while the app runs (<see cref="BackupCommand"/>);
/// <c>generate-large [--path FILE] [--products N] [--lines N] [--open N] [--pos N]</c> builds the large store;
/// <c>benchmark [--path FILE] [--runs N] [--only FAMILY] [--lines N]</c> times the app's queries on it (building it first when missing), and imports into a new store;
/// with <c>--lines</c> past the default it times a proportionately larger store and the default one, and prints the growth ratios.
/// </summary>
public static class Commands
{
    public const string DefaultPath = "Data/large.db";

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "generate-large" or "benchmark" or "user" or "backup" or "api-key";

    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.In, Console.Out, Console.Error);

    /// <summary>Runs one command with the given standard input, output and error (the console, or a test's).</summary>
    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        try
        {
            return args[0] switch
            {
                "user" => await UserCommand.RunAsync(args, input, output, error),
                "api-key" => await Features.Api.ApiKeyCommand.RunAsync(args, output, error),
                "backup" => await BackupCommand.RunAsync(args, output, error),
                _ => await RunBenchmarkAsync(args),
            };
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException
            or Microsoft.Data.Sqlite.SqliteException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            await error.WriteLineAsync(e.Message);
            return 1;
        }
    }

    private static async Task<int> RunBenchmarkAsync(string[] args)
    {
        var standard = new LargeDatabaseSize();
        // --lines N alone scales products, open lines and purchase orders with it (customers follow the lines).
        var factor = (Int(args, "--lines") ?? standard.OrderLines) / (double)standard.OrderLines;
        int Scaled(int value) => Math.Max(1, (int)Math.Round(value * factor));
        var size = new LargeDatabaseSize(
            Int(args, "--products") ?? Scaled(standard.Products), Int(args, "--lines") ?? standard.OrderLines,
            Int(args, "--open") ?? Scaled(standard.OpenBackorderLines), Int(args, "--pos") ?? Scaled(standard.PurchaseOrders));
        var isStandard = size == standard;
        var path = Option(args, "--path") ?? (isStandard ? DefaultPath : $"Data/large-{size.OrderLines}.db");
        // --only products|queue|receiving|support|lists|kpi|import|api runs one family of scenarios; import and api need no large store.
        var only = Option(args, "--only");
        bool Wanted(string family) => only is null || only.Equals(family, StringComparison.OrdinalIgnoreCase);
        if (args[0] == "benchmark" && only?.Equals("api", StringComparison.OrdinalIgnoreCase) == true)
        {
            return await ApiBenchmark.RunAsync(Int(args, "--seconds") ?? 10, Int(args, "--api-requests") ?? 1_000_000, Console.Out);
        }
        var importOnly = only?.Equals("import", StringComparison.OrdinalIgnoreCase) == true;
        if (args[0] == "generate-large" || (!File.Exists(path) && !importOnly))
        {
            await LargeDatabase.CreateAsync(path, size, Console.Out);
        }
        if (args[0] != "benchmark")
        {
            return 0;
        }
        var runs = Int(args, "--runs") ?? 50;
        if (!importOnly)
        {
            var results = await RunFamiliesAsync(path, runs, Wanted);
            if (results.Count > 0)
            {
                Benchmark.Print(results, Console.Out);
            }
            // A larger store is compared with the default one, scenario by scenario, in the same run.
            if (!isStandard && Option(args, "--path") is null && results.Count > 0)
            {
                if (!File.Exists(DefaultPath))
                {
                    await LargeDatabase.CreateAsync(DefaultPath, standard, Console.Out);
                }
                Console.WriteLine();
                Console.WriteLine($"The default store ({standard.OrderLines:N0} lines), for the growth ratios:");
                var small = await RunFamiliesAsync(DefaultPath, runs, Wanted);
                Benchmark.Print(small, Console.Out);
                Benchmark.PrintGrowth(small, results, factor, Console.Out);
            }
        }
        if (Wanted("import"))
        {
            ImportBenchmark.Print(await ImportBenchmark.RunAsync(Int(args, "--import-products") ?? 100_000, Int(args, "--import-orders") ?? 10_000, Console.Out),
                Console.Out);
        }
        return 0;
    }

    /// <summary>Every wanted family of scenarios on the store at <paramref name="path"/>, migrated first.</summary>
    private static async Task<List<BenchmarkResult>> RunFamiliesAsync(string path, int runs, Func<string, bool> wanted)
    {
        var connection = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder { DataSource = path }.ToString();
        // A store built by an older version gets the tables added since.
        await using (var services = BenchmarkServices.Create(connection))
        await using (var db = await services.Factory.CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
        }
        var results = new List<BenchmarkResult>();
        if (wanted("products"))
        {
            results.AddRange(await ProductsBenchmark.RunAsync(connection, runs));
        }
        if (wanted("queue"))
        {
            results.AddRange(await QueueBenchmark.RunAsync(connection, runs));
        }
        if (wanted("receiving"))
        {
            results.AddRange(await ReceivingBenchmark.RunAsync(connection, runs));
        }
        if (wanted("support"))
        {
            results.AddRange(await SupportSearchBenchmark.RunAsync(connection, runs));
        }
        if (wanted("lists"))
        {
            results.AddRange(await ListPagesBenchmark.RunAsync(connection, runs));
        }
        if (wanted("kpi"))
        {
            results.AddRange(await KpiBenchmark.RunAsync(connection, runs, Console.Out));
        }
        return results;
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
