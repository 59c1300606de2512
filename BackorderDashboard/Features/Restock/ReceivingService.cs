using System.Text.Json;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Restock;

public sealed class ReceiptLineInput
{
    public string Sku { get; set; } = "";
    public int Qty { get; set; }
}

public sealed class ReceiptInput
{
    /// <summary>Made by the receiving form when it opens; the same key twice is the same receipt.</summary>
    public string IdempotencyKey { get; set; } = "";

    /// <summary>The purchase order received against; none for an ad-hoc receipt.</summary>
    public int? PurchaseOrderId { get; set; }

    /// <summary>The purchase order by its number, as the REST API names it; <see cref="PurchaseOrderId"/> wins when both are set.</summary>
    public string? PurchaseOrderNumber { get; set; }

    public List<ReceiptLineInput> Lines { get; set; } = [];

    /// <summary>Receiving more than ordered is refused unless this is set.</summary>
    public bool AllowOverReceipt { get; set; }
}

/// <summary>A waiting order line the receipt fills (fully or partly), in queue order.</summary>
public sealed record FilledLine(string OrderNumber, string Customer, int Qty, bool Complete, bool OrderReady);

public sealed record ReceivedProduct(
    string Sku, string Name, int Received, IReadOnlyList<FilledLine> Filled, int FreeAfter, int StillWaiting,
    int EtasMoved, int BecameLate, int WaitlistNotified)
{
    /// <summary>"Afterwards: 2 free in stock, 1 line still waiting, 3 ship dates moved, 1 now late, 2 waitlisted customers told it's back."</summary>
    public string Afterwards =>
        $"Afterwards: {FreeAfter} free in stock, {Words.Count(StillWaiting, "line")} still waiting"
        + (EtasMoved > 0 ? $", {Words.Count(EtasMoved, "ship date")} moved" : "")
        + (BecameLate > 0 ? $", {BecameLate} now late" : "")
        + (WaitlistNotified > 0 ? $", {Words.Count(WaitlistNotified, "waitlisted customer")} told it's back" : "")
        + ".";
}

/// <summary>
/// A refusal about one part of a receipt: the product's lines (<paramref name="Sku"/> as entered, with
/// <paramref name="Field"/> naming the <see cref="ReceiptLineInput"/> property) or, without a SKU, the purchase order.
/// </summary>
public sealed record ReceiptProblem(string? Sku, string Field, string Message);

public sealed record ReceiptOutcome(
    bool Succeeded, bool Committed, bool AlreadyApplied, IReadOnlyList<string> Errors, IReadOnlyList<ReceivedProduct> Products,
    int OrdersReady, string? Reference, DateTime? ReceivedAt, string? ReceivedBy)
{
    public static ReceiptOutcome Fail(params string[] errors) => new(false, false, false, errors, [], 0, null, null, null);

    public static ReceiptOutcome Fail(IReadOnlyList<ReceiptProblem> problems) =>
        Fail(problems.Select(p => p.Message).ToArray()) with { Problems = problems };

    /// <summary>The refusals that name a line or the purchase order (a subset of <see cref="Errors"/>), so an API can point at them.</summary>
    public IReadOnlyList<ReceiptProblem> Problems { get; init; } = [];

    public int UnitsReceived => Products.Sum(p => p.Received);
}

