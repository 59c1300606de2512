using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Orders;

/// <summary>Where a line stands, in the words a customer would use.</summary>
public enum LineStatus
{
    /// <summary>Some units still wait for stock.</summary>
    Backordered,

    /// <summary>Every unit not shipped or cancelled is set aside but the order ships complete and waits for another line.</summary>
    HeldForRest,

    /// <summary>Units are set aside and can be picked.</summary>
    ReadyToShip,

    Shipped,
    Cancelled,
}

/// <summary>The purchase order that brings a waiting line's last unit, or none: the date then comes from the supplier's lead time.</summary>
public sealed record WaitingOn(int? PurchaseOrderId, string? PurchaseOrderNumber, DateOnly? Expected)
{
    public static readonly WaitingOn LeadTime = new(null, null, null);
}

public sealed record OrderLineView(
    int LineId, int Version, string Sku, string ProductName, int Qty, long UnitPriceCents,
    int Allocated, int Shipped, int Cancelled, int Unfilled,
    DateOnly? Promised, DateOnly? Eta, int? Position, int? UnitsAhead, bool Expedited, LineStatus Status, WaitingOn? WaitingOn = null)
{
    public bool Late => Unfilled > 0 && Eta > Promised;

    /// <summary>
    /// Where the line stands, as the customer would be told: "ships around Dec 5; you are 3rd in line". With
    /// <paramref name="plural"/> the verbs agree with "Your 3 × Blue Kettle" ("ship", "are").
    /// </summary>
    public string CustomerStatus(DateOnly? shippedOn = null, bool plural = false)
    {
        var (be, ship) = plural ? ("are", "ship") : ("is", "ships");
        var on = shippedOn is { } day ? $" on {MessageTemplates.Date(day)}" : "";
        return Status switch
        {
            LineStatus.Backordered when Shipped + Allocated > 0 =>
                string.Join(", ", new[] { Shipped > 0 ? $"{Shipped} shipped{on}" : null, Allocated > 0 ? $"{Allocated} set aside for you" : null }.OfType<string>())
                + $"; the other {Unfilled} {Waiting(plural: Unfilled > 1)}",
            LineStatus.Backordered => Waiting(plural),
            LineStatus.HeldForRest => $"{be} set aside for you and {ship} together with the rest of your order",
            LineStatus.ReadyToShip when Shipped > 0 => $"{be} partly on the way: {Shipped} shipped{on}, {Allocated} set aside for you and shipping shortly",
            LineStatus.ReadyToShip => $"{be} set aside for you and {ship} shortly",
            LineStatus.Shipped => $"shipped{on}",
            _ => (plural ? "were cancelled: " : "was cancelled: ") + Payment.CancelledForCustomer(plural),
        };
    }

    private string Waiting(bool plural)
    {
        var ship = plural ? "ship" : "ships";
        var when = Eta is { } eta ? $"{ship} around {MessageTemplates.Date(eta)}" : $"{ship} as soon as the supplier delivers";
        var late = Late && Promised is { } promised ? $" (later than the {MessageTemplates.Date(promised)} we first said, sorry)" : "";
        var place = Position is { } p ? $"; you are {Ordinal(p)} in line" : "";
        return when + late + place;
    }

    /// <summary>What happened to the payment for the line's cancelled units, or null when none were cancelled.</summary>
    public string? PaymentNote => Cancelled > 0 ? Payment.Cancelled(Cancelled, UnitPriceCents) : null;

    /// <summary>Something is left to cancel: units waiting or set aside.</summary>
    public bool Open => Unfilled + Allocated > 0;

    /// <summary>"1st in line" or "3rd in line, 12 units ahead"; null when the line is not waiting.</summary>
    public string? PlaceInLine => Position is not { } p ? null
        : UnitsAhead is > 0 ? $"{Ordinal(p)} in line, {UnitsAhead} unit{(UnitsAhead == 1 ? "" : "s")} ahead"
        : $"{Ordinal(p)} in line";

    public static string Ordinal(int n) => (n % 100) switch
    {
        11 or 12 or 13 => $"{n}th",
        _ => (n % 10) switch { 1 => $"{n}st", 2 => $"{n}nd", 3 => $"{n}rd", _ => $"{n}th" },
    };
}

public sealed record ConsolationView(ConsolationKind Kind, string What, string Reason, string? By, DateTime At);

