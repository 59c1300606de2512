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
        var product = await db.Products.SingleAsync(p => p.Id == productId, ct);
        var free = product.OnHand - product.Allocated;
        if (free <= 0)
        {
            return [];
        }
        var queue = await QueueLinesAsync(db, productId, ct);
        var shipComplete = queue.Where(l => l.Order.ShipPolicy == ShipPolicy.ShipComplete).Select(l => l.OrderId).Distinct().ToList();
        var siblingLines = await db.OrderLines.Where(l => shipComplete.Contains(l.OrderId)).ToListAsync(ct);
        var otherProducts = siblingLines.Select(l => l.ProductId).Where(id => id != productId).Distinct().ToList();
        var freeStock = await db.Products.Where(p => otherProducts.Contains(p.Id))
            .ToDictionaryAsync(p => p.Id, p => p.OnHand - p.Allocated, ct);

        var allocations = AllocationEngine.Allocate(
            productId, free,
            queue.Select(l => new QueueEntry(l.Id, l.OrderId, Unfilled(l), l.Order.ShipPolicy == ShipPolicy.ShipComplete)).ToList(),
            siblingLines.Select(l => new SiblingLine(l.Id, l.OrderId, l.ProductId, Unfilled(l))).ToLookup(s => s.OrderId),
            freeStock);
        if (allocations.Count == 0)
        {
            return allocations;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var lines = queue.Concat(siblingLines).DistinctBy(l => l.Id).ToDictionary(l => l.Id);
        var products = await db.Products.Where(p => allocations.Select(a => a.ProductId).Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
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
        var orderIds = allocations.Select(a => lines[a.LineId].OrderId).Distinct().ToList();
        var orders = await db.Orders.Include(o => o.Customer).Include(o => o.Lines).ThenInclude(l => l.Product)
            .Where(o => orderIds.Contains(o.Id)).ToListAsync(ct);
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
        var context = await availability.GetContextAsync(ct);
        var row = await availability.Rows(db, context).Where(r => r.ProductId == productId).ForRule().SingleAsync(ct);
        var (facts, _) = (await availability.EvaluateAsync(db, [row], context, ct))[productId];
        var queue = await QueueLinesAsync(db, productId, ct);
        var etas = AvailabilityRule.QueueEtas(facts, queue.Select(Unfilled).ToList(), context.Today, context.Settings.DailyFulfilmentCapacity);
        var now = time.GetUtcNow().UtcDateTime;
        var changes = new List<EtaChange>();
        for (var i = 0; i < queue.Count; i++)
        {
            var line = queue[i];
            if (line.CurrentEta == etas[i])
            {
                continue;
            }
            if (line.CurrentEta is null && line.PromisedShipDate is null)
            {
                // A line just taken: its first date is its promise, not a change.
                line.CurrentEta = line.PromisedShipDate = etas[i];
                continue;
            }
            var wasLate = line.CurrentEta > line.PromisedShipDate;
            var isLate = etas[i] > line.PromisedShipDate;
            changes.Add(new EtaChange(line.Id, line.Order.Number, line.CurrentEta, etas[i], isLate && !wasLate));
            db.Record(line.OrderId, OrderEventKind.EtaChanged,
                $"{line.Product.Name}: expected to ship {Date(etas[i])} instead of {Date(line.CurrentEta)} ({cause}).", userName, now, line.Id);
            if (isLate && !wasLate)
            {
                db.Tell(line.Order, MessageKind.Delay, $"{line.Product.Name} from order {line.Order.Number} is delayed",
                    $"we're sorry: {line.Product.Name} from your order {line.Order.Number} "
                    + $"now ships around {Date(etas[i])}, later than the {Date(line.PromisedShipDate)} we promised.\n"
                    + "If you'd rather not wait, you can cancel this item at no cost from your tracking page or by replying to this e-mail.", now);
            }
            line.CurrentEta = etas[i];
            line.Version++;
        }
        await db.SaveChangesAsync(ct);
        return changes;
    }

    /// <summary>The product's waiting lines, tracked, in queue order.</summary>
    public static Task<List<OrderLine>> QueueLinesAsync(AppDbContext db, int productId, CancellationToken ct) =>
        db.OrderLines.Include(l => l.Order).ThenInclude(o => o.Customer).Include(l => l.Product)
            .Where(l => l.ProductId == productId && l.QtyUnfilled > 0)
            .OrderByDescending(l => l.Priority).ThenBy(l => l.QueuedAt).ThenBy(l => l.Id)
            .ToListAsync(ct);

    /// <summary>Unfilled units as they are in memory now (the stored column lags until saved).</summary>
    public static int Unfilled(OrderLine l) => l.Qty - l.QtyAllocated - l.QtyShipped - l.QtyCancelled;

    private static string Date(DateOnly? date) => date is { } d ? MerchantClock.ShortDate(d) : "an unknown date";
}
