using System.ComponentModel.DataAnnotations;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Products;

public enum ProductFilter
{
    All = 0,
    InStock,
    LowStock,
    Backordered,
    BackorderedEstimated,
    Late,
    OutOfStock,
    PreOrder,
    Discontinued,
}

public enum ProductSort
{
    Sku = 0,
    Name,
    Category,
    Available,
    OnHand,
    Allocated,
    Inbound,
    Backordered,
}

public sealed record ProductQuery(
    string? Search = null,
    ProductFilter Filter = ProductFilter.All,
    int? CategoryId = null,
    int? SupplierId = null,
    ProductSort Sort = ProductSort.Sku,
    bool Descending = false,
    int Page = 0,
    int PageSize = 50);

public sealed record ProductListRow(
    int Id, string Sku, string Name, string Category, string Supplier,
    int Available, int OnHand, int Allocated, int Inbound, int BackorderedUnits, int QueuedLines, bool HasLateLines,
    Availability Availability);

public sealed record ProductPage(IReadOnlyList<ProductListRow> Rows, int Total);

public sealed record QueuedLineRow(
    int Position, int OrderLineId, string OrderNumber, string Customer, CustomerTier Tier, int Unfilled, int UnitsAhead,
    DateOnly QueuedOn, QueuePriority Priority, DateOnly? PromisedShipDate, DateOnly? Eta, bool Late);

public sealed record InboundRow(int PurchaseOrderId, string Number, string Supplier, PurchaseOrderStatus Status, DateOnly ExpectedDate, int Ordered, int Received, bool Overdue);

public sealed record LedgerRow(DateTime At, StockReason Reason, int OnHandDelta, int AllocatedDelta, string? Reference, string? UserName);

public sealed record ProductDetail(
    ProductStockRow Stock, Availability Availability, string? Description, int? OwnLowStockThreshold, int? OwnHandlingDays,
    int? OwnLeadTimeDays, int SupplierLeadTimeDays, LeadTimeRange? LeadTimeUsed,
    IReadOnlyList<QueuedLineRow> Queue, IReadOnlyList<InboundRow> Inbound, IReadOnlyList<LedgerRow> Ledger, int LedgerTotal,
    IReadOnlyList<WaitlistRow>? Waiting = null)
{
    /// <summary>The customers waiting to be told the product is back in stock, the longest waiting first.</summary>
    public IReadOnlyList<WaitlistRow> Waitlist => Waiting ?? [];
}

/// <summary>A customer on the product's waitlist, not told yet: no order is held for them.</summary>
public sealed record WaitlistRow(string Customer, string Email, DateTime Since);

/// <summary>The backorder settings of one product, as the merchant edits them.</summary>
public sealed class ProductPolicyInput : IValidatableObject
{
    public BackorderPolicy BackorderPolicy { get; set; }

    [Range(0, 1_000_000, ErrorMessage = "The cap can't be negative.")]
    public int? BackorderCap { get; set; }

    [Range(0, 1_000_000, ErrorMessage = "The low-stock threshold can't be negative.")]
    public int? LowStockThreshold { get; set; }

    [Range(0, 365, ErrorMessage = "Handling days must be between 0 and 365.")]
    public int? HandlingDays { get; set; }

    [Range(1, 730, ErrorMessage = "Lead time must be between 1 and 730 days, or empty to use the supplier's.")]
    public int? LeadTimeDays { get; set; }

    public bool IsPreorder { get; set; }

    public DateTime? PreorderReleaseDate { get; set; }

    public bool Discontinued { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IsPreorder && PreorderReleaseDate is null)
        {
            yield return new ValidationResult("A pre-order needs its release date.", [nameof(PreorderReleaseDate)]);
        }
    }
}

/// <summary>Products with their badges: the list, one product's detail, and its backorder settings.</summary>
public sealed class ProductService(IDbContextFactory<AppDbContext> dbFactory, AvailabilityService availability, QueueMaintenance queue)
{
    public const int LedgerPageSize = 50;

