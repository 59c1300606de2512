using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Restock;

public static class PurchaseOrderText
{
    public static string Status(PurchaseOrderStatus status) => status switch
    {
        PurchaseOrderStatus.Draft => "Draft",
        PurchaseOrderStatus.Ordered => "Ordered",
        PurchaseOrderStatus.PartiallyReceived => "Partly received",
        PurchaseOrderStatus.Received => "Received",
        _ => "Cancelled",
    };
}

/// <summary>
/// The list's filters and where the page starts: after the order <paramref name="After"/> (the next page) or before
/// <paramref name="Before"/> (the previous one), each an order's id; neither is the first page.
/// </summary>
public sealed record PurchaseOrderQuery(int? SupplierId = null, PurchaseOrderStatus? Status = null, bool OverdueOnly = false, string? Search = null,
    int? After = null, int? Before = null, int PageSize = 25);

/// <summary>One page of the list, how many orders match (exact up to a cap), and whether there are pages on either side.</summary>
public sealed record PurchaseOrderList(IReadOnlyList<PurchaseOrderRow> Rows, ListCount Matches, bool HasPrevious, bool HasNext)
{
    /// <summary>The orders matching, at most <see cref="ListCount.Cap"/> counted.</summary>
    public int Total => Matches.Count;

    public void Deconstruct(out IReadOnlyList<PurchaseOrderRow> rows, out int total) => (rows, total) = (Rows, Total);
}

public sealed record PurchaseOrderRow(int Id, string Number, string Supplier, PurchaseOrderStatus Status, DateTime? OrderedAt, DateOnly ExpectedDate,
    DateOnly? OriginalExpectedDate, int Lines, int UnitsOrdered, int UnitsReceived, bool Overdue);

/// <summary>One line of a purchase order as the export writes it, with its order's number, supplier, status and dates.</summary>
public sealed record PurchaseOrderLineExportRow(string Number, string Supplier, PurchaseOrderStatus Status, DateTime? OrderedAt, DateOnly ExpectedDate,
    bool Overdue, string Sku, string ProductName, int Ordered, int Received, long UnitCostCents);

public sealed record PurchaseOrderLineView(int Id, string Sku, string Name, int Ordered, int Received, long UnitCostCents, int QueuedUnits);

public sealed record PurchaseOrderDetail(int Id, int Version, string Number, int SupplierId, string Supplier, PurchaseOrderStatus Status,
    DateTime? OrderedAt, DateOnly ExpectedDate, DateOnly? OriginalExpectedDate, DateTime? ReceivedAt, string? Notes, bool Overdue,
    IReadOnlyList<PurchaseOrderLineView> Lines)
{
    public int Outstanding => Lines.Sum(l => Math.Max(0, l.Ordered - l.Received));
}

/// <summary>A waiting line whose date a purchase order change moves, with who is waiting.</summary>
public sealed record ImpactLine(string OrderNumber, string Customer, string Sku, DateOnly? From, DateOnly? To, bool BecomesLate)
{
    public int DaysMoved => From is { } f && To is { } t ? t.DayNumber - f.DayNumber : 0;
}

/// <summary>What a change to a purchase order does to the queues it covers, before or after it is saved.</summary>
public sealed record PoImpact(bool Succeeded, string Message, IReadOnlyList<ImpactLine> Lines)
{
    public int Customers => Lines.Select(l => l.OrderNumber).Distinct().Count();
    public int Later => Lines.Count(l => l.DaysMoved > 0);
    public int Earlier => Lines.Count(l => l.DaysMoved < 0);
    public int MaxDaysLater => Lines.Select(l => l.DaysMoved).DefaultIfEmpty(0).Max();
    public IReadOnlyList<ImpactLine> BecomingLate => Lines.Where(l => l.BecomesLate).ToList();

    public static PoImpact Fail(string message) => new(false, message, []);
}

public sealed record PoLineInput(string Sku, int Qty, long UnitCostCents = 0);

