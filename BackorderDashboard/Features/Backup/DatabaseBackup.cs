using System.Globalization;
using BackorderDashboard.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Backup;

/// <summary>Where a backup went and how large it is.</summary>
public sealed record BackupResult(string Path, long Bytes);

/// <summary>
/// Copies the SQLite database while the app keeps running, with SQLite's online backup: the copy is one consistent
/// moment of the database (every committed transaction up to then, none half), however many writers are busy.
/// </summary>
public static class DatabaseBackup
{
    /// <summary>Daily backups are named <c>backorders-2026-12-02-0230.db</c> (the store's date and time); retention only touches such names.</summary>
    public const string FilePrefix = "backorders-";
    public const string StampFormat = "yyyy-MM-dd-HHmm";

    /// <summary>The database the app's contexts open: the one to back up.</summary>
    public static async Task<string> ConnectionStringAsync(IDbContextFactory<AppDbContext> dbFactory, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return db.Database.GetConnectionString() ?? throw new InvalidOperationException("The app has no database configured.");
    }

    /// <summary>
    /// Copies the database to <paramref name="destination"/>, which must not exist yet: a backup never replaces
    /// another file, least of all an earlier backup. The copy is written beside it under a temporary name and renamed
    /// when complete, so a file under the destination's name is always a whole backup.
    /// </summary>
    public static async Task<BackupResult> CreateAsync(string connectionString, string destination, CancellationToken ct = default)
    {
        var source = new SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(source.DataSource) || source.DataSource == ":memory:" || source.Mode == SqliteOpenMode.Memory)
        {
            throw new InvalidOperationException("Only a database in a file can be backed up.");
        }
        if (!File.Exists(source.DataSource))
        {
            throw new InvalidOperationException($"There is no database at {source.DataSource} to back up.");
        }
        var target = Path.GetFullPath(destination);
        if (File.Exists(target) || Directory.Exists(target))
        {
            throw new IOException($"{target} already exists. A backup never overwrites a file: choose a new name, or move the old file away first.");
        }
        if (Path.GetDirectoryName(target) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }
        var partial = $"{target}.{Guid.NewGuid():N}.partial";
        try
        {
            // Opening read-write without create: a missing database is an error above, never an empty new one.
            source.Mode = SqliteOpenMode.ReadWrite;
            source.Pooling = false;
            await using (var from = new SqliteConnection(source.ToString()))
            await using (var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = partial, Pooling = false }.ToString()))
            {
                await from.OpenAsync(ct);
                await to.OpenAsync(ct);
                await CopyAsync(from, to, ct);
                // A single self-contained file: no -wal beside it to lose when it is copied somewhere.
                await using var command = to.CreateCommand();
                command.CommandText = "PRAGMA journal_mode=DELETE;";
                await command.ExecuteNonQueryAsync(ct);
            }
            File.Move(partial, target, overwrite: false);
        }
        finally
        {
            File.Delete(partial);
        }
        return new BackupResult(target, new FileInfo(target).Length);
    }

    /// <summary>
    /// Copies every page under one read transaction taken first (waiting for a writer's commit like any reader), so
    /// the copy is one moment of the database while writers carry on in the WAL. A copy that still meets a lock (a
    /// checkpoint at that instant) is started again after a pause.
    /// </summary>
    private static async Task CopyAsync(SqliteConnection from, SqliteConnection to, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var snapshot = from.BeginTransaction(deferred: true);
                await using (var read = from.CreateCommand())
                {
                    read.CommandText = "SELECT COUNT(*) FROM sqlite_schema";
                    await read.ExecuteScalarAsync(ct);
                }
                from.BackupDatabase(to);
                return;
            }
            catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6 && attempt < 20)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), ct);
            }
        }
    }

    /// <summary>The name of the daily backup taken at the store's local time <paramref name="localTime"/>.</summary>
    public static string DailyFileName(DateTime localTime) =>
        FilePrefix + localTime.ToString(StampFormat, CultureInfo.InvariantCulture) + ".db";

    /// <summary>
    /// Deletes the daily backups in <paramref name="folder"/> taken more than <paramref name="keepDays"/> days before
    /// <paramref name="localNow"/> (by the time in their names). Any other file, a backup under another name included,
    /// is left alone. Returns the files deleted.
    /// </summary>
    public static IReadOnlyList<string> Prune(string folder, int keepDays, DateTime localNow)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }
        var cutoff = localNow.AddDays(-keepDays);
        var deleted = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, FilePrefix + "*.db"))
        {
            var stamp = Path.GetFileNameWithoutExtension(file)[FilePrefix.Length..];
            if (DateTime.TryParseExact(stamp, StampFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var taken) && taken < cutoff)
            {
                File.Delete(file);
                deleted.Add(file);
            }
        }
        return deleted;
    }
}