    /// <summary>
    /// One page of products with their badges: a count, the page of rows (stock figures as subqueries) and the open
    /// purchase order lines of those rows — three round trips whatever the page size.
    /// </summary>
    public async Task<ProductPage> GetPageAsync(ProductQuery query, CancellationToken ct = default)
    {
        var context = await availability.GetContextAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = Filter(availability.Rows(db, context), query, context.Today);

        var total = await rows.CountAsync(ct);
        var page = await Sort(rows, query.Sort, query.Descending)
            .Skip(Math.Max(0, query.Page) * query.PageSize)
            .Take(query.PageSize)
            .ToListAsync(ct);
        var evaluated = await availability.EvaluateAsync(db, page, context, ct);

        return new ProductPage(page.Select(r => new ProductListRow(
            r.ProductId, r.Sku, r.Name, r.Category, r.Supplier, r.Available, r.OnHand, r.Allocated, r.InboundUnits, r.QueuedUnits,
            r.QueuedLines, r.HasLateLines, evaluated[r.ProductId].Availability)).ToList(), total);
    }

    private static IQueryable<ProductStockRow> Filter(IQueryable<ProductStockRow> rows, ProductQuery query, DateOnly today)
    {
        if (query.Search?.Trim() is { Length: > 0 } search)
        {
            var pattern = $"%{search.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_")}%";
            rows = rows.Where(r => EF.Functions.Like(r.Sku, pattern, "\\") || EF.Functions.Like(r.Name, pattern, "\\"));
        }
        if (query.CategoryId is { } category)
        {
            rows = rows.Where(r => r.CategoryId == category);
        }
        if (query.SupplierId is { } supplier)
        {
            rows = rows.Where(r => r.SupplierId == supplier);
        }
        return query.Filter switch
        {
            ProductFilter.All => rows,
            ProductFilter.Late => rows.Where(r => r.HasLateLines),
            ProductFilter.InStock => rows.WhereStatus(AvailabilityStatus.InStock, today),
            ProductFilter.LowStock => rows.WhereStatus(AvailabilityStatus.LowStock, today),
            ProductFilter.Backordered => rows.WhereBackordered(today),
            ProductFilter.BackorderedEstimated => rows.WhereStatus(AvailabilityStatus.BackorderedEstimated, today),
            ProductFilter.OutOfStock => rows.WhereStatus(AvailabilityStatus.OutOfStock, today),
            ProductFilter.PreOrder => rows.WhereStatus(AvailabilityStatus.PreOrder, today),
            ProductFilter.Discontinued => rows.WhereStatus(AvailabilityStatus.Discontinued, today),
            _ => rows,
        };
    }

    private static IQueryable<ProductStockRow> Sort(IQueryable<ProductStockRow> rows, ProductSort sort, bool descending)
    {
        IOrderedQueryable<ProductStockRow> ordered = (sort, descending) switch
        {
            (ProductSort.Name, false) => rows.OrderBy(r => r.Name),
            (ProductSort.Name, true) => rows.OrderByDescending(r => r.Name),
            (ProductSort.Category, false) => rows.OrderBy(r => r.Category),
            (ProductSort.Category, true) => rows.OrderByDescending(r => r.Category),
            (ProductSort.Available, false) => rows.OrderBy(r => r.Available),
            (ProductSort.Available, true) => rows.OrderByDescending(r => r.Available),
            (ProductSort.OnHand, false) => rows.OrderBy(r => r.OnHand),
            (ProductSort.OnHand, true) => rows.OrderByDescending(r => r.OnHand),
            (ProductSort.Allocated, false) => rows.OrderBy(r => r.Allocated),
            (ProductSort.Allocated, true) => rows.OrderByDescending(r => r.Allocated),
            (ProductSort.Inbound, false) => rows.OrderBy(r => r.InboundUnits),
            (ProductSort.Inbound, true) => rows.OrderByDescending(r => r.InboundUnits),
            (ProductSort.Backordered, false) => rows.OrderBy(r => r.QueuedUnits),
            (ProductSort.Backordered, true) => rows.OrderByDescending(r => r.QueuedUnits),
            (_, true) => rows.OrderByDescending(r => r.Sku),
            _ => rows.OrderBy(r => r.Sku),
        };
        // SKU is unique: a stable tiebreak keeps pages from overlapping.
        return sort == ProductSort.Sku ? ordered : ordered.ThenBy(r => r.Sku);
    }

    /// <summary>One product's row as the list shows it (its badge included), by its SKU in any case; null when there is none.</summary>
    public async Task<ProductListRow?> GetRowAsync(string sku, CancellationToken ct = default)
    {
        var wanted = sku.Trim();
        if (wanted.Length == 0)
        {
            return null;
        }
        var page = await GetPageAsync(new ProductQuery(Search: wanted, PageSize: 50), ct);
        return page.Rows.FirstOrDefault(r => string.Equals(r.Sku, wanted, StringComparison.OrdinalIgnoreCase));
    }

    public async Task<(IReadOnlyList<NamedItem> Categories, IReadOnlyList<NamedItem> Suppliers)> GetFilterChoicesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await db.CategoryNamesAsync(ct), await db.SupplierNamesAsync(ct));
    }

    /// <summary>One product: badge, figures, its queue in queue order with each line's ETA, inbound orders and ledger.</summary>
    public async Task<ProductDetail?> GetDetailAsync(string sku, int ledgerPage = 0, CancellationToken ct = default)
    {
        var context = await availability.GetContextAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stock = await availability.Rows(db, context).FirstOrDefaultAsync(r => r.Sku == sku, ct);
        if (stock is null)
        {
            return null;
        }
        var (facts, badge) = (await availability.EvaluateAsync(db, [stock], context, ct))[stock.ProductId];
        var own = await db.Products.AsNoTracking().Where(p => p.Id == stock.ProductId)
            .Select(p => new { p.LowStockThreshold, p.HandlingDays, p.LeadTimeDays, p.Supplier.DefaultLeadTimeDays })
            .SingleAsync(ct);

        var queueRows = await QueueRowsAsync(db, stock.ProductId, facts, context, ct);

        var inbound = await db.PurchaseOrderLines.AsNoTracking()
            .Where(l => l.ProductId == stock.ProductId
                && (l.PurchaseOrder.Status.IsOpen() || l.PurchaseOrder.Status == PurchaseOrderStatus.Draft))
            .OrderBy(l => l.PurchaseOrder.ExpectedDate).ThenBy(l => l.PurchaseOrder.Number)
            .Select(l => new InboundRow(l.PurchaseOrderId, l.PurchaseOrder.Number, l.PurchaseOrder.Supplier.Name, l.PurchaseOrder.Status,
                l.PurchaseOrder.ExpectedDate, l.QtyOrdered, l.QtyReceived,
                l.PurchaseOrder.Status.IsOverdue(l.PurchaseOrder.ExpectedDate, context.Today)))
            .WithRules()
            .ToListAsync(ct);

        var ledgerQuery = db.StockLedger.AsNoTracking().Where(e => e.ProductId == stock.ProductId);
        var ledgerTotal = await ledgerQuery.CountAsync(ct);
        var ledger = await ledgerQuery.OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .Skip(Math.Max(0, ledgerPage) * LedgerPageSize).Take(LedgerPageSize)
            .Select(e => new LedgerRow(e.At, e.Reason, e.OnHandDelta, e.AllocatedDelta, e.Reference, e.UserName))
            .ToListAsync(ct);

        var waitlist = await db.Waitlist.AsNoTracking().Where(w => w.ProductId == stock.ProductId && w.NotifiedAt == null)
            .OrderBy(w => w.CreatedAt).ThenBy(w => w.Id)
            .Select(w => new WaitlistRow(w.Customer.Name, w.Customer.Email, w.CreatedAt))
            .ToListAsync(ct);

        return new ProductDetail(stock, badge, null, own.LowStockThreshold, own.HandlingDays, own.LeadTimeDays, own.DefaultLeadTimeDays,
            facts.LeadTime, queueRows, inbound, ledger, ledgerTotal, waitlist);
    }

    /// <summary>One product's backorder queue with each line's ETA (three round trips: figures, inbound, lines).</summary>
    public async Task<IReadOnlyList<QueuedLineRow>?> GetQueueAsync(string sku, CancellationToken ct = default)
    {
        var context = await availability.GetContextAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stock = await availability.Rows(db, context).Where(r => r.Sku == sku).ForRule().FirstOrDefaultAsync(ct);
        if (stock is null)
        {
            return null;
        }
        var (facts, _) = (await availability.EvaluateAsync(db, [stock], context, ct))[stock.ProductId];
        return await QueueRowsAsync(db, stock.ProductId, facts, context, ct);
    }

    private static async Task<List<QueuedLineRow>> QueueRowsAsync(AppDbContext db, int productId, ProductStockFacts facts,
        AvailabilityService.Context context, CancellationToken ct)
    {
        var queue = await QueueAsync(db, productId, ct);
        var etas = AvailabilityRule.QueueEtas(facts, queue.Select(q => q.Unfilled).ToList(), context.Today, context.Settings.DailyFulfilmentCapacity);
        var unitsAhead = 0;
        return queue.Select((q, i) =>
        {
            var row = new QueuedLineRow(i + 1, q.Id, q.Number, q.Customer, q.Tier, q.Unfilled, unitsAhead, context.Settings.Clock.DayOf(q.QueuedAt ?? q.PlacedAt),
                q.Priority, q.Promised, etas[i], etas[i] > q.Promised);
            unitsAhead += q.Unfilled;
            return row;
        }).ToList();
    }

    private sealed record QueueLine(int Id, string Number, string Customer, CustomerTier Tier, int Unfilled, DateTime? QueuedAt,
        DateTime PlacedAt, QueuePriority Priority, DateOnly? Promised);

    /// <summary>The product's backordered lines in queue order.</summary>
    private static Task<List<QueueLine>> QueueAsync(AppDbContext db, int productId, CancellationToken ct) =>
        db.OrderLines.AsNoTracking()
            .Where(l => l.ProductId == productId && l.QtyUnfilled > 0)
            .InQueueOrder()
            .Select(l => new QueueLine(l.Id, l.Order.Number, l.Order.Customer.Name, l.Order.Customer.Tier, l.QtyUnfilled, l.QueuedAt,
                l.Order.PlacedAt, l.Priority, l.PromisedShipDate))
            .ToListAsync(ct);

    /// <summary>A further page of the product's stock ledger, newest first.</summary>
    public async Task<IReadOnlyList<LedgerRow>> GetLedgerAsync(string sku, int page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.StockLedger.AsNoTracking().Where(e => e.Product.Sku == sku)
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .Skip(Math.Max(0, page) * LedgerPageSize).Take(LedgerPageSize)
            .Select(e => new LedgerRow(e.At, e.Reason, e.OnHandDelta, e.AllocatedDelta, e.Reference, e.UserName))
            .ToListAsync(ct);
    }

    public static ProductPolicyInput ToInput(ProductDetail detail) => new()
    {
        BackorderPolicy = detail.Stock.Policy,
        BackorderCap = detail.Stock.BackorderCap,
        LowStockThreshold = detail.OwnLowStockThreshold,
        HandlingDays = detail.OwnHandlingDays,
        LeadTimeDays = detail.OwnLeadTimeDays,
        IsPreorder = detail.Stock.PreorderReleaseDate is not null,
        PreorderReleaseDate = detail.Stock.PreorderReleaseDate?.ToDateTime(TimeOnly.MinValue),
        Discontinued = detail.Stock.Discontinued,
    };

    /// <summary>
    /// Saves a product's backorder settings. Orders already taken keep their lines, allocations and promised dates,
    /// whatever the new policy says; their current ETAs are walked again in the same transaction (the handling days or
    /// the lead time may move them), and a line pushed past its promise gets its delay message.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> UpdatePolicyAsync(string sku, ProductPolicyInput input, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.EditProductPolicy) is { } refused)
        {
            return new Dictionary<string, string> { [""] = refused };
        }
        var errors = InputValidation.Errors(input);
        if (errors.Count > 0)
        {
            return errors;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var product = await db.Products.SingleOrDefaultAsync(p => p.Sku == sku, ct);
        if (product is null)
        {
            return new Dictionary<string, string> { [""] = $"There is no product {sku} any more." };
        }
        product.BackorderPolicy = input.BackorderPolicy;
        product.BackorderCap = input.BackorderCap;
        product.LowStockThreshold = input.LowStockThreshold;
        product.HandlingDays = input.HandlingDays;
        product.LeadTimeDays = input.LeadTimeDays;
        product.PreorderReleaseDate = input.IsPreorder && input.PreorderReleaseDate is { } release ? DateOnly.FromDateTime(release) : null;
        product.Discontinued = input.Discontinued;
        product.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Dictionary<string, string> { [""] = "Someone else changed this product meanwhile. Reload to see their change." };
        }
        await queue.RecomputeEtasAsync(db, product.Id, "the product's backorder settings changed", actor, ct);
        await tx.CommitAsync(ct);
        return errors;
    }
}

public sealed record ProductFilterValues(string? Search, ProductFilter Filter, int? CategoryId, int? SupplierId);
