using BackorderDashboard.Data;
using BackorderDashboard.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.TestSupport;

/// <summary>
/// A real SQLite database file, migrated like the app's, for service tests. Each test gets its own file,
/// deleted afterwards; its contexts come from the app's own database registration
/// (<see cref="BackorderDashboardServices.AddBackorderDashboardDatabase"/>), so they are configured exactly as the app's.
/// </summary>
public sealed class SqliteTestDatabase : IDbContextFactory<AppDbContext>, IAsyncDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"backorders-test-{Guid.NewGuid():N}.db");
    private readonly List<ServiceProvider> _providers = [];
    private readonly IDbContextFactory<AppDbContext> _factory;

    private SqliteTestDatabase()
    {
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString();
        _factory = AppFactory();
    }

    public string ConnectionString { get; }

    /// <summary>The database file (its WAL and shared-memory files sit beside it).</summary>
    public string FilePath => _path;

    public static async Task<SqliteTestDatabase> CreateAsync()
    {
        var db = new SqliteTestDatabase();
        await using var context = db.CreateDbContext();
        await context.Database.MigrateAsync();
        await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        return db;
    }

    /// <summary>
    /// A new database with this one's content, for tests that start many stores alike: SQLite's <c>VACUUM INTO</c>
    /// writes a consistent copy, much quicker than migrating and filling another database.
    /// </summary>
    public async Task<SqliteTestDatabase> CopyAsync()
    {
        var copy = new SqliteTestDatabase();
        await using (var context = CreateDbContext())
        {
            await context.Database.ExecuteSqlRawAsync("VACUUM INTO {0}", copy._path);
        }
        await using (var context = copy.CreateDbContext())
        {
            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
        return copy;
    }

    public AppDbContext CreateDbContext() => _factory.CreateDbContext();

    /// <summary>A factory whose contexts also run the given interceptors (for counting round trips, say).</summary>
    public IDbContextFactory<AppDbContext> WithInterceptors(params IInterceptor[] interceptors) => AppFactory(interceptors);

    private IDbContextFactory<AppDbContext> AppFactory(params IInterceptor[] interceptors)
    {
        var provider = TestServices.AppServices().AddBackorderDashboardDatabase(ConnectionString, interceptors).BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<IDbContextFactory<AppDbContext>>();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