/// <summary>One entry of the order's history; a message to the customer carries its text.</summary>
public sealed record TimelineEntry(DateTime At, string Title, string Detail, string? By, string? MessageBody = null, MessageState? MessageState = null,
    long? MessageId = null, string? MessageError = null, DateTime? SentAt = null);

/// <summary>A parcel that left: when (and on which of the store's days), how to follow it, what was in it.</summary>
public sealed record ShipmentView(DateTime ShippedAt, DateOnly ShippedOn, string? Carrier, string? TrackingNumber, IReadOnlyList<(string Product, int Qty)> Items);

public sealed record OrderView(
    int Id, int Version, string Number, string CustomerName, string CustomerEmail, string? CustomerPhone, CustomerTier Tier,
    DateTime PlacedAt, DateOnly PlacedOn, OrderChannel Channel, ShipPolicy ShipPolicy, DateTime AuthorizationExpiresAt, DateOnly AuthorizationExpiresOn,
    DateTime? CapturedAt, IReadOnlyList<OrderLineView> Lines, IReadOnlyList<ConsolationView> Consolations, IReadOnlyList<TimelineEntry> Timeline,
    string TrackingToken = "", IReadOnlyList<ShipmentView>? Shipments = null, int CustomerId = 0)
{
    public IReadOnlyList<ShipmentView> Parcels => Shipments ?? [];

    /// <summary>The store's day the line's last units left (for "shipped on Nov 20").</summary>
    public DateOnly? LastShippedOn(OrderLineView line) =>
        Parcels.Where(s => s.Items.Any(i => i.Product == line.ProductName)).Select(s => (DateOnly?)s.ShippedOn).Max();

    /// <summary>What the agent can say or paste, one sentence per item: "Your Blue Kettle ships around Dec 5; you are 3rd in line."</summary>
    public string SuggestedAnswer => string.Join(" ", Lines.Select(l =>
    {
        var count = l.Status == LineStatus.Cancelled ? l.Qty : l.Qty - l.Cancelled;
        return $"Your {(count > 1 ? $"{count} × " : "")}{l.ProductName} {l.CustomerStatus(LastShippedOn(l), plural: count > 1)}.";
    }));

    /// <summary>The status update template: each item and where it stands.</summary>
    public IReadOnlyList<MessageTemplates.ItemStatus> ItemStatuses =>
        Lines.Select(l => new MessageTemplates.ItemStatus(l.ProductName, l.Qty, l.Status == LineStatus.Cancelled ? "cancelled" : l.CustomerStatus(LastShippedOn(l)))).ToList();

    public long TotalCents => Lines.Sum(l => l.UnitPriceCents * l.Qty);

    /// <summary>
    /// The card authorization lapses before some waiting line's ETA: re-authorize before it ships. Both are the
    /// store's days (an authorization lapsing at 11 PM in New York lapses that day, not the next UTC one).
    /// </summary>
    public bool AuthorizationExpiresBeforeEta =>
        CapturedAt is null && Lines.Any(l => l.Unfilled > 0 && l.Eta is { } eta && AuthorizationExpiresOn < eta);

    public bool HasWaitingLines => Lines.Any(l => l.Unfilled > 0);
}

/// <summary>The orders an export writes: those the support search finds for a text, or one customer's.</summary>
public sealed record OrderExportQuery(string? Search = null, int? CustomerId = null);

/// <summary>One order line as the export writes it, with its order and customer.</summary>
public sealed record OrderLineExportRow(string Number, DateTime PlacedAt, string Customer, string Email, OrderChannel Channel, ShipPolicy ShipPolicy,
    string Sku, string ProductName, int Qty, long UnitPriceCents, int Allocated, int Shipped, int Cancelled, int Waiting, DateOnly? Promised, DateOnly? Eta);

