using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Shipping;

public sealed record ReadyLine(int LineId, string Sku, string Name, int Qty);

public sealed record ReadyOrder(int OrderId, int Version, string Number, string Customer, DateTime PlacedAt, ShipPolicy ShipPolicy,
    bool AuthorizationExpired, IReadOnlyList<ReadyLine> Lines);

/// <summary>Orders with stock set aside and ready to pick, and the shipments that take it out of the warehouse.</summary>
public sealed class ShippingService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time)
{
    /// <summary>
    /// Ready to ship: an order shipping what's available with any units set aside, or a ship-complete order whose
    /// every line is set aside. Oldest first.
    /// </summary>
    public async Task<(IReadOnlyList<ReadyOrder> Orders, int Total)> GetReadyAsync(int page = 0, int pageSize = 50, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ready = db.Orders.AsNoTracking().Where(o => o.Lines.Any(l => l.QtyAllocated > 0)
            && (o.ShipPolicy == ShipPolicy.ShipAvailable || o.Lines.All(l => l.QtyUnfilled == 0)));
        var total = await ready.CountAsync(ct);
        var orders = await ready.OrderBy(o => o.PlacedAt).ThenBy(o => o.Id)
            .Skip(Math.Max(0, page) * pageSize).Take(pageSize)
            .Select(o => new ReadyOrder(o.Id, o.Version, o.Number, o.Customer.Name, o.PlacedAt, o.ShipPolicy,
                o.PaymentCapturedAt == null && o.PaymentAuthorizationExpiresAt < now,
                o.Lines.Where(l => l.QtyAllocated > 0).OrderBy(l => l.Id)
                    .Select(l => new ReadyLine(l.Id, l.Product.Sku, l.Product.Name, l.QtyAllocated)).ToList()))
            .ToListAsync(ct);
        return (orders, total);
    }

    /// <summary>
    /// Ships the given quantities (all units set aside when none are given): units leave on hand and allocated, the
    /// ledger and the order's history record it, payment is captured on the first shipment and the customer is told.
    /// </summary>
    public async Task<ActionResult> ShipAsync(int orderId, int expectedVersion, IReadOnlyDictionary<int, int>? quantities,
        string? carrier, string? trackingNumber, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.Ship) is { } refused)
        {
            return ActionResult.Fail(refused);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var order = (await db.OrdersWithLinesAsync([orderId], ct)).SingleOrDefault();
        if (order is null)
        {
            return ActionResult.Fail("That order no longer exists.");
        }
        if (order.Version != expectedVersion)
        {
            return ActionResult.Fail("Someone changed this order a moment ago. The list is refreshed: check it and try again.");
        }
        var toShip = order.Lines
            .Select(l => (Line: l, Qty: quantities is null ? l.QtyAllocated : quantities.GetValueOrDefault(l.Id)))
            .Where(x => x.Qty != 0).ToList();
        if (toShip.Count == 0)
        {
            return ActionResult.Fail($"Nothing of {order.Number} is set aside to ship.");
        }
        if (toShip.FirstOrDefault(x => x.Qty < 0 || x.Qty > x.Line.QtyAllocated) is { Line: not null } bad)
        {
            return ActionResult.Fail($"{bad.Line.Product.Name}: only {Words.Count(bad.Line.QtyAllocated, "unit")} {(bad.Line.QtyAllocated == 1 ? "is" : "are")} set aside to ship.");
        }
        if (order.ShipPolicy == ShipPolicy.ShipComplete && order.Lines.Any(l => l.QtyUnfilled > 0))
        {
            return ActionResult.Fail($"{order.Number} ships complete and is still waiting for stock.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        var shipment = new Shipment { OrderId = order.Id, ShippedAt = now, Carrier = carrier?.Trim(), TrackingNumber = trackingNumber?.Trim(), ShippedBy = actor.DisplayName };
        foreach (var (line, qty) in toShip)
        {
            line.QtyAllocated -= qty;
            line.QtyShipped += qty;
            line.Version++;
            line.Product.OnHand -= qty;
            line.Product.Allocated -= qty;
            line.Product.Version++;
            shipment.Lines.Add(new ShipmentLine { OrderLineId = line.Id, Qty = qty });
            db.StockLedger.Add(new StockLedgerEntry
            {
                ProductId = line.ProductId, OnHandDelta = -qty, AllocatedDelta = -qty, Reason = StockReason.Shipment,
                Reference = order.Number, OrderLineId = line.Id, UserName = actor.DisplayName, Channel = actor.Channel, At = now,
            });
        }
        db.Shipments.Add(shipment);
        order.PaymentCapturedAt ??= now;
        order.Version++;
        var items = string.Join(", ", toShip.Select(x => $"{x.Qty} × {x.Line.Product.Name}"));
        db.Record(order.Id, OrderEventKind.Shipped,
            $"Shipped {items}{(string.IsNullOrWhiteSpace(trackingNumber) ? "" : $" ({carrier} {trackingNumber})")}.", actor, now);
        db.Tell(order, MessageTemplates.Shipped(order.Number, toShip.Select(x => (x.Line.Product.Name, x.Qty)).ToList(), carrier, trackingNumber), actor, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ActionResult.Ok($"{order.Number} shipped: {items}.");
    }
}
