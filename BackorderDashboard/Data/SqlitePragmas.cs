using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BackorderDashboard.Data;

/// <summary>
/// Per-connection SQLite settings: a writer that finds the database locked waits (busy timeout) instead of failing,
/// and WAL's NORMAL sync keeps commits durable across app crashes at a fraction of the cost.
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Sql = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
