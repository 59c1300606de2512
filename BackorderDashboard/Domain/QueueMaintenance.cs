using BackorderDashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Domain;

/// <summary>A queued line whose ETA moved, and whether the move broke its promise.</summary>
public sealed record EtaChange(int OrderLineId, string OrderNumber, DateOnly? From, DateOnly? To, bool BecameLate);

/// <summary>
/// Keeps a product's queue true after anything changes it, inside the caller's write transaction: free units go to
/// the queue through the <see cref="AllocationEngine"/>, and every waiting line gets its ETA from the availability
/// rule again. Each change is written to the stock ledger, the order's history and, where the customer should
/// hear of it, the outbox.
/// </summary>
public sealed class QueueMaintenance(AvailabilityService availability, TimeProvider time)
{
    /// <summary>Gives the product's free units to its queue in queue order. Returns the lines that received units.</summary>
    public async Task<IReadOnlyList<Allocation>> AllocateFreeStockAsync(AppDbContext db, int productId, string reference, string? userName, CancellationToken ct)
    {
        await SaveAsync(db, ct);
        var product = await db.Products.SingleAsync(p => p.Id == productId, ct);
        var free = product.OnHand - product.Allocated;
        if (free <= 0)
        {
            return [];
        }
        var queue = await WaitingLinesAsync(db, productId, ct);
        var shipComplete = queue.Where(l => l.ShipComplete).Select(l => l.OrderId).Distinct().ToList();
        var siblingLines = shipComplete.Count == 0 ? [] : await db.OrderLines.AsNoTracking().Where(l => shipComplete.Contains(l.OrderId))
            .Select(l => new SiblingLine(l.Id, l.OrderId, l.ProductId, l.QtyUnfilled)).ToListAsync(ct);
        var otherProducts = siblingLines.Select(l => l.ProductId).Where(id => id != productId).Distinct().ToList();
        var freeStock = otherProducts.Count == 0 ? [] : await db.Products.Where(p => otherProducts.Contains(p.Id))
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

        // Only the lines and products that receive units are loaded to be changed.
        var now = time.GetUtcNow().UtcDateTime;
        var lineIds = allocations.Select(a => a.LineId).Distinct().ToList();
        var lines = await db.OrderLines.Where(l => lineIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, ct);
        var productIds = allocations.Select(a => a.ProductId).Distinct().ToList();
        var products = await db.Products.Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        foreach (var allocation in allocations)
        {
            var line = lines[allocation.LineId];
            line.QtyAllocated += allocation.Qty;
            line.Version++;
            products[allocation.ProductId].Allocated += allocation.Qty;
            products[allocation.ProductId].Version++;
            db.StockLedger.Add(new StockLedgerEntry
            {
                ProductId = allocation.ProductId, AllocatedDelta = allocation.Qty, Reason = StockReason.Allocation,
                Reference = reference, OrderLineId = line.Id, UserName = userName, At = now,
            });
            db.Record(line.OrderId, OrderEventKind.Allocated, $"{allocation.Qty} unit(s) allocated ({reference}).", userName, now, line.Id);
        }
        await db.SaveChangesAsync(ct);

        // The customer hears once per order that something is ready to ship.
        var orderIds = lines.Values.Select(l => l.OrderId).Distinct().ToList();
        var orders = await db.OrdersWithLinesAsync(orderIds, ct);
        foreach (var order in orders)
        {
            var complete = order.Lines.All(l => l.QtyUnfilled == 0);
            var ready = order.ShipPolicy == ShipPolicy.ShipAvailable || complete;
            if (ready)
            {
                db.Tell(order, MessageKind.ReadyToShip, $"Your order {order.Number} is being packed",
                    "good news: " + string.Join(", ", order.Lines.Where(l => l.QtyAllocated > 0).Select(l => $"{l.QtyAllocated} × {l.Product.Name}"))
                    + $" from your order {order.Number} {(complete ? "are" : "is")} reserved for you and will ship shortly.", now);
            }
        }
        await db.SaveChangesAsync(ct);
        return allocations;
    }