/// <summary>
/// Receiving a restock, in one write transaction: on hand up with its ledger rows, purchase order lines and status
/// updated, then each product's queue allocated in queue order by the allocation engine, the ETAs of the rest walked
/// again, and the customers told (set aside / ready, delay, back in stock for the waitlist). A preview runs exactly
/// the same code and rolls it back, so what it shows is what the commit does.
/// </summary>
public sealed class ReceivingService(
    IDbContextFactory<AppDbContext> dbFactory, QueueMaintenance queue, AvailabilityService availability, SupplierLeadTimes leadTimes,
    StockNotifier notifier, TimeProvider time, AuditLog audit)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The product a scanned or typed SKU names (any case), or null.</summary>
    public async Task<(string Sku, string Name)?> FindProductAsync(string sku, CancellationToken ct = default)
    {
        var wanted = sku.Trim().ToUpperInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var product = await db.Products.AsNoTracking().Where(p => p.Sku == sku.Trim() || p.Sku.ToUpper() == wanted)
            .Select(p => new { p.Sku, p.Name }).FirstOrDefaultAsync(ct);
        return product is null ? null : (product.Sku, product.Name);
    }

    /// <summary>The stored receipt a key was applied as, or null.</summary>
    public async Task<int?> FindReceiptIdAsync(string idempotencyKey, CancellationToken ct = default)
    {
        var key = idempotencyKey.Trim();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Receipts.AsNoTracking().Where(r => r.IdempotencyKey == key).Select(r => (int?)r.Id).SingleOrDefaultAsync(ct);
    }

    public Task<ReceiptOutcome> PreviewAsync(ReceiptInput input, Actor actor, CancellationToken ct = default) =>
        RunAsync(input, actor, commit: false, ct);

    public Task<ReceiptOutcome> CommitAsync(ReceiptInput input, Actor actor, CancellationToken ct = default) =>
        RunAsync(input, actor, commit: true, ct);

    private async Task<ReceiptOutcome> RunAsync(ReceiptInput input, Actor actor, bool commit, CancellationToken ct)
    {
        if (Access.Refusal(actor, Operation.Receive) is { } refused)
        {
            return ReceiptOutcome.Fail(refused);
        }
        var key = input.IdempotencyKey?.Trim() ?? "";
        if (commit && key.Length is 0 or > 64)
        {
            return ReceiptOutcome.Fail("This receipt has no key; reload the receiving page and enter it again.");
        }
        var lines = input.Lines.Where(l => !string.IsNullOrWhiteSpace(l.Sku) || l.Qty != 0).ToList();
        if (lines.Count == 0)
        {
            return ReceiptOutcome.Fail("Enter a received quantity for at least one product.");
        }
        // A count below one would take stock away (or mean nothing): the whole receipt is refused, not that line dropped.
        var refusedLines = lines.Where(l => l.Qty < 1).Select(l => new ReceiptProblem(l.Sku.Trim(), nameof(ReceiptLineInput.Qty), l.Qty < 0
            ? $"{l.Sku.Trim()}: a received quantity can't be negative ({l.Qty})."
            : $"{l.Sku.Trim()}: 0 units. Enter a received quantity of at least 1 unit, or leave the product out.")).ToArray();
        if (refusedLines.Length > 0)
        {
            return ReceiptOutcome.Fail(refusedLines);
        }
        // A count no delivery can have would also overflow the stock figures it is added to.
        var tooMany = lines.GroupBy(l => l.Sku.Trim(), StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Sum(l => (long)l.Qty) > Limits.MaxUnitsPerPoLine)
            .Select(g => new ReceiptProblem(g.Key, nameof(ReceiptLineInput.Qty), $"{g.Key}: at most {Limits.MaxUnitsPerPoLine:N0} units can be received at once."))
            .ToArray();
        if (tooMany.Length > 0)
        {
            return ReceiptOutcome.Fail(tooMany);
        }
        var wanted = lines
            .GroupBy(l => l.Sku.Trim(), StringComparer.OrdinalIgnoreCase)
            .Select(g => (Sku: g.Key, Qty: g.Sum(l => l.Qty))).ToList();

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        if (commit && await db.Receipts.AsNoTracking().SingleOrDefaultAsync(r => r.IdempotencyKey == key, ct) is { } done)
        {
            return Stored(done);
        }

        var skus = wanted.Select(w => w.Sku.ToUpperInvariant()).ToList();
        var products = await db.Products.Where(p => skus.Contains(p.Sku.ToUpper())).ToListAsync(ct);
        var bySku = products.ToDictionary(p => p.Sku, StringComparer.OrdinalIgnoreCase);
        var errors = wanted.Where(w => !bySku.ContainsKey(w.Sku))
            .Select(w => new ReceiptProblem(w.Sku, nameof(ReceiptLineInput.Sku), $"There is no product with SKU “{w.Sku}”.")).ToList();
        PurchaseOrder? po = null;
        var poNumber = input.PurchaseOrderNumber?.Trim();
        if (input.PurchaseOrderId is not null || !string.IsNullOrEmpty(poNumber))
        {
            po = input.PurchaseOrderId is { } poId
                ? await db.PurchaseOrders.Include(p => p.Lines).SingleOrDefaultAsync(p => p.Id == poId, ct)
                : await db.PurchaseOrders.Include(p => p.Lines).SingleOrDefaultAsync(p => p.Number == poNumber, ct);
            if (po is null)
            {
                return ReceiptOutcome.Fail([new ReceiptProblem(null, nameof(ReceiptInput.PurchaseOrderNumber), input.PurchaseOrderId is null
                    ? $"There is no purchase order {poNumber}."
                    : "That purchase order no longer exists.")]);
            }
            if (!po.Status.IsOpen())
            {
                return ReceiptOutcome.Fail([new ReceiptProblem(null, nameof(ReceiptInput.PurchaseOrderNumber),
                    $"{po.Number} is {PurchaseOrderText.Status(po.Status).ToLowerInvariant()}: only ordered purchase orders can be received.")]);
            }
            foreach (var (sku, qty) in wanted.Where(w => bySku.ContainsKey(w.Sku)))
            {
                var product = bySku[sku];
                var poLines = po.Lines.Where(l => l.ProductId == product.Id).ToList();
                if (poLines.Count == 0)
                {
                    errors.Add(new ReceiptProblem(sku, nameof(ReceiptLineInput.Sku), $"{product.Sku} is not on {po.Number}. Receive it without a purchase order, or on its own."));
                    continue;
                }
                var open = poLines.Sum(l => l.QtyOrdered - l.QtyReceived);
                if (qty > open && !input.AllowOverReceipt)
                {
                    errors.Add(new ReceiptProblem(sku, nameof(ReceiptLineInput.Qty),
                        $"{product.Sku}: {po.Number} has {Math.Max(0, open)} still to come; receiving {qty} is {qty - Math.Max(0, open)} more than ordered. "
                        + "Confirm the over-receipt to accept it."));
                }
            }
        }
        if (errors.Count > 0)
        {
            return ReceiptOutcome.Fail(errors);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var reference = po?.Number ?? "Ad-hoc receipt";
        var receipt = new Receipt { IdempotencyKey = commit ? key : $"preview-{Guid.NewGuid():N}", PurchaseOrder = po, ReceivedAt = now, ReceivedBy = actor.DisplayName, ResultJson = "" };
        foreach (var (sku, qty) in wanted)
        {
            var product = bySku[sku];
            product.OnHand += qty;
            product.Version++;
            // Against a purchase order, the units fill its open lines for the product first; the excess (an
            // accepted over-receipt) goes on the last of them.
            var rest = qty;
            var poLines = po?.Lines.Where(l => l.ProductId == product.Id).OrderBy(l => l.Id).ToList() ?? [];
            for (var i = 0; i < poLines.Count && rest > 0; i++)
            {
                var take = i == poLines.Count - 1 ? rest : Math.Min(rest, Math.Max(0, poLines[i].QtyOrdered - poLines[i].QtyReceived));
                if (take == 0)
                {
                    continue;
                }
                poLines[i].QtyReceived += take;
                rest -= take;
                AddLedger(db, receipt, product, take, poLines[i], reference, actor, now);
            }
            if (rest > 0)
            {
                AddLedger(db, receipt, product, rest, null, reference, actor, now);
            }
        }
        if (po is not null)
        {
            var complete = po.Lines.All(l => l.QtyReceived >= l.QtyOrdered);
            po.Status = complete ? PurchaseOrderStatus.Received : PurchaseOrderStatus.PartiallyReceived;
            po.ReceivedAt = complete ? now : null;
            po.Version++;
        }
        receipt.UnitsReceived = wanted.Sum(w => w.Qty);
        db.Receipts.Add(receipt);
        await db.SaveChangesAsync(ct);

        // A purchase order received in full joins its supplier's lead-time history, which dates every line of the
        // supplier's products beyond what is on order: the walks below use the history as it stands after this receipt.
        var historyChanged = po is { Status: PurchaseOrderStatus.Received };
        var context = await availability.GetContextAsync(ct);
        if (historyChanged)
        {
            context = context with { LeadTimes = await SupplierLeadTimes.LoadAsync(db, ct) };
        }

        // The queues, product by product, in the order the merchant entered them.
        var results = new List<(Product Product, int Received, IReadOnlyList<Allocation> Allocations, IReadOnlyList<EtaChange> Changes, int Waitlist)>();
        foreach (var (sku, qty) in wanted)
        {
            var product = bySku[sku];
            var arrival = await queue.StockArrivedAsync(db, product.Id, $"receipt {reference}", actor, ct, context);
            results.Add((product, qty, arrival.Allocations, arrival.Changes, arrival.WaitlistNotified));
        }
        // A ship-complete order completed by one product also took its other products' free stock: their queues moved.
        await queue.RecomputeEtasAsync(db, results.SelectMany(r => r.Allocations.Where(a => a.ProductId != r.Product.Id)).Select(a => a.ProductId),
            $"receipt {reference}", actor, ct, context);
        if (historyChanged)
        {
            await queue.RecomputeSupplierEtasAsync(db, po!.SupplierId, $"{reference} received: the supplier's lead time history changed", actor, ct, context,
                except: results.Select(r => r.Product.Id).ToList());
        }

        var outcome = await DescribeAsync(db, results, reference, now, actor, commit, ct);
        receipt.ResultJson = JsonSerializer.Serialize(outcome, Json);
        if (commit)
        {
            audit.Add(db, AuditKind.Receipt, actor, reference,
                $"{Words.Count(receipt.UnitsReceived, "unit")} received: {string.Join(", ", wanted.Select(w => $"{bySku[w.Sku].Sku} × {w.Qty}"))}.");
        }
        await db.SaveChangesAsync(ct);
        if (!commit)
        {
            await tx.RollbackAsync(ct);
            return outcome;
        }
        await tx.CommitAsync(ct);
        if (historyChanged)
        {
            leadTimes.Invalidate();
        }
        await notifier.PublishAsync(results.Select(r => r.Product.Id).ToList());
        return outcome;
    }

    private static void AddLedger(AppDbContext db, Receipt receipt, Product product, int qty, PurchaseOrderLine? poLine, string reference, Actor actor, DateTime now)
    {
        receipt.Lines.Add(new ReceiptLine { ProductId = product.Id, PurchaseOrderLine = poLine, Qty = qty });
        db.StockLedger.Add(new StockLedgerEntry
        {
            ProductId = product.Id, OnHandDelta = qty, Reason = StockReason.Receipt, Reference = reference,
            PurchaseOrderLineId = poLine?.Id, UserName = actor.DisplayName, Channel = actor.Channel, At = now,
        });
    }

    private static async Task<ReceiptOutcome> DescribeAsync(AppDbContext db,
        List<(Product Product, int Received, IReadOnlyList<Allocation> Allocations, IReadOnlyList<EtaChange> Changes, int Waitlist)> results,
        string reference, DateTime now, Actor actor, bool commit, CancellationToken ct)
    {
        var lineIds = results.SelectMany(r => r.Allocations).Select(a => a.LineId).Distinct().ToList();
        var lines = await db.OrderLines.AsNoTracking().Where(l => lineIds.Contains(l.Id))
            .Select(l => new
            {
                l.Id, l.OrderId, l.Order.Number, Customer = l.Order.Customer.Name, l.QtyUnfilled, l.Order.ShipPolicy,
                OrderWaiting = l.Order.Lines.Any(o => o.QtyUnfilled > 0),
            })
            .ToDictionaryAsync(l => l.Id, ct);
        var products = new List<ReceivedProduct>();
        foreach (var (product, received, allocations, changes, waitlist) in results)
        {
            var filled = allocations.Where(a => a.ProductId == product.Id).Select(a =>
            {
                var line = lines[a.LineId];
                return new FilledLine(line.Number, line.Customer, a.Qty, line.QtyUnfilled == 0,
                    line.ShipPolicy == ShipPolicy.ShipAvailable || !line.OrderWaiting);
            }).ToList();
            var stock = await db.Products.AsNoTracking().Where(p => p.Id == product.Id)
                .Select(p => new { Free = p.OnHand - p.Allocated, Waiting = db.OrderLines.Count(l => l.ProductId == p.Id && l.QtyUnfilled > 0) })
                .SingleAsync(ct);
            products.Add(new ReceivedProduct(product.Sku, product.Name, received, filled, stock.Free, stock.Waiting,
                changes.Count, changes.Count(c => c.BecameLate), waitlist));
        }
        var ordersReady = lines.Values.Where(l => l.ShipPolicy == ShipPolicy.ShipAvailable || !l.OrderWaiting).Select(l => l.OrderId).Distinct().Count();
        return new ReceiptOutcome(true, commit, false, [], products, ordersReady, reference, now, actor.DisplayName);
    }

    private static ReceiptOutcome Stored(Receipt receipt) =>
        (JsonSerializer.Deserialize<ReceiptOutcome>(receipt.ResultJson, Json) ?? ReceiptOutcome.Fail("This receipt was already applied."))
        with { AlreadyApplied = true };
}