/// <summary>A purchase order whose supplier, date and lines have been checked, for <see cref="PurchaseOrderService.AddInAsync"/>.</summary>
public sealed record PoDraft(string Number, int SupplierId, DateOnly ExpectedDate, IReadOnlyList<PoDraftLine> Lines, string? Notes = null);

public sealed record PoDraftLine(int ProductId, int Qty, long UnitCostCents);

/// <summary>
/// Purchase orders: the list and one order, drafting and placing them, and the two changes that move customers'
/// dates (a new expected date, a cancellation), each shown as its impact first. A preview runs the same change and
/// rolls it back, so the impact shown is the impact saved.
/// </summary>
public sealed class PurchaseOrderService(IDbContextFactory<AppDbContext> dbFactory, QueueMaintenance queue, SettingsService settings,
    StockNotifier notifier, TimeProvider time)
{
    /// <summary>
    /// A page of the list in its order (open orders first, then by expected date and id), read from the (status,
    /// expected date) indexes: each status the filters allow is read from where the page starts, as far as a page
    /// goes, and the pieces are merged, so a page costs the same at the start of the list as far into it.
    /// </summary>
    public async Task<PurchaseOrderList> ListAsync(PurchaseOrderQuery query, CancellationToken ct = default)
    {
        var today = (await settings.GetClockAsync(ct)).Today;
        var size = Math.Clamp(query.PageSize, 1, 500);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var statuses = Statuses(query);
        var pos = Filter(db, query with { Status = null }, today);
        var counted = statuses.Count == Enum.GetValues<PurchaseOrderStatus>().Length ? pos : pos.Where(p => statuses.Contains(p.Status));
        var total = ListCount.Of(await counted.Take(ListCount.Cap + 1).CountAsync(ct));

        var backwards = query.Before is not null;
        ListKey? anchor = null;
        if ((query.Before ?? query.After) is { } id)
        {
            anchor = await db.PurchaseOrders.AsNoTracking().Where(p => p.Id == id)
                .Select(p => new ListKey(p.Status == PurchaseOrderStatus.Received || p.Status == PurchaseOrderStatus.Cancelled, p.ExpectedDate, p.Id))
                .SingleOrDefaultAsync(ct);
        }
        if (anchor is null)
        {
            backwards = false;
        }
        var rows = await PageAsync(pos, statuses, anchor, backwards, size + 1, today, ct);
        var more = rows.Count > size;
        rows = rows.Take(size).ToList();
        if (!backwards)
        {
            return new PurchaseOrderList(rows, total, anchor is not null, more);
        }
        if (!more)
        {
            // Back at the start of the list: the first page, whole.
            var first = await PageAsync(pos, statuses, null, false, size + 1, today, ct);
            return new PurchaseOrderList(first.Take(size).ToList(), total, false, first.Count > size);
        }
        rows.Reverse();
        return new PurchaseOrderList(rows, total, true, true);
    }

    /// <summary>Where a purchase order stands in the list: closed ones (received, cancelled) after the rest, then by expected date and id.</summary>
    private sealed record ListKey(bool Closed, DateOnly ExpectedDate, int Id);

    private static bool IsClosed(PurchaseOrderStatus status) => status is PurchaseOrderStatus.Received or PurchaseOrderStatus.Cancelled;

    /// <summary>The statuses the filters let through (overdue orders are open ones).</summary>
    private static IReadOnlyList<PurchaseOrderStatus> Statuses(PurchaseOrderQuery query) =>
        Enum.GetValues<PurchaseOrderStatus>()
            .Where(s => query.Status is not { } wanted || s == wanted)
            .Where(s => !query.OverdueOnly || s.IsOpen())
            .ToList();

    /// <summary>
    /// <paramref name="take"/> rows from the anchor on (or back from it), in list order: one index range per status,
    /// merged. A status in a group the anchor has passed is not read at all.
    /// </summary>
    private static async Task<List<PurchaseOrderRow>> PageAsync(IQueryable<PurchaseOrder> pos, IReadOnlyList<PurchaseOrderStatus> statuses,
        ListKey? anchor, bool backwards, int take, DateOnly today, CancellationToken ct)
    {
        IQueryable<PurchaseOrder>? merged = null;
        foreach (var status in statuses)
        {
            var closed = IsClosed(status);
            var segment = pos.Where(p => p.Status == status);
            if (anchor is { } a)
            {
                if (backwards ? closed && !a.Closed : !closed && a.Closed)
                {
                    // This group comes before the anchor (or after it, going back): nothing of it is on the page.
                    continue;
                }
                if (closed == a.Closed)
                {
                    var (day, id) = (a.ExpectedDate, a.Id);
                    segment = backwards
                        ? segment.Where(p => p.ExpectedDate <= day && (p.ExpectedDate < day || p.Id < id))
                        : segment.Where(p => p.ExpectedDate >= day && (p.ExpectedDate > day || p.Id > id));
                }
            }
            segment = (backwards ? segment.OrderByDescending(p => p.ExpectedDate).ThenByDescending(p => p.Id)
                : segment.OrderBy(p => p.ExpectedDate).ThenBy(p => p.Id)).Take(take);
            merged = merged is null ? segment : merged.Concat(segment);
        }
        if (merged is null)
        {
            return [];
        }
        var ordered = backwards
            ? merged.OrderByDescending(p => p.Status == PurchaseOrderStatus.Received || p.Status == PurchaseOrderStatus.Cancelled)
                .ThenByDescending(p => p.ExpectedDate).ThenByDescending(p => p.Id)
            : InListOrder(merged);
        return await ordered.Take(take)
            .Select(p => new PurchaseOrderRow(p.Id, p.Number, p.Supplier.Name, p.Status, p.OrderedAt, p.ExpectedDate, p.OriginalExpectedDate,
                p.Lines.Count, p.Lines.Sum(l => l.QtyOrdered), p.Lines.Sum(l => l.QtyReceived),
                p.Status.IsOverdue(p.ExpectedDate, today)))
            .WithRules()
            .ToListAsync(ct);
    }

    /// <summary>Every line of the purchase orders the filters match, in the list's order, read as the caller writes them (an export).</summary>
    public async IAsyncEnumerable<PurchaseOrderLineExportRow> StreamLinesAsync(PurchaseOrderQuery query,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var today = (await settings.GetClockAsync(ct)).Today;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pos = Filter(db, query, today);
        var lines = db.PurchaseOrderLines.AsNoTracking().Where(l => pos.Any(p => p.Id == l.PurchaseOrderId))
            .OrderBy(l => l.PurchaseOrder.Status == PurchaseOrderStatus.Received || l.PurchaseOrder.Status == PurchaseOrderStatus.Cancelled)
            .ThenBy(l => l.PurchaseOrder.ExpectedDate).ThenBy(l => l.PurchaseOrderId).ThenBy(l => l.Id)
            .Select(l => new PurchaseOrderLineExportRow(l.PurchaseOrder.Number, l.PurchaseOrder.Supplier.Name, l.PurchaseOrder.Status,
                l.PurchaseOrder.OrderedAt, l.PurchaseOrder.ExpectedDate, l.PurchaseOrder.Status.IsOverdue(l.PurchaseOrder.ExpectedDate, today),
                l.Product.Sku, l.Product.Name, l.QtyOrdered, l.QtyReceived, l.UnitCostCents))
            .WithRules();
        await foreach (var line in lines.AsAsyncEnumerable().WithCancellation(ct))
        {
            yield return line;
        }
    }

    private static IOrderedQueryable<PurchaseOrder> InListOrder(IQueryable<PurchaseOrder> pos) =>
        pos.OrderBy(p => p.Status == PurchaseOrderStatus.Received || p.Status == PurchaseOrderStatus.Cancelled)
            .ThenBy(p => p.ExpectedDate).ThenBy(p => p.Id);

    private static IQueryable<PurchaseOrder> Filter(AppDbContext db, PurchaseOrderQuery query, DateOnly today)
    {
        var pos = db.PurchaseOrders.AsNoTracking();
        if (query.SupplierId is { } supplier)
        {
            pos = pos.Where(p => p.SupplierId == supplier);
        }
        if (query.Status is { } status)
        {
            pos = pos.Where(p => p.Status == status);
        }
        if (query.OverdueOnly)
        {
            pos = pos.Where(p => p.Status.IsOverdue(p.ExpectedDate, today)).WithRules();
        }
        if (query.Search?.Trim() is { Length: > 0 } search)
        {
            pos = pos.Where(p => p.Number.Contains(search) || p.Lines.Any(l => l.Product.Sku.Contains(search)));
        }
        return pos;
    }

    public async Task<PurchaseOrderDetail?> GetAsync(int id, CancellationToken ct = default)
    {
        var today = (await settings.GetClockAsync(ct)).Today;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var po = await db.PurchaseOrders.AsNoTracking().Where(p => p.Id == id)
            .Select(p => new { p.Id, p.Version, p.Number, p.SupplierId, Supplier = p.Supplier.Name, p.Status, p.OrderedAt, p.ExpectedDate, p.OriginalExpectedDate, p.ReceivedAt, p.Notes })
            .SingleOrDefaultAsync(ct);
        if (po is null)
        {
            return null;
        }
        var lines = await db.PurchaseOrderLines.AsNoTracking().Where(l => l.PurchaseOrderId == id).OrderBy(l => l.Id)
            .Select(l => new PurchaseOrderLineView(l.Id, l.Product.Sku, l.Product.Name, l.QtyOrdered, l.QtyReceived, l.UnitCostCents,
                db.OrderLines.Where(o => o.ProductId == l.ProductId && o.QtyUnfilled > 0).Sum(o => o.QtyUnfilled)))
            .ToListAsync(ct);
        return new PurchaseOrderDetail(po.Id, po.Version, po.Number, po.SupplierId, po.Supplier, po.Status, po.OrderedAt, po.ExpectedDate,
            po.OriginalExpectedDate, po.ReceivedAt, po.Notes, po.Status.IsOverdue(po.ExpectedDate, today), lines);
    }

    /// <summary>Open purchase orders, soonest first, for the receiving page's picker.</summary>
    public async Task<IReadOnlyList<PurchaseOrderRow>> OpenAsync(CancellationToken ct = default) =>
        (await ListAsync(new PurchaseOrderQuery(PageSize: 500), ct)).Rows.Where(r => r.Status.IsOpen()).ToList();

    /// <summary>A draft (or, with <paramref name="place"/>, an order placed at once) for one supplier.</summary>
    public async Task<(int? Id, IReadOnlyList<string> Errors)> CreateAsync(int supplierId, DateOnly expected, IReadOnlyList<PoLineInput> lines,
        bool place, string? notes, Actor actor, CancellationToken ct = default)
    {
        if ((Access.Refusal(actor, Operation.CreatePurchaseOrder) ?? (place ? Access.Refusal(actor, Operation.PlacePurchaseOrder) : null)) is { } refused)
        {
            return (null, [refused]);
        }
        var errors = new List<string>();
        var today = (await settings.GetClockAsync(ct)).Today;
        if (expected < today)
        {
            errors.Add("The expected date can't be in the past.");
        }
        else if (Limits.DateProblem(expected, today) is { } farAhead)
        {
            errors.Add($"Expected date: {farAhead}");
        }
        if (Limits.LengthProblem(notes, Limits.MaxNoteLength, "The notes") is { } longNotes)
        {
            errors.Add(longNotes);
        }
        var wanted = lines.Where(l => !string.IsNullOrWhiteSpace(l.Sku)).ToList();
        if (wanted.Count == 0)
        {
            errors.Add("Add at least one product.");
        }
        errors.AddRange(wanted.Where(l => l.Qty <= 0).Select(l => $"{l.Sku}: order at least one unit."));
        errors.AddRange(wanted.Where(l => l.Qty > 0).GroupBy(l => l.Sku.Trim(), StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Sum(l => (long)l.Qty) > Limits.MaxUnitsPerPoLine)
            .Select(g => $"{g.Key}: a purchase order line can have at most {Limits.MaxUnitsPerPoLine:N0} units."));
        errors.AddRange(wanted.Where(l => l.UnitCostCents is < 0 or > Limits.MaxMoneyCents)
            .Select(l => $"{l.Sku}: the unit cost must be between 0 and {Money.Format(Limits.MaxMoneyCents)}."));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        if (!await db.Suppliers.AnyAsync(s => s.Id == supplierId, ct))
        {
            errors.Add("Choose a supplier.");
        }
        var skus = wanted.Select(l => l.Sku.Trim()).ToList();
        var upper = skus.Select(s => s.ToUpperInvariant()).ToList();
        var products = await db.Products.Where(p => upper.Contains(p.Sku.ToUpper())).ToDictionaryAsync(p => p.Sku, StringComparer.OrdinalIgnoreCase, ct);
        errors.AddRange(skus.Where(s => !products.ContainsKey(s)).Select(s => $"There is no product with SKU “{s}”."));
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        var now = time.GetUtcNow().UtcDateTime;
        var draft = new PoDraft(await NextNumberAsync(db, ct), supplierId, expected,
            wanted.GroupBy(l => l.Sku.Trim(), StringComparer.OrdinalIgnoreCase)
                .Select(g => new PoDraftLine(products[g.Key].Id, g.Sum(l => l.Qty), g.First().UnitCostCents))
                .ToList(),
            string.IsNullOrWhiteSpace(notes) ? null : notes.Trim());
        var po = await AddInAsync(db, draft, place, recompute: true, actor, now, ct);
        await tx.CommitAsync(ct);
        if (place)
        {
            await notifier.PublishAsync(po.Lines.Select(l => l.ProductId).ToList());
        }
        return (po.Id, []);
    }

    /// <summary>
    /// Adds a checked purchase order inside the caller's write transaction; placed at once with <paramref name="place"/>,
    /// whose units then count as inbound. With <paramref name="recompute"/> false the caller walks the queues of the
    /// products itself (once for many orders), in the same transaction.
    /// </summary>
    public async Task<PurchaseOrder> AddInAsync(AppDbContext db, PoDraft draft, bool place, bool recompute, Actor actor, DateTime now, CancellationToken ct)
    {
        var po = new PurchaseOrder
        {
            Number = draft.Number, SupplierId = draft.SupplierId, Status = PurchaseOrderStatus.Draft, ExpectedDate = draft.ExpectedDate,
            CreatedAt = now, Notes = draft.Notes,
            Lines = draft.Lines.Select(l => new PurchaseOrderLine { ProductId = l.ProductId, QtyOrdered = l.Qty, UnitCostCents = l.UnitCostCents }).ToList(),
        };
        db.PurchaseOrders.Add(po);
        await db.SaveChangesAsync(ct);
        if (place)
        {
            await PlaceAsync(db, po, actor, now, ct, recompute);
        }
        return po;
    }

    /// <summary>Sends a draft to the supplier: its units count as inbound from now, so waiting customers' dates improve.</summary>
    public async Task<PoImpact> PlaceAsync(int id, int expectedVersion, Actor actor, CancellationToken ct = default)
    {
        return await ChangeAsync(Operation.PlacePurchaseOrder, id, expectedVersion, actor, commit: true, async (db, po, now) =>
        {
            if (po.Status != PurchaseOrderStatus.Draft)
            {
                return $"{po.Number} is already {PurchaseOrderText.Status(po.Status).ToLowerInvariant()}.";
            }
            await PlaceAsync(db, po, actor, now, ct, recompute: false);
            return null;
        }, po => $"{po.Number} placed with the supplier", ct);
    }

    private async Task PlaceAsync(AppDbContext db, PurchaseOrder po, Actor actor, DateTime now, CancellationToken ct, bool recompute = true)
    {
        po.Status = PurchaseOrderStatus.Ordered;
        po.OrderedAt = now;
        po.OriginalExpectedDate = po.ExpectedDate;
        po.Version++;
        await db.SaveChangesAsync(ct);
        if (recompute)
        {
            foreach (var productId in po.Lines.Select(l => l.ProductId).Distinct())
            {
                await queue.RecomputeEtasAsync(db, productId, $"{po.Number} placed", actor, ct);
            }
        }
    }

    /// <summary>A new expected date; with <paramref name="commit"/> false, only what it would do.</summary>
    public Task<PoImpact> ChangeExpectedDateAsync(int id, int expectedVersion, DateOnly date, Actor actor, bool commit, CancellationToken ct = default) =>
        ChangeAsync(Operation.RedatePurchaseOrder, id, expectedVersion, actor, commit, async (db, po, _) =>
        {
            if (!po.Status.IsOpen() && po.Status != PurchaseOrderStatus.Draft)
            {
                return $"{po.Number} is {PurchaseOrderText.Status(po.Status).ToLowerInvariant()}; its date no longer matters.";
            }
            var today = (await settings.GetClockAsync(ct)).Today;
            if (date < today)
            {
                return "The new expected date can't be in the past.";
            }
            if (Limits.DateProblem(date, today) is { } farAhead)
            {
                return farAhead;
            }
            if (date == po.ExpectedDate)
            {
                return "That is already the expected date.";
            }
            po.ExpectedDate = date;
            return null;
        }, po => $"{po.Number} now expected {MerchantClock.ShortDate(po.ExpectedDate)}", ct);

    /// <summary>Cancels the order's outstanding units; with <paramref name="commit"/> false, only what it would do.</summary>
    public Task<PoImpact> CancelAsync(int id, int expectedVersion, string? reason, Actor actor, bool commit, CancellationToken ct = default) =>
        ChangeAsync(Operation.CancelPurchaseOrder, id, expectedVersion, actor, commit, (db, po, _) =>
        {
            if (po.Status is PurchaseOrderStatus.Received or PurchaseOrderStatus.Cancelled)
            {
                return Task.FromResult<string?>($"{po.Number} is already {PurchaseOrderText.Status(po.Status).ToLowerInvariant()}.");
            }
            if (commit && string.IsNullOrWhiteSpace(reason))
            {
                return Task.FromResult<string?>("Give a reason for the cancellation.");
            }
            po.Status = PurchaseOrderStatus.Cancelled;
            po.Notes = string.Join("\n", new[] { po.Notes, $"Cancelled: {reason?.Trim()}" }.Where(n => !string.IsNullOrWhiteSpace(n)));
            return Task.FromResult<string?>(null);
        }, po => $"{po.Number} cancelled", ct);

    /// <summary>
    /// A new ordered quantity for one line of a draft or open order, never below what has already arrived (drafting
    /// and adjusting an order's lines are one permission); with <paramref name="commit"/> false, only what it would do.
    /// </summary>
    public Task<PoImpact> ChangeLineQuantityAsync(int id, int expectedVersion, int lineId, int quantity, Actor actor, bool commit, CancellationToken ct = default) =>
        ChangeAsync(Operation.CreatePurchaseOrder, id, expectedVersion, actor, commit, (db, po, _) =>
        {
            if (!po.Status.IsOpen() && po.Status != PurchaseOrderStatus.Draft)
            {
                return Task.FromResult<string?>($"{po.Number} is {PurchaseOrderText.Status(po.Status).ToLowerInvariant()}; its lines can't change.");
            }
            if (po.Lines.SingleOrDefault(l => l.Id == lineId) is not { } line)
            {
                return Task.FromResult<string?>($"That line is no longer on {po.Number}.");
            }
            if (quantity > Limits.MaxUnitsPerPoLine)
            {
                return Task.FromResult<string?>($"A purchase order line can have at most {Limits.MaxUnitsPerPoLine:N0} units.");
            }
            if (quantity < Math.Max(1, line.QtyReceived))
            {
                return Task.FromResult<string?>(line.QtyReceived > 0
                    ? $"{line.QtyReceived} {Units(line.QtyReceived)} of this line already arrived: order at least that many."
                    : "Order at least 1 unit, or cancel the purchase order.");
            }
            if (quantity == line.QtyOrdered)
            {
                return Task.FromResult<string?>($"{quantity} {Units(quantity)} is already the ordered quantity.");
            }
            line.QtyOrdered = quantity;
            return Task.FromResult<string?>(null);
        }, po => $"{po.Number} now orders {quantity} {Units(quantity)} on one line", ct);

    private static string Units(int n) => n == 1 ? "unit" : "units";

    /// <summary>
    /// Applies a change to a purchase order, walks the queues of its products again (delay messages for lines that
    /// become late) and reports who moves; commits, or rolls everything back for a preview.
    /// </summary>
    private async Task<PoImpact> ChangeAsync(Operation operation, int id, int expectedVersion, Actor actor, bool commit,
        Func<AppDbContext, PurchaseOrder, DateTime, Task<string?>> change, Func<PurchaseOrder, string> done, CancellationToken ct)
    {
        if (Access.Refusal(actor, operation) is { } refused)
        {
            return PoImpact.Fail(refused);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var po = await db.PurchaseOrders.Include(p => p.Lines).SingleOrDefaultAsync(p => p.Id == id, ct);
        if (po is null)
        {
            return PoImpact.Fail("That purchase order no longer exists.");
        }
        if (po.Version != expectedVersion)
        {
            return PoImpact.Fail("Someone changed this purchase order a moment ago. Reload it and try again.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (await change(db, po, now) is { } refusal)
        {
            return PoImpact.Fail(refusal);
        }
        po.Version++;
        await db.SaveChangesAsync(ct);
        var changes = new List<(string Sku, EtaChange Change)>();
        var cause = done(po);
        foreach (var productId in po.Lines.Select(l => l.ProductId).Distinct())
        {
            var sku = await db.Products.Where(p => p.Id == productId).Select(p => p.Sku).SingleAsync(ct);
            changes.AddRange((await queue.RecomputeEtasAsync(db, productId, cause, actor, ct)).Select(c => (sku, c)));
        }
        var lineIds = changes.Select(c => c.Change.OrderLineId).ToList();
        var customers = await db.OrderLines.AsNoTracking().Where(l => lineIds.Contains(l.Id))
            .Select(l => new { l.Id, l.Order.Customer.Name }).ToDictionaryAsync(l => l.Id, l => l.Name, ct);
        var impact = new PoImpact(true, cause + ".", changes
            .Select(c => new ImpactLine(c.Change.OrderNumber, customers.GetValueOrDefault(c.Change.OrderLineId, ""), c.Sku, c.Change.From, c.Change.To, c.Change.BecameLate))
            .ToList());
        if (!commit)
        {
            await tx.RollbackAsync(ct);
            return impact;
        }
        await tx.CommitAsync(ct);
        await notifier.PublishAsync(po.Lines.Select(l => l.ProductId).Distinct().ToList());
        return impact;
    }

    private static async Task<string> NextNumberAsync(AppDbContext db, CancellationToken ct)
    {
        var numbers = await db.PurchaseOrders.Where(p => p.Number.StartsWith("PO-")).Select(p => p.Number).ToListAsync(ct);
        var max = numbers.Select(n => int.TryParse(n[3..], out var v) ? v : 0).DefaultIfEmpty(0).Max();
        return $"PO-{max + 1:00000}";
    }
}
