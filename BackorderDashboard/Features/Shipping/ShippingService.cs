using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Shipping;

public sealed record ReadyLine(int LineId, string Sku, string Name, int Qty);

public sealed record ReadyOrder(int OrderId, int Version, string Number, string Customer, DateTime PlacedAt, ShipPolicy ShipPolicy,
    bool AuthorizationExpired, IReadOnlyList<ReadyLine> Lines, string CustomerEmail = "", int DaysSincePlaced = 0);

/// <summary>
/// Which ready orders to show: a product (part of its SKU or name) among the units set aside, a customer (part of the
/// name or e-mail), placed at least <see cref="MinDays"/> store days ago, one ship policy; or exactly the orders named.
/// </summary>
public sealed record ReadyQuery(string? Product = null, string? Customer = null, int? MinDays = null, ShipPolicy? ShipPolicy = null,
    IReadOnlyCollection<string>? Numbers = null, int Page = 0, int PageSize = 100)
{
    /// <summary>The largest age filter a link or the field accepts: a year of store days.</summary>
    public const int MaxDays = 365;
}

/// <summary>One order of a bulk shipment: the version the page showed, and its own tracking number if any.</summary>
public sealed record BulkShipItem(int OrderId, int Version, string? TrackingNumber = null);

/// <summary>A refused order of a bulk shipment, by its number, and why.</summary>
public sealed record ShipFailure(string Number, string Reason);

/// <summary>What a bulk shipment did: the orders shipped (each in full), the ones that were not and why.</summary>
public sealed record BulkShipResult(string Carrier, IReadOnlyList<string> Shipped, IReadOnlyList<ShipFailure> Failed)
{
    public bool Succeeded => Failed.Count == 0 && Shipped.Count > 0;

    /// <summary>"Shipped 12 orders with UPS." then each order not shipped with its reason.</summary>
    public string Message
    {
        get
        {
            var shipped = Shipped.Count == 0 ? "Nothing was shipped." : $"Shipped {Words.Count(Shipped.Count, "order")} with {Carrier}.";
            return Failed.Count == 0 ? shipped
                : $"{shipped} Not shipped: {string.Join(" ", Failed.Select(f => $"{f.Number}: {f.Reason}"))}";
        }
    }
}

/// <summary>One order's units of a product on the pick list.</summary>
public sealed record PickOrder(string Number, string Customer, int Units);

/// <summary>One product to pick: how many units in all, and for which orders.</summary>
public sealed record PickProduct(string Sku, string Name, int Units, IReadOnlyList<PickOrder> Orders);

/// <summary>The pick list of the chosen ready orders, by product (SKU order).</summary>
public sealed record PickList(IReadOnlyList<PickProduct> Products, int Orders)
{
    public int Units => Products.Sum(p => p.Units);
}

/// <summary>Orders with stock set aside and ready to pick, and the shipments that take it out of the warehouse.</summary>
public sealed class ShippingService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time, SettingsService settings)
{
    /// <summary>
    /// Ready to ship: an order shipping what's available with any units set aside, or a ship-complete order whose
    /// every line is set aside.
    /// </summary>
    public static readonly Expression<Func<Order, bool>> IsReady = o => o.Lines.Any(l => l.QtyAllocated > 0)
        && (o.ShipPolicy == ShipPolicy.ShipAvailable || o.Lines.All(l => l.QtyUnfilled == 0));

    /// <summary>The ready orders that match the query, oldest first, a page of them and how many match in all.</summary>
    public async Task<(IReadOnlyList<ReadyOrder> Orders, int Total)> GetReadyAsync(ReadyQuery? query = null, CancellationToken ct = default)
    {
        query ??= new ReadyQuery();
        var clock = await settings.GetClockAsync(ct);
        var now = clock.UtcNow;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ready = Matching(db, query, clock);
        var total = await ready.CountAsync(ct);
        var orders = await ready.OrderBy(o => o.PlacedAt).ThenBy(o => o.Id)
            .Skip(Math.Max(0, query.Page) * query.PageSize).Take(query.PageSize)
            .Select(o => new ReadyOrder(o.Id, o.Version, o.Number, o.Customer.Name, o.PlacedAt, o.ShipPolicy,
                o.PaymentCapturedAt == null && o.PaymentAuthorizationExpiresAt < now,
                o.Lines.Where(l => l.QtyAllocated > 0).OrderBy(l => l.Id)
                    .Select(l => new ReadyLine(l.Id, l.Product.Sku, l.Product.Name, l.QtyAllocated)).ToList(),
                o.Customer.Email, 0))
            .ToListAsync(ct);
        return (orders.Select(o => o with { DaysSincePlaced = QueueAges.DaysWaiting(clock, o.PlacedAt) }).ToList(), total);
    }

