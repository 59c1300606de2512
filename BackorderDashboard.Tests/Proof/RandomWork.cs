using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Features.Restock;
using BackorderDashboard.Features.Shipping;
using BackorderDashboard.Features.Tracking;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Proof;

public enum WorkKind
{
    PlaceOrder,
    Receive,
    Ship,
    CancelLine,
    CancelAndWaitlist,
    CustomerCancel,
    Expedite,
    SwitchShipPolicy,
    RedatePurchaseOrder,
    NewPurchaseOrder,
}

/// <summary>
/// One piece of work, as plain numbers: which order, line or purchase order it touches and with what quantities is
/// decided against the store as it is when the step runs, so any sequence is meaningful and a shorter or smaller
/// one (what shrinking tries) is too.
/// </summary>
public readonly record struct Work(WorkKind Kind, int A, int B, int C)
{
    public override string ToString() => $"{Kind}({A},{B},{C})";
}

/// <summary>Carries out <see cref="Work"/> through the app's own services, as staff (or the customer) would.</summary>
public sealed class RandomWork(TestServices services, IDbContextFactory<AppDbContext> database)
{
    private static readonly Actor Staff = TestActors.Merchant;

    /// <summary>Does the work; returns what was done (or why nothing was), for the failure report.</summary>
    public async Task<string> DoAsync(Work work)
    {
        await using var db = await database.CreateDbContextAsync();
        var lines = await db.OrderLines.AsNoTracking().Include(l => l.Order).Include(l => l.Product).OrderBy(l => l.Id).ToListAsync();
        switch (work.Kind)
        {
            case WorkKind.PlaceOrder:
            {
                // Four of the six customers (two VIP), so the same people come back: to the same queues, the same waitlists.
                var customer = work.A % 4;
                var policy = work.A / 4 % 2 == 0 ? ShipPolicy.ShipAvailable : ShipPolicy.ShipComplete;
                var count = 1 + work.B % 3;
                var first = work.B / 3 % ProofStore.Skus.Length;
                var input = new NewOrderInput
                {
                    CustomerName = $"Customer {customer}", CustomerEmail = ProofStore.Email(customer), ShipPolicy = policy,
                    Lines = Enumerable.Range(0, count).Select(k => new NewOrderLineInput
                    {
                        Sku = ProofStore.Skus[(first + k) % ProofStore.Skus.Length], Qty = 1 + (work.C >> (3 * k)) % 6,
                    }).ToList(),
                };
                var result = await services.Get<OrderIntakeService>().PlaceAsync(input, Staff);
                return $"order for customer {customer} ({policy}: {string.Join(", ", input.Lines.Select(l => $"{l.Qty} {l.Sku}"))}) → "
                    + (result.Succeeded ? result.OrderNumber : string.Join(" ", result.Errors));
            }
            case WorkKind.Receive:
            {
                var open = await db.PurchaseOrders.AsNoTracking().Include(p => p.Lines).ThenInclude(l => l.Product)
                    .Where(p => p.Status == PurchaseOrderStatus.Ordered || p.Status == PurchaseOrderStatus.PartiallyReceived).OrderBy(p => p.Id).ToListAsync();
                ReceiptInput input;
                string what;
                if (open.Count == 0 || work.C % 5 == 0)
                {
                    var sku = ProofStore.Skus[work.A % ProofStore.Skus.Length];
                    input = new ReceiptInput { IdempotencyKey = Guid.NewGuid().ToString("N"), Lines = [new ReceiptLineInput { Sku = sku, Qty = 1 + work.B % 6 }] };
                    what = $"ad-hoc receipt of {input.Lines[0].Qty} {sku}";
                }
                else
                {
                    var po = open[work.A % open.Count];
                    var whole = work.B % 2 == 0;
                    var receiptLines = po.Lines.Where(l => l.QtyOrdered > l.QtyReceived).Select((l, k) => new ReceiptLineInput
                    {
                        Sku = l.Product.Sku,
                        Qty = whole ? l.QtyOrdered - l.QtyReceived : 1 + (work.C + 7 * k) % (l.QtyOrdered - l.QtyReceived),
                    }).ToList();
                    input = new ReceiptInput { IdempotencyKey = Guid.NewGuid().ToString("N"), PurchaseOrderId = po.Id, Lines = receiptLines };
                    what = $"{(whole ? "whole" : "partial")} receipt on {po.Number} ({string.Join(", ", receiptLines.Select(l => $"{l.Qty} {l.Sku}"))})";
                }
                var outcome = await services.Get<ReceivingService>().CommitAsync(input, Staff);
                return $"{what} → {(outcome.Succeeded ? "received" : string.Join(" ", outcome.Errors))}";
            }
            case WorkKind.Ship:
            {
                var orders = lines.Where(l => l.QtyAllocated > 0).Select(l => l.Order).DistinctBy(o => o.Id).ToList();
                if (orders.Count == 0)
                {
                    return "ship: nothing set aside";
                }
                var order = orders[work.A % orders.Count];
                Dictionary<int, int>? quantities = null;
                if (work.B % 3 != 0)
                {
                    quantities = lines.Where(l => l.OrderId == order.Id && l.QtyAllocated > 0)
                        .Select((l, k) => (l.Id, Qty: 1 + (work.B + k) % l.QtyAllocated)).ToDictionary(x => x.Id, x => x.Qty);
                }
                var result = await services.Get<ShippingService>().ShipAsync(order.Id, order.Version, quantities, "UPS", null, Staff);
                return $"ship {order.Number} ({(quantities is null ? "all" : string.Join(", ", quantities.Select(q => $"line {q.Key}: {q.Value}")))}) → {result.Message}";
            }
            case WorkKind.CancelLine or WorkKind.CancelAndWaitlist:
            {
                var open = lines.Where(l => l.QtyAllocated + l.QtyUnfilled > 0).ToList();
                if (open.Count == 0)
                {
                    return "cancel: nothing open";
                }
                var line = open[work.A % open.Count];
                var waitlist = work.Kind == WorkKind.CancelAndWaitlist;
                var result = await services.Get<BackorderService>().CancelAsync(line.Id, line.Version, "Customer asked", waitlist, Staff);
                return $"cancel line {line.Id} ({line.Order.Number} {line.Product.Sku}{(waitlist ? ", join waitlist" : "")}) → {result.Message}";
            }
            case WorkKind.CustomerCancel:
            {
                var offered = await db.Outbox.AsNoTracking().Where(m => m.Kind == MessageKind.Delay && m.OrderLineId != null)
                    .Select(m => m.OrderLineId!.Value).Distinct().ToListAsync();
                var open = lines.Where(l => l.QtyUnfilled > 0 && offered.Contains(l.Id)).ToList();
                if (open.Count == 0)
                {
                    return "customer cancel: no delayed line";
                }
                var line = open[work.A % open.Count];
                var result = await services.Get<TrackingService>().CancelDelayedLineAsync(line.Order.TrackingToken, line.Id, Actor.Customer(line.Order.Number));
                return $"customer cancels line {line.Id} ({line.Order.Number} {line.Product.Sku}) → {result.Message}";
            }
            case WorkKind.Expedite:
            {
                var waiting = lines.Where(l => l.QtyUnfilled > 0).ToList();
                if (waiting.Count == 0)
                {
                    return "expedite: nothing waits";
                }
                var line = waiting[work.A % waiting.Count];
                var expedite = line.Priority != QueuePriority.Expedited;
                var result = await services.Get<BackorderService>().SetExpeditedAsync(line.Id, line.Version, expedite, Staff);
                return $"{(expedite ? "expedite" : "un-expedite")} line {line.Id} ({line.Order.Number} {line.Product.Sku}) → {result.Message}";
            }
            case WorkKind.SwitchShipPolicy:
            {
                var orders = lines.Where(l => l.QtyUnfilled > 0).Select(l => l.Order).DistinctBy(o => o.Id).ToList();
                if (orders.Count == 0)
                {
                    return "switch policy: nothing waits";
                }
                var order = orders[work.A % orders.Count];
                var policy = order.ShipPolicy == ShipPolicy.ShipComplete ? ShipPolicy.ShipAvailable : ShipPolicy.ShipComplete;
                var result = await services.Get<BackorderService>().SetShipPolicyAsync(order.Id, order.Version, policy, Staff);
                return $"{order.Number} to {policy} → {result.Message}";
            }
            case WorkKind.RedatePurchaseOrder:
            {
                var pos = await db.PurchaseOrders.AsNoTracking()
                    .Where(p => p.Status == PurchaseOrderStatus.Ordered || p.Status == PurchaseOrderStatus.PartiallyReceived).OrderBy(p => p.Id).ToListAsync();
                if (pos.Count == 0)
                {
                    return "redate: no open purchase order";
                }
                var po = pos[work.A % pos.Count];
                var date = ProofStore.Today.AddDays(work.B % 25);
                if (date == po.ExpectedDate)
                {
                    date = date.AddDays(1);
                }
                var result = await services.Get<PurchaseOrderService>().ChangeExpectedDateAsync(po.Id, po.Version, date, Staff, commit: true);
                return $"{po.Number} expected {date:yyyy-MM-dd} → {result.Message}";
            }
            case WorkKind.NewPurchaseOrder:
            {
                var supplier = await db.Suppliers.AsNoTracking().Select(s => s.Id).FirstAsync();
                var count = 1 + work.B % 2;
                var poLines = Enumerable.Range(0, count)
                    .Select(k => new PoLineInput(ProofStore.Skus[(work.A + k) % ProofStore.Skus.Length], 2 + (work.C + 3 * k) % 8, 500)).ToList();
                var expected = ProofStore.Today.AddDays(1 + work.C / 8 % 20);
                var (id, errors) = await services.Get<PurchaseOrderService>().CreateAsync(supplier, expected, poLines, place: true, null, Staff);
                return $"new purchase order ({string.Join(", ", poLines.Select(l => $"{l.Qty} {l.Sku}"))}) due {expected:yyyy-MM-dd} → {(id is null ? string.Join(" ", errors) : "placed")}";
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(work), work.Kind, null);
        }
    }
}
