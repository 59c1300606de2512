using BackorderDashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Domain;

/// <summary>
/// Applies the badge rule to products read from the database: for a page of rows it costs one round trip (the open
/// purchase order lines of those products); settings and supplier lead-time history come from memory.
/// </summary>
public sealed class AvailabilityService(SettingsService settings, SupplierLeadTimes leadTimes)
{
    public sealed record Context(MerchantSettingsView Settings, DateOnly Today, IReadOnlyDictionary<int, LeadTimeRange> LeadTimes)
    {
        /// <summary>The store's holiday cutoff while it is still ahead (or today); null without one or once it has passed.</summary>
        public HolidayCutoff? Cutoff => Settings.HolidayCutoff?.ActiveOn(Today);
    }

    public async Task<Context> GetContextAsync(CancellationToken ct = default) => await GetContextAsync(await settings.GetAsync(ct), ct);

    /// <summary>The rule's context under the given settings (settings being saved, before every reader sees them).</summary>
    public async Task<Context> GetContextAsync(MerchantSettingsView view, CancellationToken ct = default) =>
        new(view, view.Clock.Today, await leadTimes.GetAsync(ct));

    public IQueryable<ProductStockRow> Rows(AppDbContext db, Context context) =>
        ProductStock.Rows(db, context.Settings.DefaultLowStockThreshold, context.Settings.DefaultHandlingDays);

    /// <summary>Facts and availability for each row, keyed by product id.</summary>
    public async Task<IReadOnlyDictionary<int, (ProductStockFacts Facts, Availability Availability)>> EvaluateAsync(
        AppDbContext db, IReadOnlyList<ProductStockRow> rows, Context context, CancellationToken ct = default)
    {
        var inbound = await ProductStock.InboundAsync(db, rows.Select(r => r.ProductId).ToList(), ct);
        return rows.ToDictionary(r => r.ProductId, r =>
        {
            // A supplier without enough receipts has no entry: its quote applies (not an empty 0-day history).
            LeadTimeRange? history = context.LeadTimes.TryGetValue(r.SupplierId, out var h) ? h : null;
            var facts = ProductStock.ToFacts(r, inbound[r.ProductId].ToList(), history);
            return (facts, AvailabilityRule.Evaluate(facts, context.Today, context.Settings.DailyFulfilmentCapacity, cutoff: context.Cutoff));
        });
    }
}