    /// <summary>
    /// The pick list of the ready orders that match the query (every match, not a page): per product the units set
    /// aside for those orders, and the orders under it, oldest first.
    /// </summary>
    public async Task<PickList> GetPickListAsync(ReadyQuery query, CancellationToken ct = default)
    {
        var clock = await settings.GetClockAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var orders = Matching(db, query, clock);
        var lines = await db.OrderLines.AsNoTracking()
            .Where(l => l.QtyAllocated > 0 && orders.Any(o => o.Id == l.OrderId))
            .OrderBy(l => l.Product.Sku).ThenBy(l => l.Order.PlacedAt).ThenBy(l => l.OrderId).ThenBy(l => l.Id)
            .Select(l => new { l.Product.Sku, l.Product.Name, l.Order.Number, Customer = l.Order.Customer.Name, l.QtyAllocated })
            .ToListAsync(ct);
        var products = lines.GroupBy(l => l.Sku, StringComparer.Ordinal)
            .Select(g => new PickProduct(g.Key, g.First().Name, g.Sum(l => l.QtyAllocated),
                // An order with two lines of one product picks them together.
                g.GroupBy(l => l.Number, StringComparer.Ordinal).Select(o => new PickOrder(o.Key, o.First().Customer, o.Sum(l => l.QtyAllocated))).ToList()))
            .ToList();
        return new PickList(products, lines.Select(l => l.Number).Distinct(StringComparer.Ordinal).Count());
    }

    private static IQueryable<Order> Matching(AppDbContext db, ReadyQuery query, MerchantClock clock)
    {
        var ready = db.Orders.AsNoTracking().Where(IsReady);
        if (query.Numbers is { } numbers)
        {
            var wanted = numbers.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct().ToList();
            ready = ready.Where(o => wanted.Contains(o.Number));
        }
        if (query.Product?.Trim() is { Length: > 0 } product)
        {
            var pattern = Like(product);
            ready = ready.Where(o => o.Lines.Any(l => l.QtyAllocated > 0
                && (EF.Functions.Like(l.Product.Sku, pattern, "\\") || EF.Functions.Like(l.Product.Name, pattern, "\\"))));
        }
        if (query.Customer?.Trim() is { Length: > 0 } customer)
        {
            var pattern = Like(customer);
            ready = ready.Where(o => EF.Functions.Like(o.Customer.Name, pattern, "\\") || EF.Functions.Like(o.Customer.Email, pattern, "\\"));
        }
        if (query.MinDays is { } days and > 0)
        {
            // Placed at least N store days ago: on or before the store day N days back, so before the start of the day after it.
            var before = clock.StartOfDayUtc(clock.Today.AddDays(1 - Math.Min(days, ReadyQuery.MaxDays)));
            ready = ready.Where(o => o.PlacedAt < before);
        }
        if (query.ShipPolicy is { } policy)
        {
            ready = ready.Where(o => o.ShipPolicy == policy);
        }
        return ready;
    }

    private static string Like(string text) => $"%{text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_")}%";

    /// <summary>
    /// Ships every unit set aside for each of the orders with one carrier, each order through <see cref="ShipAsync"/>
    /// in its own transaction: one parcel per order leaves on its own, so an order someone changed a moment ago (or
    /// that is no longer ready) is refused by name and the others still ship; none is ever half-shipped.
    /// </summary>
    public async Task<BulkShipResult> ShipManyAsync(IReadOnlyList<BulkShipItem> orders, string carrier, Actor actor, CancellationToken ct = default)
    {
        carrier = carrier.Trim();
        var ids = orders.Select(o => o.OrderId).ToList();
        Dictionary<int, string> numbers;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            numbers = await db.Orders.AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Number, ct);
        }
        string NumberOf(int id) => numbers.GetValueOrDefault(id) ?? $"Order {id}";
        var refusal = Access.Refusal(actor, Operation.Ship) ?? (carrier.Length == 0 ? "Enter the carrier."
            : Limits.LengthProblem(carrier, Limits.MaxNameLength, "The carrier's name"));
        if (refusal is not null)
        {
            return new BulkShipResult(carrier, [], orders.Select(o => new ShipFailure(NumberOf(o.OrderId), refusal)).ToList());
        }
        var shipped = new List<string>();
        var failed = new List<ShipFailure>();
        foreach (var order in orders.DistinctBy(o => o.OrderId))
        {
            var result = await ShipAsync(order.OrderId, order.Version, null, carrier,
                string.IsNullOrWhiteSpace(order.TrackingNumber) ? null : order.TrackingNumber, actor, ct);
            if (result.Succeeded)
            {
                shipped.Add(NumberOf(order.OrderId));
            }
            else
            {
                failed.Add(new ShipFailure(NumberOf(order.OrderId), result.Message));
            }
        }
        return new BulkShipResult(carrier, shipped, failed);
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
        if ((Limits.LengthProblem(carrier, Limits.MaxNameLength, "The carrier's name")
            ?? Limits.LengthProblem(trackingNumber, Limits.MaxTrackingNumberLength, "The tracking number")) is { } tooLong)
        {
            return ActionResult.Fail(tooLong);
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
        await db.AnnounceAsync(WebhookEvents.OrderShipped, new
        {
            orderNumber = order.Number,
            externalNumber = order.ExternalNumber,
            status = order.Lines.All(l => l.QtyAllocated == 0 && l.QtyUnfilled == 0) ? "shipped" : "partially-shipped",
            carrier = carrier?.Trim(),
            trackingNumber = trackingNumber?.Trim(),
            shippedOn = (await settings.GetClockAsync(ct)).DayOf(now),
            lines = toShip.Select(x => new { lineId = x.Line.Id, sku = x.Line.Product.Sku, quantity = x.Qty }).ToList(),
        }, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ActionResult.Ok($"{order.Number} shipped: {items}.");
    }
}
