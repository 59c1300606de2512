using BackorderDashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Domain;

/// <summary>A queued line whose ETA moved, and whether the move broke its promise.</summary>
public sealed record EtaChange(int OrderLineId, string OrderNumber, DateOnly? From, DateOnly? To, bool BecameLate);

/// <summary>What units coming into stock did: the lines they went to, the ETAs that moved, the waitlisted customers told.</summary>
public sealed record StockArrival(IReadOnlyList<Allocation> Allocations, IReadOnlyList<EtaChange> Changes, int WaitlistNotified);

/// <summary>
/// Keeps a product's queue true after anything changes it, inside the caller's write transaction: free units go to
/// the queue through the <see cref="AllocationEngine"/>, and every waiting line gets its ETA from the availability
/// rule again. Each change is written to the stock ledger, the order's history and, where the customer should
/// hear of it, the outbox. The actor comes from the caller, which has checked it: here it is only recorded.
/// </summary>
public sealed class QueueMaintenance(AvailabilityService availability, TimeProvider time)
{
    /// <summary>
    /// Units of the product came into stock (a receipt, units found or returned): its queue takes them in queue order,
    /// the rest of the queue is dated again, and if units are still free its waitlist hears that it is back. One place,
    /// so a correction that adds stock tells customers exactly what a receipt would.
    /// </summary>
    public async Task<StockArrival> StockArrivedAsync(AppDbContext db, int productId, string reference, Actor actor, CancellationToken ct,
        AvailabilityService.Context? context = null)
    {
        var allocations = await AllocateFreeStockAsync(db, productId, reference, actor, ct);
        var changes = await RecomputeEtasAsync(db, productId, reference, actor, ct, context);
        var waitlist = await NotifyWaitlistAsync(db, productId, actor, ct);
        return new StockArrival(allocations, changes, waitlist);
    }

