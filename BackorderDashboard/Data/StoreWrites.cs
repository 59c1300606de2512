using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BackorderDashboard.Data;

/// <summary>
/// A number per database that goes up after every committed write of this app: a transaction committed, a save or a
/// statement outside one. An answer computed from the database while the number stood at N is still the answer for
/// as long as it stands at N, so the storefront's hottest reads (the badge of a SKU, the key behind a request) can be
/// kept in memory without ever serving what a commit has changed. The number is read before the data, and raised
/// after the commit, so a read that overlaps a commit is kept under the old number and never served again.
/// </summary>
public static class StoreWrites
{
    private static readonly ConcurrentDictionary<string, long> Versions = new(StringComparer.Ordinal);

    /// <summary>The number for the database of this context.</summary>
    public static long VersionOf(AppDbContext db) => Versions.GetValueOrDefault(KeyOf(db.Database.GetConnectionString()));

    internal static void Raise(DbConnection? connection)
    {
        if (connection is not null)
        {
            Versions.AddOrUpdate(KeyOf(connection.ConnectionString), 1, (_, v) => v + 1);
        }
    }

    /// <summary>The database a connection string opens (its data source), whatever else it sets.</summary>
    private static string KeyOf(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            return "";
        }
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (var name in new[] { "Data Source", "DataSource", "Filename", "Host", "Server" })
        {
            if (builder.TryGetValue(name, out var value) && value?.ToString() is { Length: > 0 } source)
            {
                return name is "Host" or "Server" || source.StartsWith(':') ? source : Path.GetFullPath(source);
            }
        }
        return connectionString;
    }
}

/// <summary>Raises <see cref="StoreWrites"/> after each write this app commits.</summary>
public sealed class StoreWriteInterceptor : DbTransactionInterceptor, ISaveChangesInterceptor, IDbCommandInterceptor
{
    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        StoreWrites.Raise(eventData.Context?.Database.GetDbConnection() ?? transaction.Connection);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    // A save with no transaction of the caller's commits on its own.
    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is { } context && context.Database.CurrentTransaction is null)
        {
            StoreWrites.Raise(context.Database.GetDbConnection());
        }
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(SavedChanges(eventData, result));

    // ExecuteUpdate, ExecuteDelete and raw statements outside a transaction commit on their own.
    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        if (command.Transaction is null)
        {
            StoreWrites.Raise(command.Connection);
        }
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(NonQueryExecuted(command, eventData, result));
}

/// <summary>
/// Answers kept while the store's write number (<see cref="StoreWrites"/>) and the store's day stay as they were when
/// they were read; the first answer read under a newer number starts the memory afresh. Bounded: past
/// <paramref name="capacity"/> entries, or 30 seconds after its first answer (for writes another process makes to
/// the same database), it starts afresh too.
/// </summary>
public class StoreVersionedCache<TKey, TValue>(int capacity = 50_000) where TKey : notnull
{
    private const long MaxAgeMs = 30_000;

    private sealed record Generation(long Version, DateOnly Day, long StartedMs, ConcurrentDictionary<TKey, TValue> Entries);

    private Generation _current = new(-1, default, 0, new());

    public bool TryGet(long version, DateOnly day, TKey key, out TValue value)
    {
        var current = _current;
        if (current.Version == version && current.Day == day && Environment.TickCount64 - current.StartedMs < MaxAgeMs
            && current.Entries.TryGetValue(key, out value!))
        {
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>Keeps what was read under <paramref name="version"/> (read before the data was), unless a newer number is already in use.</summary>
    public void Set(long version, DateOnly day, TKey key, TValue value)
    {
        while (true)
        {
            var current = _current;
            if (current.Version == version && current.Day == day && current.Entries.Count < capacity
                && Environment.TickCount64 - current.StartedMs < MaxAgeMs)
            {
                current.Entries[key] = value;
                return;
            }
            if (version < current.Version)
            {
                return;
            }
            var fresh = new Generation(version, day, Environment.TickCount64, new());
            fresh.Entries[key] = value;
            if (Interlocked.CompareExchange(ref _current, fresh, current) == current)
            {
                return;
            }
        }
    }
}