/// <summary>One order as support and operations read it: each line's state and place in line, and its history.</summary>
public sealed class OrderService(IDbContextFactory<AppDbContext> dbFactory, SettingsService settings)
{
    /// <summary>
    /// Every line of the orders asked for, newest order first, read as the caller writes them (an export). A search
    /// finds what the support search finds; with neither a search nor a customer there is nothing to write.
    /// </summary>
    public async IAsyncEnumerable<OrderLineExportRow> StreamLinesAsync(OrderExportQuery query,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        IQueryable<Order>? orders = null;
        if (query.Search?.Trim() is { Length: >= 2 } search)
        {
            orders = OrderSearchRule.Matching(db, search);
        }
        if (query.CustomerId is { } customerId)
        {
            orders = (orders ?? db.Orders).Where(o => o.CustomerId == customerId);
        }
        if (orders is null)
        {
            yield break;
        }
        var lines = db.OrderLines.AsNoTracking().Where(l => orders.Any(o => o.Id == l.OrderId))
            .OrderByDescending(l => l.Order.PlacedAt).ThenByDescending(l => l.OrderId).ThenBy(l => l.Id)
            .Select(l => new OrderLineExportRow(l.Order.Number, l.Order.PlacedAt, l.Order.Customer.Name, l.Order.Customer.Email, l.Order.Channel,
                l.Order.ShipPolicy, l.Product.Sku, l.Product.Name, l.Qty, l.UnitPriceCents, l.QtyAllocated, l.QtyShipped, l.QtyCancelled,
                l.QtyUnfilled, l.PromisedShipDate, l.CurrentEta));
        await foreach (var line in lines.AsAsyncEnumerable().WithCancellation(ct))
        {
            yield return line;
        }
    }

    public async Task<OrderView?> GetAsync(string number, CancellationToken ct = default)
    {
        var clock = await settings.GetClockAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var order = await db.Orders.AsNoTracking().Where(o => o.Number == number.Trim())
            .Select(o => new
            {
                o.Id, o.Version, o.Number, o.CustomerId, o.Customer.Name, o.Customer.Email, o.Customer.Phone, o.Customer.Tier, o.PlacedAt, o.Channel,
                o.ShipPolicy, o.PaymentAuthorizationExpiresAt, o.PaymentCapturedAt, o.TrackingToken,
            })
            .SingleOrDefaultAsync(ct);
        if (order is null)
        {
            return null;
        }
        var lines = await db.OrderLines.AsNoTracking().Where(l => l.OrderId == order.Id).OrderBy(l => l.Id)
            .Select(l => new
            {
                Line = l, l.Product.Sku, l.Product.Name,
                AheadLines = l.QtyUnfilled > 0 ? db.OrderLines.LinesAhead(l).Count() : (int?)null,
                AheadUnits = l.QtyUnfilled > 0 ? db.OrderLines.LinesAhead(l).Sum(o => o.QtyUnfilled) : (int?)null,
            })
            .WithRules()
            .ToListAsync(ct);
        var anyWaiting = lines.Any(l => l.Line.QtyUnfilled > 0);

        // The purchase order each waiting line's last unit comes on: the same walk as its ETA.
        var waitingProducts = lines.Where(l => l.Line.QtyUnfilled > 0).Select(l => l.Line.ProductId).Distinct().ToList();
        var inbound = (await db.PurchaseOrderLines.AsNoTracking()
                .Where(l => waitingProducts.Contains(l.ProductId) && l.QtyOrdered > l.QtyReceived
                    && l.PurchaseOrder.Status.IsOpen())
                .WithRules()
                .OrderBy(l => l.Id)
                .Select(l => new { l.ProductId, l.PurchaseOrderId, l.PurchaseOrder.Number, l.PurchaseOrder.ExpectedDate, Qty = l.QtyOrdered - l.QtyReceived })
                .ToListAsync(ct))
            .ToLookup(l => l.ProductId);
        WaitingOn? WaitingOnFor(OrderLine line, int? unitsAhead)
        {
            if (line.QtyUnfilled <= 0)
            {
                return null;
            }
            var supplies = inbound[line.ProductId].ToList();
            return EtaWalk.CoveringIndex((unitsAhead ?? 0) + line.QtyUnfilled, supplies.Select(s => new InboundSupply(s.ExpectedDate, s.Qty)).ToList()) is { } i
                ? new WaitingOn(supplies[i].PurchaseOrderId, supplies[i].Number, supplies[i].ExpectedDate)
                : WaitingOn.LeadTime;
        }

        var lineViews = lines.Select(l => new OrderLineView(
            l.Line.Id, l.Line.Version, l.Sku, l.Name, l.Line.Qty, l.Line.UnitPriceCents,
            l.Line.QtyAllocated, l.Line.QtyShipped, l.Line.QtyCancelled, l.Line.QtyUnfilled,
            l.Line.PromisedShipDate, l.Line.CurrentEta, l.AheadLines + 1, l.AheadUnits, l.Line.Priority >= QueuePriority.Expedited,
            StatusOf(l.Line, order.ShipPolicy, anyWaiting), WaitingOnFor(l.Line, l.AheadUnits))).ToList();

        var shipmentLines = await db.ShipmentLines.AsNoTracking().Where(s => s.Shipment.OrderId == order.Id)
            .Select(s => new { s.ShipmentId, s.Shipment.ShippedAt, s.Shipment.Carrier, s.Shipment.TrackingNumber, s.OrderLine.Product.Name, s.Qty })
            .ToListAsync(ct);
        var shipments = shipmentLines.GroupBy(s => s.ShipmentId).OrderBy(g => g.First().ShippedAt)
            .Select(g => new ShipmentView(g.First().ShippedAt, clock.DayOf(g.First().ShippedAt), g.First().Carrier, g.First().TrackingNumber, g.Select(s => (s.Name, s.Qty)).ToList()))
            .ToList();

        var consolations = await db.Consolations.AsNoTracking().Where(c => c.OrderId == order.Id).OrderBy(c => c.CreatedAt)
            .Select(c => new { c.Kind, c.Percent, c.AmountCents, c.Reason, c.CreatedBy, c.CreatedAt }).ToListAsync(ct);
        var events = await db.OrderEvents.AsNoTracking().Where(e => e.OrderId == order.Id)
            .Select(e => new { e.Id, e.At, e.Kind, e.Detail, e.UserName }).ToListAsync(ct);
        var messages = await db.Outbox.AsNoTracking().Where(m => m.OrderId == order.Id)
            .Select(m => new { m.Id, m.CreatedAt, m.Subject, m.BodyText, m.ToEmail, m.State, m.LastError, m.SentAt }).ToListAsync(ct);

        // Changes first, then the messages they caused, each in the order they were written.
        var timeline = events.Select(e => (e.At, Rank: 0, e.Id, Entry: new TimelineEntry(e.At, Title(e.Kind), e.Detail, e.UserName)))
            .Concat(messages.Select(m => (At: m.CreatedAt, Rank: 1, m.Id,
                Entry: new TimelineEntry(m.CreatedAt, "Message to customer", $"{m.Subject} (to {m.ToEmail})", null, m.BodyText, m.State, m.Id, m.LastError, m.SentAt))))
            .OrderBy(x => x.At).ThenBy(x => x.Rank).ThenBy(x => x.Id)
            .Select(x => x.Entry).ToList();

        return new OrderView(order.Id, order.Version, order.Number, order.Name, order.Email, order.Phone, order.Tier, order.PlacedAt,
            clock.DayOf(order.PlacedAt), order.Channel, order.ShipPolicy, order.PaymentAuthorizationExpiresAt, clock.DayOf(order.PaymentAuthorizationExpiresAt),
            order.PaymentCapturedAt, lineViews,
            consolations.Select(c => new ConsolationView(c.Kind, Describe(c.Kind, c.Percent, c.AmountCents), c.Reason, c.CreatedBy, c.CreatedAt)).ToList(),
            timeline, order.TrackingToken, shipments, order.CustomerId);
    }