    /// <summary>Stock left free after the queue took its share: everyone waiting on the product's waitlist hears of it.</summary>
    public async Task<int> NotifyWaitlistAsync(AppDbContext db, int productId, Actor actor, CancellationToken ct)
    {
        var product = await db.Products.SingleAsync(p => p.Id == productId, ct);
        if (product.OnHand - product.Allocated <= 0)
        {
            return 0;
        }
        var entries = await db.Waitlist.Include(w => w.Customer).Where(w => w.ProductId == productId && w.NotifiedAt == null).ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var entry in entries)
        {
            entry.NotifiedAt = now;
            db.Tell(entry.Customer, null, MessageTemplates.BackInStock(product.Name, product.Sku), actor, now);
        }
        return entries.Count;
    }

    /// <summary>Gives the product's free units to its queue in queue order. Returns the lines that received units.</summary>
    public async Task<IReadOnlyList<Allocation>> AllocateFreeStockAsync(AppDbContext db, int productId, string reference, Actor actor, CancellationToken ct)
    {
        await SaveAsync(db, ct);
        var free = await db.Products.AsNoTracking().Where(p => p.Id == productId).Select(p => p.OnHand - p.Allocated).SingleAsync(ct);
        if (free <= 0)
        {
            return [];
        }
        var queue = await WaitingLinesAsync(db, productId, ct);
        var shipComplete = queue.Where(l => l.ShipComplete).Select(l => l.OrderId).Distinct().ToList();
        var siblingLines = shipComplete.Count == 0 ? [] : await db.OrderLines.AsNoTracking().Where(l => EF.Parameter(shipComplete).Contains(l.OrderId))
            .Select(l => new SiblingLine(l.Id, l.OrderId, l.ProductId, l.QtyUnfilled)).ToListAsync(ct);
        var otherProducts = siblingLines.Select(l => l.ProductId).Where(id => id != productId).Distinct().ToList();
        var freeStock = otherProducts.Count == 0 ? [] : await db.Products.AsNoTracking().Where(p => otherProducts.Contains(p.Id))
            .ToDictionaryAsync(p => p.Id, p => p.OnHand - p.Allocated, ct);

        var allocations = AllocationEngine.Allocate(
            productId, free,
            queue.Select(l => new QueueEntry(l.Id, l.OrderId, l.Unfilled, l.ShipComplete)).ToList(),
            siblingLines.ToLookup(s => s.OrderId),
            freeStock);
        if (allocations.Count == 0)
        {
            return allocations;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var orderOf = queue.Select(l => (l.Id, l.OrderId)).Concat(siblingLines.Select(l => (Id: l.LineId, l.OrderId)))
            .DistinctBy(l => l.Id).ToDictionary(l => l.Id, l => l.OrderId);
        await db.ApplyAllocationsAsync(
            allocations.Select(a => new LineAllocation(a.LineId, orderOf[a.LineId], a.ProductId, a.Qty, $"{Words.Count(a.Qty, "unit")} allocated ({reference}).")).ToList(),
            reference, actor, now, ct);

        // The customer hears once per order that something is ready to ship.
        var orderIds = allocations.Select(a => orderOf[a.LineId]).Distinct().ToList();
        var orders = await db.Orders.AsNoTracking().Where(o => EF.Parameter(orderIds).Contains(o.Id))
            .Select(o => new { o.Id, o.Number, o.ShipPolicy, Customer = o.Customer.Name, o.Customer.Email }).ToListAsync(ct);
        var lines = (await db.OrderLines.AsNoTracking().Where(l => EF.Parameter(orderIds).Contains(l.OrderId))
            .Select(l => new { l.OrderId, l.QtyAllocated, l.QtyUnfilled, l.Product.Name }).ToListAsync(ct))
            .ToLookup(l => l.OrderId);
        var messages = new List<OutboxMessage>();
        foreach (var order in orders)
        {
            var complete = lines[order.Id].All(l => l.QtyUnfilled == 0);
            if (order.ShipPolicy == ShipPolicy.ShipAvailable || complete)
            {
                messages.Add(OrderJournal.Message(order.Id, order.Customer, order.Email, MessageTemplates.ReadyToShip(order.Number,
                    lines[order.Id].Where(l => l.QtyAllocated > 0).Select(l => (l.Name, l.QtyAllocated)).ToList(), complete), actor, now));
            }
        }
        await db.AddMessagesAsync(messages, ct);
        return allocations;
    }

    /// <summary>
    /// Sets each waiting line's ETA from the rule again. A line pushed past its promise gets a delay message
    /// with the new date and the option to cancel; every move is written to the order's history with its cause.
    /// </summary>
    public async Task<IReadOnlyList<EtaChange>> RecomputeEtasAsync(AppDbContext db, int productId, string cause, Actor actor, CancellationToken ct,
        AvailabilityService.Context? context = null)
    {
        await SaveAsync(db, ct);
        context ??= await availability.GetContextAsync(ct);
        var row = await availability.Rows(db, context).Where(r => r.ProductId == productId).ForRule().SingleAsync(ct);
        var (facts, badge) = (await availability.EvaluateAsync(db, [row], context, ct))[productId];
        await db.AnnounceAvailabilityAsync(productId, badge, time.GetUtcNow().UtcDateTime, ct);
        var queue = await WaitingLinesAsync(db, productId, ct);
        var etas = AvailabilityRule.QueueEtas(facts, queue.Select(l => l.Unfilled).ToList(), context.Today, context.Settings.DailyFulfilmentCapacity);
        var moved = Enumerable.Range(0, queue.Count).Where(i => queue[i].Eta != etas[i]).ToList();
        if (moved.Count == 0)
        {
            return [];
        }

        var productName = await db.Products.Where(p => p.Id == productId).Select(p => p.Name).SingleAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var changes = new List<EtaChange>();
        var updates = new List<LineEta>();
        foreach (var i in moved)
        {
            var line = queue[i];
            if (line.Eta is null && line.Promised is null)
            {
                // A line just taken: its first date is its promise, not a change.
                updates.Add(new LineEta(line.Id, line.OrderId, etas[i], SetPromise: true, EventDetail: null));
                continue;
            }
            var wasLate = line.Eta > line.Promised;
            var isLate = etas[i] > line.Promised;
            changes.Add(new EtaChange(line.Id, line.Number, line.Eta, etas[i], isLate && !wasLate));
            updates.Add(new LineEta(line.Id, line.OrderId, etas[i], SetPromise: false,
                $"{productName}: expected to ship {Date(etas[i])} instead of {Date(line.Eta)} ({cause})."));
        }
        await db.SetEtasAsync(updates, actor, now, ct);

        var late = changes.Where(c => c.BecameLate).ToList();
        if (late.Count > 0)
        {
            var byId = queue.ToDictionary(l => l.Id);
            var orderIds = late.Select(c => byId[c.OrderLineId].OrderId).Distinct().ToList();
            var customers = await db.Orders.AsNoTracking().Where(o => EF.Parameter(orderIds).Contains(o.Id))
                .Select(o => new { o.Id, o.Customer.Name, o.Customer.Email }).ToDictionaryAsync(o => o.Id, ct);
            await db.AddMessagesAsync(late.Select(change =>
            {
                var line = byId[change.OrderLineId];
                var customer = customers[line.OrderId];
                return OrderJournal.Message(line.OrderId, customer.Name, customer.Email,
                    MessageTemplates.Delay(productName, line.Number, line.Id, change.To, line.Promised), actor, now);
            }).ToList(), ct);
        }
        return changes;
    }

    /// <summary>
    /// Tells webhook subscribers of the products whose badge changed without their queue being walked (an order
    /// taking stock off the shelf). Costs nothing while nobody listens to availability.changed.
    /// </summary>
    public async Task AnnounceAvailabilityAsync(AppDbContext db, IEnumerable<int> productIds, CancellationToken ct, AvailabilityService.Context? context = null)
    {
        var ids = productIds.Distinct().Order().ToList();
        if (ids.Count == 0 || !await db.AnyoneListensAsync(WebhookEvents.AvailabilityChanged, ct))
        {
            return;
        }
        await SaveAsync(db, ct);
        context ??= await availability.GetContextAsync(ct);
        var rows = await availability.Rows(db, context).Where(r => ids.Contains(r.ProductId)).ForRule().ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var (productId, (_, badge)) in await availability.EvaluateAsync(db, rows, context, ct))
        {
            await db.AnnounceAvailabilityAsync(productId, badge, now, ct);
        }
    }

    /// <summary>
    /// Dates again the queues of the given products (each once, whatever the order): where an allocation reached
    /// products beyond the one whose stock came free. A ship-complete order completed by one product's units also takes
    /// its other products' free stock and leaves their queues, so the lines behind it there move up.
    /// </summary>
    public async Task<IReadOnlyList<EtaChange>> RecomputeEtasAsync(AppDbContext db, IEnumerable<int> productIds, string cause, Actor actor,
        CancellationToken ct, AvailabilityService.Context? context = null)
    {
        var changes = new List<EtaChange>();
        foreach (var productId in productIds.Distinct().Order().ToList())
        {
            changes.AddRange(await RecomputeEtasAsync(db, productId, cause, actor, ct, context));
        }
        return changes;
    }

    /// <summary>
    /// Walks again the queue of every product of the supplier that has waiting lines: a change of the supplier's quoted
    /// lead time or of its receipt history moves the estimated dates of lines no purchase order covers.
    /// </summary>
    public async Task<IReadOnlyList<EtaChange>> RecomputeSupplierEtasAsync(AppDbContext db, int supplierId, string cause, Actor actor, CancellationToken ct,
        AvailabilityService.Context? context = null, IReadOnlyCollection<int>? except = null)
    {
        await SaveAsync(db, ct);
        var products = await db.OrderLines.AsNoTracking().Where(l => l.QtyUnfilled > 0 && l.Product.SupplierId == supplierId)
            .Select(l => l.ProductId).Distinct().OrderBy(id => id).ToListAsync(ct);
        var changes = new List<EtaChange>();
        foreach (var productId in products.Where(id => except?.Contains(id) != true))
        {
            changes.AddRange(await RecomputeEtasAsync(db, productId, cause, actor, ct, context));
        }
        return changes;
    }

    /// <summary>A waiting line as the queue walk and the allocation engine read it: no tracking, no entities.</summary>
    private sealed record WaitingLine(int Id, int OrderId, int Version, int Unfilled, bool ShipComplete, DateOnly? Eta, DateOnly? Promised, string Number);

    /// <summary>The product's waiting lines in queue order, as stored (callers save their changes first).</summary>
    private static Task<List<WaitingLine>> WaitingLinesAsync(AppDbContext db, int productId, CancellationToken ct) =>
        db.OrderLines.AsNoTracking()
            .Where(l => l.ProductId == productId && l.QtyUnfilled > 0)
            .InQueueOrder()
            .Select(l => new WaitingLine(l.Id, l.OrderId, l.Version, l.QtyUnfilled, l.Order.ShipPolicy == ShipPolicy.ShipComplete,
                l.CurrentEta, l.PromisedShipDate, l.Order.Number))
            .ToListAsync(ct);

    /// <summary>The queue is read from the database, so what the caller changed must be there first.</summary>
    private static async Task SaveAsync(AppDbContext db, CancellationToken ct)
    {
        if (db.ChangeTracker.HasChanges())
        {
            await db.SaveChangesAsync(ct);
        }
    }

    private static string Date(DateOnly? date) => date is { } d ? MerchantClock.ShortDate(d) : "an unknown date";
}
