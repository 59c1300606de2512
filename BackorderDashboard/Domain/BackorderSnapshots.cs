using BackorderDashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Domain;

/// <summary>
/// Keeps today's row per product of <see cref="BackorderSnapshot"/> equal to what the queues hold now, so the
/// value-over-time chart has one point per day without replaying history. Runs when the app starts and every few
/// minutes; the day's last run is that day's figure.
/// </summary>
public sealed class BackorderSnapshotRecorder(IDbContextFactory<AppDbContext> dbFactory, SettingsService settings, ILogger<BackorderSnapshotRecorder> logger)
    : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromMinutes(10);

    /// <summary>Replaces today's rows with the open backorders grouped by product, in one statement pair.</summary>
    public async Task RecordTodayAsync(CancellationToken ct = default)
    {
        var today = (await settings.GetClockAsync(ct)).Today;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        await db.BackorderSnapshots.Where(s => s.Day == today).ExecuteDeleteAsync(ct);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO BackorderSnapshots (Day, ProductId, Lines, Units, ValueCents)
            SELECT {today}, ProductId, COUNT(*), SUM(QtyUnfilled), SUM(QtyUnfilled * UnitPriceCents)
            FROM OrderLines WHERE QtyUnfilled > 0 GROUP BY ProductId
            """, ct);
        await tx.CommitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RecordTodayAsync(stoppingToken);
                await Task.Delay(Every, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Recording today's backorder figures failed; trying again shortly.");
                await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