    public static LineStatus StatusOf(OrderLine line, ShipPolicy policy, bool orderHasWaitingLines) =>
        line.QtyUnfilled > 0 ? LineStatus.Backordered
        : line.QtyAllocated > 0 ? (policy == ShipPolicy.ShipComplete && orderHasWaitingLines ? LineStatus.HeldForRest : LineStatus.ReadyToShip)
        : line.QtyShipped > 0 ? LineStatus.Shipped
        : LineStatus.Cancelled;

    public static string Describe(ConsolationKind kind, int? percent, long? amountCents) => kind switch
    {
        ConsolationKind.PercentDiscount => $"{percent}% off",
        ConsolationKind.AmountDiscount => $"{Money.Format(amountCents ?? 0)} off",
        _ => "free shipping",
    };

    private static string Title(OrderEventKind kind) => kind switch
    {
        OrderEventKind.Placed => "Placed",
        OrderEventKind.Backordered => "Backordered",
        OrderEventKind.EtaChanged => "Ship date changed",
        OrderEventKind.Expedited => "Expedited",
        OrderEventKind.Unexpedited => "No longer expedited",
        OrderEventKind.Waitlisted => "Joined the waitlist",
        OrderEventKind.CustomerTierChanged => "Customer tier changed",
        OrderEventKind.Allocated => "Stock set aside",
        OrderEventKind.AllocationTakenBack => "Stock taken back",
        OrderEventKind.Shipped => "Shipped",
        OrderEventKind.Cancelled => "Cancelled",
        OrderEventKind.Consolation => "Consolation",
        OrderEventKind.ShipPolicyChanged => "Shipping changed",
        _ => "Message",
    };
}
