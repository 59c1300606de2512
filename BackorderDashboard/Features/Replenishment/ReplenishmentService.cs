using System.Globalization;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Features.Restock;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Replenishment;

/// <summary>What to compute over: demand window, service level, days of demand to buy beyond the reorder point, and which products.</summary>
public sealed record ReplenishmentQuery(int WindowDays = 56, double ServiceLevel = 0.95, int CoverDays = 30, int? SupplierId = null, int? CategoryId = null,
    bool DueOnly = true);

/// <summary>One product's figures: demand, lead time, safety stock, reorder point, position and the suggested quantity.</summary>
public sealed record ReplenishmentRow(
    int ProductId, string Sku, string Name, int SupplierId, string Supplier, double DailyDemand, double DailyDemandSd,
    double LeadTimeDays, bool LeadTimeFromHistory, double SafetyStock, double ReorderPoint,
    int Available, int Inbound, int Backordered, int Suggested)
{
    /// <summary>Available + inbound − units customers are already waiting for.</summary>
    public int Position => Available + Inbound - Backordered;

    public bool Due => Position <= ReorderPoint;
}

/// <summary>
/// Replenishment by DESIGN.md: average daily demand d and its standard deviation σ over the window (days without
/// orders count as zero), lead time L from the supplier's receipts (median) or its quote, safety stock z × σ × √L
/// for the service level, reorder point d × L + safety stock; a product whose position (available + inbound −
/// open backorders) is at or below its reorder point gets a suggestion: enough to reach the reorder point plus
/// <see cref="ReplenishmentQuery.CoverDays"/> of demand.
/// </summary>
public sealed class ReplenishmentService(
    IDbContextFactory<AppDbContext> dbFactory, SettingsService settings, SupplierLeadTimes leadTimes, PurchaseOrderService purchaseOrders)
{
    public static readonly double[] ServiceLevels = [0.90, 0.95, 0.975, 0.99];

    /// <summary>The categories the suggestions can be narrowed to, by name.</summary>
    public async Task<IReadOnlyList<NamedItem>> CategoriesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.CategoryNamesAsync(ct);
    }

    public async Task<IReadOnlyList<ReplenishmentRow>> GetAsync(ReplenishmentQuery query, CancellationToken ct = default)
    {
        var clock = await settings.GetClockAsync(ct);
        var window = Math.Clamp(query.WindowDays, 7, 365);
        var (fromUtc, toUtc) = (clock.StartOfDayUtc(clock.Today.AddDays(-window)), clock.StartOfDayUtc(clock.Today));
        var history = await leadTimes.GetAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);

        // Units ordered per product per merchant day (the window ends yesterday: today is not over), then Σq and Σq² per product.
        var demand = (await db.Database.GetDbConnection().Command($"""
                SELECT ProductId, TOTAL(Units) AS Units, TOTAL(CAST(Units AS REAL) * Units) AS Squares FROM (
                    {UnitsOrdered.PerDaySql(clock, fromUtc, toUtc)})
                GROUP BY ProductId
                """, ("$from", BulkWrites.Stamp(fromUtc)), ("$to", BulkWrites.Stamp(toUtc))).ListAsync<DailyDemand>(ct))
            .ToDictionary(d => d.ProductId, d => (Sum: d.Units, Squares: d.Squares));

        var products = db.Products.AsNoTracking().Where(p => !p.Discontinued && p.ArchivedAt == null);
        if (query.SupplierId is { } supplier)
        {
            products = products.Where(p => p.SupplierId == supplier);
        }
        if (query.CategoryId is { } category)
        {
            products = products.Where(p => p.CategoryId == category);
        }
        var stock = await products.Select(p => new
        {
            p.Id, p.Sku, p.Name, p.SupplierId, Supplier = p.Supplier.Name, p.OnHand, p.Allocated, OwnLeadTime = p.LeadTimeDays, Quote = p.Supplier.DefaultLeadTimeDays,
            Inbound = db.PurchaseOrderLines.Where(l => l.ProductId == p.Id && l.QtyOrdered > l.QtyReceived
                    && l.PurchaseOrder.Status.IsOpen())
                .Sum(l => l.QtyOrdered - l.QtyReceived),
            Backordered = db.OrderLines.Where(l => l.ProductId == p.Id && l.QtyUnfilled > 0).Sum(l => l.QtyUnfilled),
        }).WithRules().ToListAsync(ct);

        var z = Z(query.ServiceLevel);
        var rows = stock.Select(p =>
        {
            var (sum, squares) = demand.GetValueOrDefault(p.Id);
            var (mean, sd) = Demand(sum, squares, window);
            var choice = LeadTimes.Choose(p.OwnLeadTime, p.Quote, history.TryGetValue(p.SupplierId, out var h) ? h : null);
            var (fromHistory, lead) = (choice.FromHistory, (double)choice.TypicalDays);
            var safety = SafetyStock(z, sd, lead);
            var reorderPoint = mean * lead + safety;
            var available = Math.Max(0, p.OnHand - p.Allocated);
            var position = available + p.Inbound - p.Backordered;
            return new ReplenishmentRow(p.Id, p.Sku, p.Name, p.SupplierId, p.Supplier, mean, sd, lead, fromHistory, safety, reorderPoint,
                available, p.Inbound, p.Backordered, Suggest(reorderPoint, position, mean, query.CoverDays));
        });
        return rows.Where(r => !query.DueOnly || (r.Due && r.Suggested > 0))
            .OrderByDescending(r => r.ReorderPoint - r.Position).ThenBy(r => r.Sku).ToList();
    }

    private sealed record DailyDemand(int ProductId, double Units, double Squares);

    /// <summary>Mean and population standard deviation of daily demand from Σq and Σq² over the window's days.</summary>
    public static (double Mean, double Sd) Demand(double sum, double squares, int days)
    {
        var mean = sum / days;
        return (mean, Math.Sqrt(Math.Max(0, squares / days - mean * mean)));
    }

    public static double SafetyStock(double z, double demandSd, double leadTimeDays) => z * demandSd * Math.Sqrt(Math.Max(0, leadTimeDays));

    /// <summary>Units to order: up to the reorder point plus the cover days of demand, whole units; nothing when not due.</summary>
    public static int Suggest(double reorderPoint, int position, double dailyDemand, int coverDays) =>
        position > reorderPoint ? 0 : Math.Max(1, (int)Math.Ceiling(reorderPoint + dailyDemand * coverDays - position));

    /// <summary>The standard normal quantile for a service level (0.5–0.9999): Acklam's rational approximation, good to 1e-9.</summary>
    public static double Z(double serviceLevel)
    {
        var p = Math.Clamp(serviceLevel, 0.5, 0.9999);
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        if (p <= 0.97575)
        {
            var q = p - 0.5;
            var r = q * q;
            return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        }
        var s = Math.Sqrt(-2 * Math.Log(1 - p));
        return -(((((c[0] * s + c[1]) * s + c[2]) * s + c[3]) * s + c[4]) * s + c[5]) / ((((d[0] * s + d[1]) * s + d[2]) * s + d[3]) * s + 1);
    }

    /// <summary>One draft purchase order per supplier for the chosen products and quantities, expected after each supplier's lead time.</summary>
    public async Task<(IReadOnlyList<(int Id, string Supplier)> Drafts, IReadOnlyList<string> Errors)> CreateDraftsAsync(
        IReadOnlyList<(ReplenishmentRow Row, int Qty)> chosen, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.CreateReplenishmentDrafts) is { } refused)
        {
            return ([], [refused]);
        }
        if (chosen.Count == 0)
        {
            return ([], ["Choose at least one product."]);
        }
        var bad = chosen.Where(c => c.Qty <= 0).Select(c => $"{c.Row.Sku}: order at least one unit.").ToList();
        if (bad.Count > 0)
        {
            return ([], bad);
        }
        var today = (await settings.GetClockAsync(ct)).Today;
        var drafts = new List<(int, string)>();
        var errors = new List<string>();
        foreach (var group in chosen.GroupBy(c => (c.Row.SupplierId, c.Row.Supplier)))
        {
            var expected = today.AddDays((int)Math.Ceiling(group.Max(c => c.Row.LeadTimeDays)));
            var (id, problems) = await purchaseOrders.CreateAsync(group.Key.SupplierId, expected,
                group.Select(c => new PoLineInput(c.Row.Sku, c.Qty)).ToList(), place: false,
                $"Suggested by replenishment on {today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}: review and place.", actor, ct);
            if (id is { } created)
            {
                drafts.Add((created, group.Key.Supplier));
            }
            errors.AddRange(problems.Select(p => $"{group.Key.Supplier}: {p}"));
        }
        return (drafts, errors);
    }
}
