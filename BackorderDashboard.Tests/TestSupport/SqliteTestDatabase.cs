using BackorderDashboard.Data;

using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.TestSupport;

/// <summary>
/// A real SQLite database file, migrated like the app's, for service tests. Each test gets its own file,
/// deleted afterwards; services get a context factory exactly as the app registers it.
/// </summary>
public sealed class SqliteTestDatabase : IDbContextFactory<AppDbContext>, IAsyncDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"backorders-test-{Guid.NewGuid():N}.db");
    private readonly DbContextOptions<AppDbContext> _options;

    private SqliteTestDatabase()
    {
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString();
        _options = new DbContextOptionsBuilder<AppDbContext>()
            .UseSqlite(ConnectionString)
            .AddInterceptors(new SqlitePragmas())
            .UseApplicationServiceProvider(IdentitySchemaSettings.Provider)
            .Options;
    }

    public string ConnectionString { get; }

    public static async Task<SqliteTestDatabase> CreateAsync()
    {
        var db = new SqliteTestDatabase();
        await using var context = db.CreateDbContext();
        await context.Database.MigrateAsync();
        await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        return db;
    }

    public AppDbContext CreateDbContext() => new(_options);

    /// <summary>A factory whose contexts also run the given interceptors (for counting round trips, say).</summary>
    public IDbContextFactory<AppDbContext> WithInterceptors(params Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor[] interceptors) =>
        new InterceptedFactory(new DbContextOptionsBuilder<AppDbContext>(_options).AddInterceptors(interceptors).Options);

    private sealed class InterceptedFactory(DbContextOptions<AppDbContext> options) : IDbContextFactory<AppDbContext>
    {
        public AppDbContext CreateDbContext() => new(options);
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
        return ValueTask.CompletedTask;
    }
}
