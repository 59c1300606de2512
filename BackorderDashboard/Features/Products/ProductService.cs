using System.ComponentModel.DataAnnotations;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Audit;
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

    /// <summary>Products taken off sale; every other filter leaves them out.</summary>
    Archived,
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
    int PageSize = 50,
    DateTime? ChangedSince = null);

public sealed record ProductListRow(
    int Id, string Sku, string Name, string Category, string Supplier,
    int Available, int OnHand, int Allocated, int Inbound, int BackorderedUnits, int QueuedLines, bool HasLateLines,
    Availability Availability, DateTime ChangedAt = default);

public sealed record ProductPage(IReadOnlyList<ProductListRow> Rows, int Total);

public sealed record QueuedLineRow(
    int Position, int OrderLineId, string OrderNumber, string Customer, CustomerTier Tier, int Unfilled, int UnitsAhead,
    DateOnly QueuedOn, QueuePriority Priority, DateOnly? PromisedShipDate, DateOnly? Eta, bool Late);

public sealed record InboundRow(int PurchaseOrderId, string Number, string Supplier, PurchaseOrderStatus Status, DateOnly ExpectedDate, int Ordered, int Received, bool Overdue);

public sealed record LedgerRow(DateTime At, StockReason Reason, int OnHandDelta, int AllocatedDelta, string? Reference, string? UserName,
    StockCorrectionReason? Correction = null, string? Note = null);

public sealed record ProductDetail(
    ProductStockRow Stock, Availability Availability, string? Description, int? OwnLowStockThreshold, int? OwnHandlingDays,
    int? OwnLeadTimeDays, int SupplierLeadTimeDays, LeadTimeRange? LeadTimeUsed,
    IReadOnlyList<QueuedLineRow> Queue, IReadOnlyList<InboundRow> Inbound, IReadOnlyList<LedgerRow> Ledger, int LedgerTotal,
    IReadOnlyList<WaitlistRow>? Waiting = null, DateTime? ArchivedAt = null)
{
    /// <summary>The customers on the product's waitlist, told or not yet, the longest waiting first.</summary>
    public IReadOnlyList<WaitlistRow> Waitlist => Waiting ?? [];
}

/// <summary>A customer on the product's waitlist (no order is held for them), and when they were told it is back, if they were.</summary>
public sealed record WaitlistRow(string Customer, string Email, DateTime Since, int Id = 0, int CustomerId = 0, DateTime? NotifiedAt = null);

/// <summary>The backorder settings of one product, as the merchant edits them.</summary>
public sealed class ProductPolicyInput : IValidatableObject
{
    public BackorderPolicy BackorderPolicy { get; set; }

    [Range(0, Limits.MaxBackorderCap, ErrorMessage = "The cap must be between 0 and 1,000,000 units, or empty for no cap.")]
    public int? BackorderCap { get; set; }

    [Range(0, Limits.MaxThreshold, ErrorMessage = "The low-stock threshold must be between 0 and 100,000, or empty for the store's.")]
    public int? LowStockThreshold { get; set; }

    [Range(0, Limits.MaxHandlingDays, ErrorMessage = "Handling days must be between 0 and 60.")]
    public int? HandlingDays { get; set; }

