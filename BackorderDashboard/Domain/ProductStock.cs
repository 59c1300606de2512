using BackorderDashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Domain;

/// <summary>
/// One product with the stock figures the badge rule reads, computed in SQL (queued and inbound units are
/// subqueries over indexed columns), so a whole page of products comes back in one round trip.
/// </summary>
public sealed class ProductStockRow
{
    public int ProductId { get; init; }
    public string Sku { get; init; } = "";
    public string Name { get; init; } = "";
    public int CategoryId { get; init; }
    public string Category { get; init; } = "";
    public int SupplierId { get; init; }
    public string Supplier { get; init; } = "";
    public long PriceCents { get; init; }
    public int OnHand { get; init; }
    public int Allocated { get; init; }
    public int Available { get; init; }
    public BackorderPolicy Policy { get; init; }
    public int? BackorderCap { get; init; }
    public int LowStockThreshold { get; init; }
    public int HandlingDays { get; init; }
    /// <summary>The product's own lead time if set, else the supplier's quote; 0 when neither is known.</summary>
    public int QuotedLeadTimeDays { get; init; }
    public bool LeadTimeIsProducts { get; init; }
    public DateOnly? PreorderReleaseDate { get; init; }
    public bool Discontinued { get; init; }
    /// <summary>Taken off sale: out of the listings, no new orders; its page and history stay.</summary>
    public bool Archived { get; init; }

    /// <summary>When the product's own details last changed (its creation until then); stock moves do not count.</summary>
    public DateTime ChangedAt { get; init; }
    public int QueuedUnits { get; init; }
    public int QueuedLines { get; init; }
    public int InboundUnits { get; init; }
    public bool HasLateLines { get; init; }
}

public static class ProductStock
{
    /// <summary>
    /// Every product as a stock row; the merchant's defaults fill what a product leaves unset. Supplier and category
    /// come in as scalar subqueries, not joins, so a filtered count scans the products table alone.
    /// </summary>
    public static IQueryable<ProductStockRow> Rows(AppDbContext db, int defaultLowStockThreshold, int defaultHandlingDays) =>
        db.Products.AsNoTracking().Select(p => new ProductStockRow
        {
            ProductId = p.Id,
            Sku = p.Sku,
            Name = p.Name,
            CategoryId = p.CategoryId,
            Category = db.Categories.Where(c => c.Id == p.CategoryId).Select(c => c.Name).First(),
            SupplierId = p.SupplierId,
            Supplier = db.Suppliers.Where(s => s.Id == p.SupplierId).Select(s => s.Name).First(),
            PriceCents = p.PriceCents,
            OnHand = p.OnHand,
            Allocated = p.Allocated,
            Available = p.OnHand - p.Allocated,
            Policy = p.BackorderPolicy,
            BackorderCap = p.BackorderCap,
            LowStockThreshold = p.LowStockThreshold ?? defaultLowStockThreshold,
            HandlingDays = p.HandlingDays ?? defaultHandlingDays,
            QuotedLeadTimeDays = p.LeadTimeDays ?? db.Suppliers.Where(s => s.Id == p.SupplierId).Select(s => s.DefaultLeadTimeDays).First(),
            LeadTimeIsProducts = p.LeadTimeDays != null,
            PreorderReleaseDate = p.PreorderReleaseDate,
            Discontinued = p.Discontinued,
            Archived = p.ArchivedAt != null,
            ChangedAt = p.UpdatedAt ?? p.CreatedAt,
            QueuedUnits = db.OrderLines.Where(l => l.ProductId == p.Id && l.QtyUnfilled > 0).Sum(l => l.QtyUnfilled),
            QueuedLines = db.OrderLines.Count(l => l.ProductId == p.Id && l.QtyUnfilled > 0),
            InboundUnits = db.PurchaseOrderLines
                .Where(l => l.ProductId == p.Id && l.QtyOrdered > l.QtyReceived
                    && l.PurchaseOrder.Status.IsOpen())
                .Sum(l => l.QtyOrdered - l.QtyReceived),
            HasLateLines = db.OrderLines.Any(l => l.ProductId == p.Id && l.QtyUnfilled > 0 && l.CurrentEta > l.PromisedShipDate),
        }).WithRules();

    /// <summary>
    /// The figures the badge rule needs and nothing more: EF drops the subqueries a list needs but one product's
    /// page does not (line count, late lines), which matters for a product with thousands of queued lines.
    /// </summary>
    public static IQueryable<ProductStockRow> ForRule(this IQueryable<ProductStockRow> rows) => rows.Select(r => new ProductStockRow
    {
        ProductId = r.ProductId, Sku = r.Sku, Name = r.Name, CategoryId = r.CategoryId, Category = r.Category, SupplierId = r.SupplierId,
        Supplier = r.Supplier, PriceCents = r.PriceCents, OnHand = r.OnHand, Allocated = r.Allocated, Available = r.Available,
        Policy = r.Policy, BackorderCap = r.BackorderCap, LowStockThreshold = r.LowStockThreshold, HandlingDays = r.HandlingDays,
        QuotedLeadTimeDays = r.QuotedLeadTimeDays, LeadTimeIsProducts = r.LeadTimeIsProducts, PreorderReleaseDate = r.PreorderReleaseDate,
        Discontinued = r.Discontinued, Archived = r.Archived, QueuedUnits = r.QueuedUnits, InboundUnits = r.InboundUnits,
    });

