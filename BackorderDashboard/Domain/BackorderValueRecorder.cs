using BackorderDashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Domain;

/// <summary>
/// Keeps today's rows of <see cref="BackorderValueDay"/> (per category and supplier) equal to what the queues hold now, so the
/// value-over-time chart has one point per day without replaying history. Runs when the app starts and every few
/// minutes; the day's last run is that day's figure.
/// </summary>
public sealed class BackorderValueRecorder(IDbContextFactory<AppDbContext> dbFactory, SettingsService settings, ILogger<BackorderValueRecorder> logger)
    : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromMinutes(10);

    /// <summary>Replaces today's rows with the open backorders grouped by category and supplier, in one statement pair.</summary>
    public async Task RecordTodayAsync(CancellationToken ct = default)
    {
        var today = (await settings.GetClockAsync(ct)).Today;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        await db.BackorderValueDays.Where(s => s.Day == today).ExecuteDeleteAsync(ct);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO BackorderValueDays (Day, CategoryId, SupplierId, Lines, Units, ValueCents)
            SELECT {today}, p.CategoryId, p.SupplierId, COUNT(*), SUM(l.QtyUnfilled), SUM(l.QtyUnfilled * l.UnitPriceCents)
            FROM OrderLines l JOIN Products p ON p.Id = l.ProductId WHERE l.QtyUnfilled > 0 GROUP BY p.CategoryId, p.SupplierId
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
