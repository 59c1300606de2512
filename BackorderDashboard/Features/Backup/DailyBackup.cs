using System.Globalization;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackorderDashboard.Features.Backup;

/// <summary>The daily backup's settings (<c>Backup:*</c>); off while <see cref="Folder"/> is empty.</summary>
public sealed class BackupOptions
{
    public const string Section = "Backup";

    /// <summary>Where the daily backups go; a relative folder is taken from the app's folder. Empty: no daily backup.</summary>
    public string Folder { get; set; } = "";

    /// <summary>The store's local time of day of the backup, <c>HH:mm</c>.</summary>
    public string DailyAt { get; set; } = "02:00";

    /// <summary>Daily backups older than this many days are deleted after each new one.</summary>
    public int KeepDays { get; set; } = 14;

    public bool Enabled => !string.IsNullOrWhiteSpace(Folder);

    public TimeOnly Time => TimeOnly.ParseExact(DailyAt, "HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Why the settings cannot work, or null. Checked when the app starts, so a typo stops it with the reason.</summary>
    public string? Problem() =>
        !Enabled ? null
        : !TimeOnly.TryParseExact(DailyAt, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? $"Backup:DailyAt must be a time of day as HH:mm (for example 02:30), not “{DailyAt}”."
        : KeepDays < 1 ? $"Backup:KeepDays must be at least 1, not {KeepDays}."
        : null;
}

/// <summary>
/// Takes a backup once a day at <see cref="BackupOptions.DailyAt"/> in the store's time zone into
/// <see cref="BackupOptions.Folder"/>, then deletes the daily backups older than <see cref="BackupOptions.KeepDays"/>.
/// </summary>
public sealed class DailyBackup(IOptions<BackupOptions> options, SettingsService settings, IDbContextFactory<AppDbContext> dbFactory,
    IHostEnvironment environment, TimeProvider time, ILogger<DailyBackup> logger) : BackgroundService
{
    private readonly BackupOptions _options = options.Value;

    public string Folder => Path.GetFullPath(Path.Combine(environment.ContentRootPath, _options.Folder));

    /// <summary>The first moment after <paramref name="utcNow"/> at which the store's clock reads <paramref name="at"/>, in UTC.</summary>
    public static DateTime NextRunUtc(DateTime utcNow, TimeOnly at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utcNow, DateTimeKind.Utc), zone);
        for (var day = DateOnly.FromDateTime(local); ; day = day.AddDays(1))
        {
            var candidate = day.ToDateTime(at, DateTimeKind.Unspecified);
            // A time the clocks skip over (spring forward) runs at the same time an hour later.
            while (zone.IsInvalidTime(candidate))
            {
                candidate = candidate.AddHours(1);
            }
            var utc = TimeZoneInfo.ConvertTimeToUtc(candidate, zone);
            if (utc > utcNow)
            {
                return utc;
            }
        }
    }

    /// <summary>One backup into the folder now, then the retention. What the scheduled run does each day.</summary>
    public async Task<BackupResult> RunOnceAsync(CancellationToken ct = default)
    {
        var clock = await settings.GetClockAsync(ct);
        var localNow = clock.ToLocal(clock.UtcNow);
        var connection = await DatabaseBackup.ConnectionStringAsync(dbFactory, ct);
        var result = await DatabaseBackup.CreateAsync(connection, Path.Combine(Folder, DatabaseBackup.DailyFileName(localNow)), ct);
        foreach (var old in DatabaseBackup.Prune(Folder, _options.KeepDays, localNow))
        {
            logger.LogInformation("Deleted the backup {File}: older than {KeepDays} days", old, _options.KeepDays);
        }
        return result;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var clock = await settings.GetClockAsync(stoppingToken);
                var next = NextRunUtc(clock.UtcNow, _options.Time, clock.Zone);
                await Task.Delay(next - clock.UtcNow, time, stoppingToken);
                var result = await RunOnceAsync(stoppingToken);
                logger.LogInformation("Backed up the database to {File} ({Bytes} bytes)", result.Path, result.Bytes);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A failed backup is loud in the log and tried again at the next daily time; the app carries on.
                logger.LogError(e, "The daily backup into {Folder} failed", Folder);
                await Task.Delay(TimeSpan.FromMinutes(1), time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}

/// <summary>Stops the start with the reason when the daily backup's settings cannot work.</summary>
public sealed class BackupOptionsValidation : IValidateOptions<BackupOptions>
{
    public ValidateOptionsResult Validate(string? name, BackupOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
