using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Settings;

/// <summary>
/// Saves the store's settings. Handling days, daily capacity, the time zone and VIP-first all move promised dates, so
/// the save walks every product's queue again in the same transaction under the new settings (VIP lines change place
/// first when VIP-first changes); each line pushed past its promise gets its delay message. Readers see the new
/// settings only once all of that has committed.
/// </summary>
public sealed class StoreSettingsService(
    IDbContextFactory<AppDbContext> dbFactory, SettingsService settings, AvailabilityService availability, QueueMaintenance queue,
    AuditLog audit)
{
    public Task<MerchantSettingsView> GetAsync(CancellationToken ct = default) => settings.GetAsync(ct);

    public async Task<IReadOnlyDictionary<string, string>> SaveAsync(SettingsInput input, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.SaveSettings) is { } refused)
        {
            return new Dictionary<string, string> { [""] = refused };
        }
        var errors = SettingsService.Validate(input);
        if (errors.Count > 0)
        {
            return errors;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var (before, after) = await settings.WriteAsync(db, input, actor, ct);
        if (before.VipFirstInQueue != after.VipFirstInQueue)
        {
            await db.OrderLines
                .Where(l => l.QtyUnfilled > 0 && l.Priority != QueuePriority.Expedited && l.Order.Customer.Tier == CustomerTier.Vip)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(l => l.Priority, after.VipFirstInQueue ? QueuePriority.Vip : QueuePriority.Standard)
                    .SetProperty(l => l.Version, l => l.Version + 1), ct);
        }
        if (MovesDates(before, after))
        {
            var context = await availability.GetContextAsync(after, ct);
            var products = await db.OrderLines.Where(l => l.QtyUnfilled > 0).Select(l => l.ProductId).Distinct().ToListAsync(ct);
            foreach (var productId in products)
            {
                await queue.RecomputeEtasAsync(db, productId, "the store's settings changed", actor, ct, context);
            }
        }
        if (Changes(before, after) is { Length: > 0 } changes)
        {
            await audit.RecordAsync(db, AuditKind.SettingsChanged, actor, "store settings", changes, ct);
        }
        await tx.CommitAsync(ct);
        settings.Remember(after);
        return errors;
    }

    /// <summary>What the audit log says changed: each setting that changed, old → new.</summary>
    public static string Changes(MerchantSettingsView before, MerchantSettingsView after) => AuditLog.Changes(
        ("Store name", before.StoreName, after.StoreName),
        ("Time zone", before.TimeZoneId, after.TimeZoneId),
        ("Handling days", before.DefaultHandlingDays, after.DefaultHandlingDays),
        ("Daily capacity", before.DailyFulfilmentCapacity, after.DailyFulfilmentCapacity),
        ("Low-stock threshold", before.DefaultLowStockThreshold, after.DefaultLowStockThreshold),
        ("VIP first in queue", before.VipFirstInQueue, after.VipFirstInQueue),
        ("Holiday cutoff", Shown(before.HolidayCutoff), Shown(after.HolidayCutoff)),
        ("Shop sites showing the badge", Shown(before.StorefrontOrigins), Shown(after.StorefrontOrigins)));

    private static string? Shown(IReadOnlyList<string> origins) => origins.Count == 0 ? null : string.Join(", ", origins);

    private static string? Shown(HolidayCutoff? cutoff) =>
        cutoff is null ? null : $"{cutoff.Label} {cutoff.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}";

    private static bool MovesDates(MerchantSettingsView before, MerchantSettingsView after) =>
        before.DefaultHandlingDays != after.DefaultHandlingDays || before.DailyFulfilmentCapacity != after.DailyFulfilmentCapacity
        || before.TimeZoneId != after.TimeZoneId || before.VipFirstInQueue != after.VipFirstInQueue;
}
