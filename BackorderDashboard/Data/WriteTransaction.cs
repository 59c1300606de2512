using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace BackorderDashboard.Data;

public static class WriteTransaction
{
    /// <summary>
    /// Starts a transaction that holds SQLite's write lock from its first statement (BEGIN IMMEDIATE), so two
    /// read-then-write operations on stock run one after the other: the second reads what the first wrote and
    /// can never allocate the same unit twice. Other writers wait (busy timeout) instead of failing.
    /// </summary>
    public static async Task<IDbContextTransaction> BeginWriteAsync(this AppDbContext db, CancellationToken ct = default)
    {
        if (db.Database.GetDbConnection() is SqliteConnection connection)
        {
            await db.Database.OpenConnectionAsync(ct);
            var transaction = connection.BeginTransaction(deferred: false);
            return (await db.Database.UseTransactionAsync(transaction, ct))!;
        }
        return await db.Database.BeginTransactionAsync(ct);
    }
}