    /// <summary>
    /// Sets each waiting line's ETA from the rule again. A line pushed past its promise gets a delay message
    /// with the new date and the option to cancel; every move is written to the order's history with its cause.
    /// </summary>
    public async Task<IReadOnlyList<EtaChange>> RecomputeEtasAsync(AppDbContext db, int productId, string cause, string? userName, CancellationToken ct)
    {
        await SaveAsync(db, ct);
        var context = await availability.GetContextAsync(ct);
        var row = await availability.Rows(db, context).Where(r => r.ProductId == productId).ForRule().SingleAsync(ct);
        var (facts, _) = (await availability.EvaluateAsync(db, [row], context, ct))[productId];
        var queue = await WaitingLinesAsync(db, productId, ct);
        var etas = AvailabilityRule.QueueEtas(facts, queue.Select(l => l.Unfilled).ToList(), context.Today, context.Settings.DailyFulfilmentCapacity);
        var moved = Enumerable.Range(0, queue.Count).Where(i => queue[i].Eta != etas[i]).ToList();
        if (moved.Count == 0)
        {
            return [];
        }

        // The lines whose date moved are changed through the instance this context already tracks, or through a
        // stub carrying the version read above (so a concurrent change is still caught), detached once saved.
        var tracked = db.ChangeTracker.Entries<OrderLine>().ToDictionary(e => e.Entity.Id, e => e.Entity);
        var stubs = new List<OrderLine>();
        OrderLine Entity(WaitingLine w)
        {
            if (tracked.TryGetValue(w.Id, out var entity))
            {
                return entity;
            }
            entity = new OrderLine { Id = w.Id, OrderId = w.OrderId, ProductId = productId, Version = w.Version };
            db.OrderLines.Attach(entity);
            stubs.Add(entity);
            return entity;
        }
        var productName = await db.Products.Where(p => p.Id == productId).Select(p => p.Name).SingleAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var changes = new List<EtaChange>();
        foreach (var i in moved)
        {
            var line = queue[i];
            var entity = Entity(line);
            if (line.Eta is null && line.Promised is null)
            {
                // A line just taken: its first date is its promise, not a change.
                entity.CurrentEta = entity.PromisedShipDate = etas[i];
                continue;
            }
            var wasLate = line.Eta > line.Promised;
            var isLate = etas[i] > line.Promised;
            changes.Add(new EtaChange(line.Id, line.Number, line.Eta, etas[i], isLate && !wasLate));
            db.Record(line.OrderId, OrderEventKind.EtaChanged,
                $"{productName}: expected to ship {Date(etas[i])} instead of {Date(line.Eta)} ({cause}).", userName, now, line.Id);
            entity.CurrentEta = etas[i];
            entity.Version++;
        }

        var late = changes.Where(c => c.BecameLate).ToList();
        if (late.Count > 0)
        {
            var orderIds = late.Select(c => queue.First(l => l.Id == c.OrderLineId).OrderId).Distinct().ToList();
            var orders = await db.Orders.Include(o => o.Customer).Where(o => orderIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
            foreach (var change in late)
            {
                var line = queue.First(l => l.Id == change.OrderLineId);
                db.Tell(orders[line.OrderId], MessageKind.Delay, $"{productName} from order {line.Number} is delayed",
                    $"we're sorry: {productName} from your order {line.Number} "
                    + $"now ships around {Date(change.To)}, later than the {Date(line.Promised)} we promised.\n"
                    + "If you'd rather not wait, you can cancel this item at no cost from your tracking page or by replying to this e-mail.", now);
            }
        }
        await db.SaveChangesAsync(ct);
        foreach (var stub in stubs)
        {
            db.Entry(stub).State = EntityState.Detached;
        }
        return changes;
    }

    /// <summary>A waiting line as the queue walk and the allocation engine read it: no tracking, no entities.</summary>
    private sealed record WaitingLine(int Id, int OrderId, int Version, int Unfilled, bool ShipComplete, DateOnly? Eta, DateOnly? Promised, string Number);

    /// <summary>The product's waiting lines in queue order, as stored (callers save their changes first).</summary>
    private static Task<List<WaitingLine>> WaitingLinesAsync(AppDbContext db, int productId, CancellationToken ct) =>
        db.OrderLines.AsNoTracking()
            .Where(l => l.ProductId == productId && l.QtyUnfilled > 0)
            .OrderByDescending(l => l.Priority).ThenBy(l => l.QueuedAt).ThenBy(l => l.Id)
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