    [Range(1, Limits.MaxLeadTimeDays, ErrorMessage = "Lead time must be between 1 and 730 days, or empty to use the supplier's.")]
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
public sealed partial class ProductService(IDbContextFactory<AppDbContext> dbFactory, AvailabilityService availability, QueueMaintenance queue, AuditLog audit,
    StockNotifier notifier, TimeProvider time, ProductRowsBySku bySku)
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
            r.QueuedLines, r.HasLateLines, evaluated[r.ProductId].Availability, r.ChangedAt)).ToList(), total);
    }

    /// <summary>
    /// The rows of the products on sale with exactly these SKUs, badges included, as the list shows them (the
    /// storefront's availability call). SKUs not found, or archived, are left out.
    /// </summary>
    public async Task<IReadOnlyList<ProductListRow>> GetBySkusAsync(IReadOnlyCollection<string> skus, CancellationToken ct = default)
    {
        var context = await availability.GetContextAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Read before the rows: what is kept under this number was read no earlier than it.
        var version = StoreWrites.VersionOf(db);
        var found = new List<ProductListRow>();
        var missing = new List<string>();
        foreach (var sku in skus.Distinct(StringComparer.Ordinal))
        {
            if (bySku.TryGet(version, context.Today, sku, out var kept))
            {
                if (kept is not null)
                {
                    found.Add(kept);
                }
            }
            else
            {
                missing.Add(sku);
            }
        }
        if (missing.Count == 0)
        {
            return found;
        }
        var rows = await availability.Rows(db, context).Where(r => missing.Contains(r.Sku) && !r.Archived).ToListAsync(ct);
        var evaluated = await availability.EvaluateAsync(db, rows, context, ct);
        var read = rows.Select(r => new ProductListRow(
            r.ProductId, r.Sku, r.Name, r.Category, r.Supplier, r.Available, r.OnHand, r.Allocated, r.InboundUnits, r.QueuedUnits,
            r.QueuedLines, r.HasLateLines, evaluated[r.ProductId].Availability, r.ChangedAt)).ToDictionary(r => r.Sku, StringComparer.Ordinal);
        foreach (var sku in missing)
        {
            var row = read.GetValueOrDefault(sku);
            bySku.Set(version, context.Today, sku, row);
            if (row is not null)
            {
                found.Add(row);
            }
        }
        return found;
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
        if (query.ChangedSince is { } since)
        {
            rows = rows.Where(r => r.ChangedAt >= since);
        }
        rows = query.Filter == ProductFilter.Archived ? rows.Where(r => r.Archived) : rows.Where(r => !r.Archived);
        return query.Filter switch
        {
            ProductFilter.All or ProductFilter.Archived => rows,
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
            .Select(p => new { p.LowStockThreshold, p.HandlingDays, p.LeadTimeDays, p.Supplier.DefaultLeadTimeDays, p.ArchivedAt })
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
            .Select(e => new LedgerRow(e.At, e.Reason, e.OnHandDelta, e.AllocatedDelta, e.Reference, e.UserName, e.Correction, e.Note))
            .ToListAsync(ct);

        var waitlist = await db.Waitlist.AsNoTracking().Where(w => w.ProductId == stock.ProductId)
            .OrderBy(w => w.NotifiedAt != null).ThenBy(w => w.CreatedAt).ThenBy(w => w.Id)
            .Select(w => new WaitlistRow(w.Customer.Name, w.Customer.Email, w.CreatedAt, w.Id, w.CustomerId, w.NotifiedAt))
            .ToListAsync(ct);

        return new ProductDetail(stock, badge, null, own.LowStockThreshold, own.HandlingDays, own.LeadTimeDays, own.DefaultLeadTimeDays,
            facts.LeadTime, queueRows, inbound, ledger, ledgerTotal, waitlist, own.ArchivedAt);
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
            .Select(e => new LedgerRow(e.At, e.Reason, e.OnHandDelta, e.AllocatedDelta, e.Reference, e.UserName, e.Correction, e.Note))
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
        if (input.IsPreorder && input.PreorderReleaseDate is { } date
            && Limits.DateProblem(DateOnly.FromDateTime(date), (await availability.GetContextAsync(ct)).Today) is { } outOfRange)
        {
            errors.TryAdd(nameof(ProductPolicyInput.PreorderReleaseDate), outOfRange);
        }
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
        var before = (product.BackorderPolicy, product.BackorderCap, product.LowStockThreshold, product.HandlingDays, product.LeadTimeDays,
            product.PreorderReleaseDate, product.Discontinued);
        product.BackorderPolicy = input.BackorderPolicy;
        product.BackorderCap = input.BackorderCap;
        product.LowStockThreshold = input.LowStockThreshold;
        product.HandlingDays = input.HandlingDays;
        product.LeadTimeDays = input.LeadTimeDays;
        product.PreorderReleaseDate = input.IsPreorder && input.PreorderReleaseDate is { } release ? DateOnly.FromDateTime(release) : null;
        product.Discontinued = input.Discontinued;
        product.Version++;
        var changes = AuditLog.Changes(
            ("Policy", before.BackorderPolicy, product.BackorderPolicy),
            ("Backorder cap", before.BackorderCap, product.BackorderCap),
            ("Low-stock threshold", before.LowStockThreshold, product.LowStockThreshold),
            ("Handling days", before.HandlingDays, product.HandlingDays),
            ("Lead time days", before.LeadTimeDays, product.LeadTimeDays),
            ("Pre-order release", before.PreorderReleaseDate, product.PreorderReleaseDate),
            ("Discontinued", before.Discontinued, product.Discontinued));
        if (changes.Length > 0)
        {
            audit.Add(db, AuditKind.ProductSettingsChanged, actor, product.Sku, changes);
        }
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

/// <summary>
/// The storefront's rows by SKU (null: no such product on sale), kept until the next committed write: a shop's product
/// pages ask for the same few SKUs over and over, and between two writes the answer cannot change.
/// </summary>
public sealed class ProductRowsBySku() : StoreVersionedCache<string, ProductListRow?>();
