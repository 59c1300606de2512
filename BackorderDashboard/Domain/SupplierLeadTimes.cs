using BackorderDashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Domain;

/// <summary>
/// Each supplier's lead time as its receipts show it (ordered → received): the median and the 90th percentile,
/// used for the estimated date range when no purchase order covers a unit. History changes only when goods are
/// received, so it is kept in memory and reloaded after a receipt or every few minutes.
/// </summary>
public sealed class SupplierLeadTimes(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Fewer receipts than this say too little; the supplier's quote is used instead.</summary>
    public const int MinimumReceipts = 3;

    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(IReadOnlyDictionary<int, LeadTimeRange> BySupplier, DateTimeOffset LoadedAt);

    public async Task<IReadOnlyDictionary<int, LeadTimeRange>> GetAsync(CancellationToken ct = default)
    {
        if (_snapshot is { } s && time.GetUtcNow() - s.LoadedAt < MaxAge)
        {
            return s.BySupplier;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var bySupplier = await LoadAsync(db, ct);
        _snapshot = new Snapshot(bySupplier, time.GetUtcNow());
        return bySupplier;
    }

    /// <summary>
    /// The history as the given context sees it: inside a receipt's write transaction, that includes the purchase
    /// order it has just completed, so the queues walked in that transaction use the history readers will see.
    /// </summary>
    public static async Task<IReadOnlyDictionary<int, LeadTimeRange>> LoadAsync(AppDbContext db, CancellationToken ct = default)
    {
        var receipts = await db.PurchaseOrders.AsNoTracking()
            .Where(po => po.Status == PurchaseOrderStatus.Received && po.OrderedAt != null && po.ReceivedAt != null)
            .Select(po => new { po.SupplierId, Ordered = po.OrderedAt!.Value, Received = po.ReceivedAt!.Value })
            .ToListAsync(ct);
        return receipts
            .GroupBy(r => r.SupplierId)
            .Where(g => g.Count() >= MinimumReceipts)
            .ToDictionary(g => g.Key, g => FromDays(g.Select(r => (r.Received - r.Ordered).TotalDays).ToList()));
    }

    /// <summary>Called after a receipt so the next badge uses the new history.</summary>
    public void Invalidate() => _snapshot = null;

    public static LeadTimeRange FromDays(IReadOnlyList<double> days)
    {
        var sorted = days.Order().ToArray();
        var typical = Math.Max(1, (int)Math.Ceiling(Percentile(sorted, 0.5)));
        var late = Math.Max(typical, (int)Math.Ceiling(Percentile(sorted, 0.9)));
        return new LeadTimeRange(typical, late);
    }

    /// <summary>Linear interpolation between closest ranks.</summary>
    private static double Percentile(double[] sorted, double p)
    {
        var rank = p * (sorted.Length - 1);
        var lower = (int)Math.Floor(rank);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - lower);
    }
}