    /// <summary>
    /// The badge rule's status as a SQL filter, for paging by status. It mirrors <see cref="AvailabilityRule.Evaluate"/>
    /// case for case (a test checks the two agree on every demo product); the dates stay in C#.
    /// </summary>
    public static IQueryable<ProductStockRow> WhereStatus(this IQueryable<ProductStockRow> rows, AvailabilityStatus status, DateOnly today) => status switch
    {
        AvailabilityStatus.Discontinued => rows.Where(r => r.Discontinued),
        AvailabilityStatus.PreOrder => rows.Where(r => !r.Discontinued && r.PreorderReleaseDate > today
            && !(r.BackorderCap != null && r.QueuedUnits >= r.BackorderCap)),
        AvailabilityStatus.InStock => rows.Where(r => !r.Discontinued && !(r.PreorderReleaseDate > today)
            && r.Available > r.LowStockThreshold),
        AvailabilityStatus.LowStock => rows.Where(r => !r.Discontinued && !(r.PreorderReleaseDate > today)
            && r.Available > 0 && r.Available <= r.LowStockThreshold),
        AvailabilityStatus.Backordered => rows.Where(r => !r.Discontinued && !(r.PreorderReleaseDate > today)
            && r.Available <= 0 && r.Policy != BackorderPolicy.NotAllowed
            && !(r.BackorderCap != null && r.QueuedUnits >= r.BackorderCap)
            && r.InboundUnits >= r.QueuedUnits + 1),
        AvailabilityStatus.BackorderedEstimated => rows.Where(r => !r.Discontinued && !(r.PreorderReleaseDate > today)
            && r.Available <= 0 && r.Policy != BackorderPolicy.NotAllowed
            && !(r.BackorderCap != null && r.QueuedUnits >= r.BackorderCap)
            && r.InboundUnits < r.QueuedUnits + 1 && r.QuotedLeadTimeDays > 0),
        AvailabilityStatus.OutOfStock => rows.Where(r => !r.Discontinued && (
            (r.PreorderReleaseDate > today && r.BackorderCap != null && r.QueuedUnits >= r.BackorderCap)
            || (!(r.PreorderReleaseDate > today) && r.Available <= 0
                && (r.Policy == BackorderPolicy.NotAllowed
                    || (r.BackorderCap != null && r.QueuedUnits >= r.BackorderCap)
                    || (r.InboundUnits < r.QueuedUnits + 1 && r.QuotedLeadTimeDays <= 0))))),
        _ => rows,
    };

    /// <summary>Backordered with a date or with an estimate: what a merchant means by "backordered".</summary>
    public static IQueryable<ProductStockRow> WhereBackordered(this IQueryable<ProductStockRow> rows, DateOnly today) =>
        rows.Where(r => !r.Discontinued && !(r.PreorderReleaseDate > today)
            && r.Available <= 0 && r.Policy != BackorderPolicy.NotAllowed
            && !(r.BackorderCap != null && r.QueuedUnits >= r.BackorderCap)
            // The cheap test first: SQLite stops at a known lead time without summing the queue and the inbound.
            && (r.QuotedLeadTimeDays > 0 || r.InboundUnits >= r.QueuedUnits + 1));

    public static ProductStockFacts ToFacts(ProductStockRow row, IReadOnlyList<InboundSupply> inbound, LeadTimeRange? supplierHistory) => new(
        row.ProductId,
        row.OnHand,
        row.Allocated,
        row.Policy,
        row.BackorderCap,
        row.LowStockThreshold,
        row.HandlingDays,
        LeadTimes.Choose(row.LeadTimeIsProducts ? row.QuotedLeadTimeDays : null, row.QuotedLeadTimeDays, supplierHistory).Range,
        row.PreorderReleaseDate,
        row.Discontinued,
        row.QueuedUnits,
        inbound);

    /// <summary>Open purchase order quantities still to arrive for the given products (one round trip).</summary>
    public static async Task<ILookup<int, InboundSupply>> InboundAsync(AppDbContext db, IReadOnlyCollection<int> productIds, CancellationToken ct)
    {
        if (productIds.Count == 0)
        {
            return Array.Empty<(int, InboundSupply)>().ToLookup(x => x.Item1, x => x.Item2);
        }
        var lines = await db.PurchaseOrderLines.AsNoTracking()
            .Where(l => productIds.Contains(l.ProductId)
                && l.PurchaseOrder.Status.IsOpen()
                && l.QtyOrdered > l.QtyReceived)
            .WithRules()
            .Select(l => new { l.ProductId, l.PurchaseOrder.ExpectedDate, Qty = l.QtyOrdered - l.QtyReceived })
            .ToListAsync(ct);
        return lines.ToLookup(l => l.ProductId, l => new InboundSupply(l.ExpectedDate, l.Qty));
    }
}
