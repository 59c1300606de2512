using System.ComponentModel.DataAnnotations;
using System.Text;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Orders;

public sealed class NewOrderLineInput
{
    public string Sku { get; set; } = "";
    public int Qty { get; set; } = 1;
}

public sealed class NewOrderInput
{
    [Required(ErrorMessage = "Enter the customer's name.")]
    [MaxLength(Limits.MaxNameLength, ErrorMessage = "The name can be at most 200 characters long.")]
    public string CustomerName { get; set; } = "";

    [Required(ErrorMessage = "Enter the customer's e-mail address: confirmations and ship dates go there.")]
    [EmailRule]
    public string CustomerEmail { get; set; } = "";

    [MaxLength(Limits.MaxPhoneLength, ErrorMessage = "The phone number can be at most 50 characters long.")]
    public string? CustomerPhone { get; set; }

    public ShipPolicy ShipPolicy { get; set; } = ShipPolicy.ShipAvailable;

    public OrderChannel Channel { get; set; } = OrderChannel.Phone;

    public List<NewOrderLineInput> Lines { get; set; } = [];
}

public sealed record PlacedLine(string Sku, string Name, int Qty, int FromStock, int Backordered, DateOnly? Eta, DateOnly? Promised = null);

/// <summary>Why one line of an order can't be taken, by the SKU it asked for.</summary>
public sealed record LineProblem(string Sku, string Message);

public sealed record IntakeResult(string? OrderNumber, IReadOnlyList<string> Errors, IReadOnlyList<PlacedLine> Lines)
{
    public bool Succeeded => OrderNumber is not null;

    /// <summary>The actor may not place orders at all (as opposed to this order being refused).</summary>
    public bool Refused { get; init; }

    /// <summary>The refused lines with their SKUs, for callers that point at a line (the REST API).</summary>
    public IReadOnlyList<LineProblem> LineProblems { get; init; } = [];

    internal static IntakeResult Rejected(IReadOnlyList<LineProblem> problems) =>
        new(null, problems.Select(p => p.Message).ToList(), []) { LineProblems = problems };
}

/// <summary>One line of an order to place: a SKU (upper case), its units, and for an order from another system its price there and when it shipped.</summary>
public sealed record IntakeLine(string Sku, int Qty, long? UnitPriceCents = null, DateTime? ShippedAt = null);

/// <summary>An order whose input has been checked, ready for <see cref="OrderIntakeService.PlaceInAsync"/>.</summary>
/// <remarks>
/// The payment authorization, when the other system took it, replaces the one assumed at placement (valid for
/// <see cref="OrderIntakeService.AuthorizationValidity"/>). The tier applies only to a customer this order creates:
/// changing a known customer's tier is the order desk's call.
/// </remarks>
public sealed record IntakeRequest(string CustomerName, string CustomerEmail, string? CustomerPhone, ShipPolicy ShipPolicy, OrderChannel Channel,
    DateTime PlacedAt, IReadOnlyList<IntakeLine> Lines, string? ExternalNumber = null, DateTime? PaymentAuthorizedAt = null,
    DateTime? PaymentAuthorizationExpiresAt = null, CustomerTier? NewCustomerTier = null);

/// <summary>
/// What orders placed one after another in one write transaction share: the rule's context, the products and
/// customers already read, and the last order number, so a thousand orders read the numbers once.
/// </summary>
public sealed class IntakeSession(AvailabilityService.Context context)
{
    private int? _lastNumber;

    public AvailabilityService.Context Context => context;

    /// <summary>Tracked products by upper-case SKU (preload them to save a query per order).</summary>
    public Dictionary<string, Product> Products { get; } = new(StringComparer.Ordinal);

    /// <summary>Tracked customers by e-mail address as stored.</summary>
    public Dictionary<string, Customer> Customers { get; } = new(StringComparer.Ordinal);

    /// <summary>Next order number; safe because it runs inside the write transaction, which no other writer shares.</summary>
    public async Task<string> NextOrderNumberAsync(AppDbContext db, CancellationToken ct)
    {
        if (_lastNumber is null)
        {
            var numbers = await db.Orders.Where(o => o.Number.StartsWith("SO-")).Select(o => o.Number).ToListAsync(ct);
            _lastNumber = numbers.Select(n => int.TryParse(n.AsSpan(3), out var v) ? v : 0).DefaultIfEmpty(100000).Max();
        }
        _lastNumber++;
        return $"SO-{_lastNumber}";
    }

    /// <summary>
    /// Many orders placed oldest first in one transaction (an import): each product's queue is walked once, by
    /// <see cref="OrderIntakeService.FinishAsync"/>, instead of once per order, and each order's backorder history and
    /// confirmation are written then with the dates of that walk. An order placed later queues behind the earlier
    /// ones, so one walk at the end gives every line the date a walk after each order would have. Not while VIP
    /// customers go first in the queue: a later VIP line would move earlier ones, which then hear of it one by one.
    /// </summary>
    public bool WalkQueuesAtEnd { get; init; }

    internal bool Defers => WalkQueuesAtEnd && !context.Settings.VipFirstInQueue;

    /// <summary>Products whose queues wait for the walk at the end.</summary>
    internal HashSet<int> Waiting { get; } = [];

    /// <summary>Orders whose history and confirmation wait for the walk at the end.</summary>
    internal List<PendingPlacement> Pending { get; } = [];

    /// <summary>Forgets the products and customers read, after the caller cleared its change tracker; the order numbers and the waiting walks stay.</summary>
    public void Forget()
    {
        Products.Clear();
        Customers.Clear();
    }
}

/// <summary>A placed order's line as its history and confirmation name it.</summary>
internal sealed record PendingLine(int LineId, string Sku, string Name, int Qty, int FromStock, int Backordered);

/// <summary>What an order placed with its queue walk left for the end writes: its history and its confirmation.</summary>
internal sealed record PendingPlacement(int OrderId, string Number, OrderChannel Channel, ShipPolicy ShipPolicy, string CustomerName, string CustomerEmail,
    IReadOnlyList<PendingLine> Lines, IReadOnlyList<(int LineId, string Name, int Qty, DateTime At)> Shipped);

/// <summary>
/// Takes an order: each line takes free stock first; the rest joins the product's backorder queue when its policy and
/// cap allow, with a promised date from the availability rule, or the whole order is refused with the reason. The
/// order, its stock ledger rows, its history and the customer's confirmation are stored together or not at all.
/// </summary>
public sealed class OrderIntakeService(IDbContextFactory<AppDbContext> dbFactory, AvailabilityService availability, QueueMaintenance queue, TimeProvider time)
{
    /// <summary>How long a card authorization holds; a line due later must be re-authorized before it ships.</summary>
    public static readonly TimeSpan AuthorizationValidity = TimeSpan.FromDays(7);

    public async Task<IntakeResult> PlaceAsync(NewOrderInput input, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.PlaceOrder) is { } refused)
        {
            return new IntakeResult(null, [refused], []) { Refused = true };
        }
        var errors = InputValidation.Errors(input).Values.ToList();
        var requested = input.Lines
            .Where(l => !string.IsNullOrWhiteSpace(l.Sku))
            .GroupBy(l => l.Sku.Trim().ToUpperInvariant())
            .Select(g => (Sku: g.Key, Qty: g.Sum(l => (long)l.Qty), AnyBad: g.Any(l => l.Qty <= 0)))
            .ToList();
        if (requested.Count == 0)
        {
            errors.Add("Add at least one product to the order.");
        }
        errors.AddRange(requested.Where(r => r.AnyBad).Select(r => $"The quantity for {Shown(r.Sku)} must be at least 1."));
        errors.AddRange(requested.Where(r => !r.AnyBad && r.Qty > Limits.MaxUnitsPerOrderLine)
            .Select(r => $"The quantity for {Shown(r.Sku)} can be at most {Limits.MaxUnitsPerOrderLine:N0} units on one order."));
        errors.AddRange(requested.Where(r => r.Sku.Length > Limits.MaxSkuLength).Select(r => $"{Shown(r.Sku)} is not a SKU: a SKU has at most {Limits.MaxSkuLength} characters."));
        if (errors.Count > 0)
        {
            return new IntakeResult(null, errors, []);
        }

        var context = await availability.GetContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var request = new IntakeRequest(input.CustomerName, input.CustomerEmail, input.CustomerPhone, input.ShipPolicy, input.Channel, now,
            requested.Select(r => new IntakeLine(r.Sku, (int)r.Qty)).ToList());
        var result = await PlaceInAsync(db, request, actor, now, new IntakeSession(context), ct);
        if (!result.Succeeded)
        {
            return result;
        }
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>
    /// One order from another system (the REST API) inside the caller's write transaction, so the caller can store
    /// with it what belongs to it (the answer to an idempotent request): the actor's permission first, then
    /// <see cref="PlaceInAsync"/> with the queues walked at once. The caller commits; nothing is saved when it is refused.
    /// </summary>
    public async Task<IntakeResult> PlaceOneInAsync(AppDbContext db, IntakeRequest request, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.PlaceOrder) is { } refused)
        {
            return new IntakeResult(null, [refused], []) { Refused = true };
        }
        var context = await availability.GetContextAsync(ct);
        return await PlaceInAsync(db, request, actor, time.GetUtcNow().UtcDateTime, new IntakeSession(context), ct);
    }

    /// <summary>
    /// Places one order inside the caller's write transaction, with the caller's validated lines (one per SKU): the
    /// intake rules of <see cref="PlaceAsync"/> (stock first, the rest queued with promised dates, or refused with the
    /// reason), its ledger rows, history and confirmation. The order's placement time is the request's
    /// (<see cref="IntakeRequest.PlacedAt"/>): an order brought in from another system queues by the time it was
    /// placed there. The session carries what many orders in one transaction share. Nothing is saved when it is refused.
    /// </summary>
    public async Task<IntakeResult> PlaceInAsync(AppDbContext db, IntakeRequest request, Actor actor, DateTime now, IntakeSession session, CancellationToken ct)
    {
        var context = session.Context;
        var errors = new List<LineProblem>();
        var missing = request.Lines.Select(l => l.Sku).Where(s => !session.Products.ContainsKey(s)).Distinct().ToList();
        if (missing.Count > 0)
        {
            foreach (var (sku, product) in await db.Products.Where(p => missing.Contains(p.Sku.ToUpper())).ToDictionaryAsync(p => p.Sku.ToUpperInvariant(), ct))
            {
                session.Products[sku] = product;
            }
        }
        errors.AddRange(request.Lines.Select(l => l.Sku).Where(s => !session.Products.ContainsKey(s)).Select(s => new LineProblem(s, $"There is no product with SKU {s}.")));
        errors.AddRange(request.Lines.Select(l => l.Sku).Distinct().Where(session.Products.ContainsKey).Select(s => (Sku: s, Product: session.Products[s]))
            .Where(x => x.Product.ArchivedAt is not null).Select(x => new LineProblem(x.Sku, $"{x.Product.Name} ({x.Product.Sku}) is archived and can't be ordered.")));
        if (errors.Count > 0)
        {
            return IntakeResult.Rejected(errors);
        }
        var products = request.Lines.ToDictionary(l => l.Sku, l => session.Products[l.Sku]);
        var ids = products.Values.Select(p => p.Id).ToList();
        var rows = await availability.Rows(db, context).Where(r => ids.Contains(r.ProductId)).ForRule().ToListAsync(ct);
        var evaluated = await availability.EvaluateAsync(db, rows, context, ct);

        var plan = new List<(Product Product, IntakeLine Line, int Take, int Remainder)>();
        foreach (var line in request.Lines)
        {
            var product = products[line.Sku];
            if (line.ShippedAt is not null)
            {
                // Shipped before it came here: the stock it took left the other system's warehouse, not this one.
                plan.Add((product, line, 0, 0));
                continue;
            }
            var facts = evaluated[product.Id].Facts;
            var take = Math.Min(line.Qty, facts.Available);
            var rest = line.Qty - take;
            if (rest > 0 && RefuseBackorder(product, facts, rest, context) is { } reason)
            {
                errors.Add(new LineProblem(line.Sku, reason));
            }
            plan.Add((product, line, take, rest));
        }
        if (errors.Count > 0)
        {
            return IntakeResult.Rejected(errors);
        }

        var placedAt = request.PlacedAt;
        var email = request.CustomerEmail.Trim();
        var customer = session.Customers.GetValueOrDefault(email)
            ?? await db.Customers.FirstOrDefaultAsync(c => c.Email == email, ct)
            ?? db.Customers.Add(new Customer
            {
                Name = request.CustomerName.Trim(), Email = email, Phone = request.CustomerPhone?.Trim(), Tier = request.NewCustomerTier ?? CustomerTier.Standard, CreatedAt = now,
            }).Entity;
        session.Customers[email] = customer;
        var order = new Order
        {
            Number = await session.NextOrderNumberAsync(db, ct),
            ExternalNumber = request.ExternalNumber,
            Customer = customer,
            PlacedAt = placedAt,
            Channel = request.Channel,
            ShipPolicy = request.ShipPolicy,
            PaymentAuthorizedAt = request.PaymentAuthorizedAt ?? placedAt,
            PaymentAuthorizationExpiresAt = request.PaymentAuthorizationExpiresAt ?? (request.PaymentAuthorizedAt ?? placedAt) + AuthorizationValidity,
            TrackingToken = TrackingTokens.New(),
        };
        db.Orders.Add(order);
        var priority = QueuePriorities.For(customer.Tier, context.Settings.VipFirstInQueue);
        var shipped = new List<(OrderLine Line, DateTime At)>();
        foreach (var (product, requested, take, rest) in plan)
        {
            var line = new OrderLine
            {
                Product = product, Qty = requested.Qty, UnitPriceCents = requested.UnitPriceCents ?? product.PriceCents, QtyAllocated = take,
                QtyBackorderedAtPlacement = rest, QueuedAt = rest > 0 ? placedAt : null, Priority = rest > 0 ? priority : QueuePriority.Standard,
            };
            order.Lines.Add(line);
            if (requested.ShippedAt is { } shippedAt)
            {
                line.QtyShipped = requested.Qty;
                shipped.Add((line, shippedAt));
                continue;
            }
            if (take > 0)
            {
                product.Allocated += take;
                db.StockLedger.Add(new StockLedgerEntry
                {
                    Product = product, AllocatedDelta = take, Reason = StockReason.Allocation, Reference = order.Number, UserName = actor.DisplayName, Channel = actor.Channel, At = now,
                });
            }
            product.Version++;
        }
        foreach (var parcel in shipped.GroupBy(s => s.At))
        {
            db.Shipments.Add(new Shipment
            {
                Order = order, ShippedAt = parcel.Key, ShippedBy = actor.DisplayName,
                Lines = parcel.Select(s => new ShipmentLine { OrderLine = s.Line, Qty = s.Line.Qty }).ToList(),
            });
        }
        if (shipped.Count == order.Lines.Count && shipped.Count > 0)
        {
            order.PaymentCapturedAt = shipped.Max(s => s.At);
        }
        await db.SaveChangesAsync(ct);

        var pending = new PendingPlacement(order.Id, order.Number, request.Channel, request.ShipPolicy, customer.Name, customer.Email,
            order.Lines.Select(l => new PendingLine(l.Id, l.Product.Sku, l.Product.Name, l.Qty, l.QtyAllocated, l.QtyBackorderedAtPlacement)).ToList(),
            shipped.Select(s => (s.Line.Id, s.Line.Product.Name, s.Line.Qty, s.At)).ToList());
        var waiting = order.Lines.Where(l => l.QtyBackorderedAtPlacement > 0).Select(l => l.ProductId).Distinct().ToList();
        if (session.Defers)
        {
            session.Waiting.UnionWith(waiting);
            session.Pending.Add(pending);
            return new IntakeResult(order.Number, [], pending.Lines.Select(l => new PlacedLine(l.Sku, l.Name, l.Qty, l.FromStock, l.Backordered, null)).ToList());
        }

        // Promised dates: the same walk as the badge, over each product's queue now that the new lines are in it.
        // A VIP line placed ahead of others (by setting) moves their dates too, and they hear of it if they become late.
        foreach (var productId in waiting)
        {
            await queue.RecomputeEtasAsync(db, productId, $"new order {order.Number}", actor, ct, context);
        }
        await queue.AnnounceAvailabilityAsync(db, order.Lines.Select(l => l.ProductId).Except(waiting), ct, context);
        var dates = order.Lines.ToDictionary(l => l.Id, l => (l.CurrentEta, l.PromisedShipDate));
        Journal(db, pending, dates, context, actor, now);
        await db.SaveChangesAsync(ct);
        return new IntakeResult(order.Number, [], pending.Lines.Select(l => new PlacedLine(l.Sku, l.Name, l.Qty, l.FromStock, l.Backordered, dates[l.LineId].CurrentEta,
            dates[l.LineId].PromisedShipDate)).ToList());
    }

    /// <summary>
    /// The end of a session that left its queue walks for last: each product's queue walked once, then every order's
    /// backorder history and confirmation with the dates of that walk, in the order the orders were placed.
    /// </summary>
    public async Task FinishAsync(AppDbContext db, IntakeSession session, string cause, Actor actor, DateTime now, CancellationToken ct)
    {
        var context = session.Context;
        await queue.RecomputeEtasAsync(db, session.Waiting, cause, actor, ct, context);
        session.Waiting.Clear();
        foreach (var chunk in session.Pending.Chunk(500))
        {
            db.ChangeTracker.Clear();
            var ids = chunk.SelectMany(p => p.Lines).Where(l => l.Backordered > 0).Select(l => l.LineId).ToList();
            var dates = await db.OrderLines.AsNoTracking().Where(l => EF.Parameter(ids).Contains(l.Id))
                .Select(l => new { l.Id, l.CurrentEta, l.PromisedShipDate }).ToDictionaryAsync(l => l.Id, l => (l.CurrentEta, l.PromisedShipDate), ct);
            foreach (var pending in chunk)
            {
                Journal(db, pending, dates, context, actor, now);
            }
            await db.SaveChangesAsync(ct);
        }
        db.ChangeTracker.Clear();
        session.Pending.Clear();
    }

    /// <summary>An order's history (placed, each line backordered with its promise, each line shipped elsewhere) and, when a line waits, its confirmation.</summary>
    private static void Journal(AppDbContext db, PendingPlacement order, IReadOnlyDictionary<int, (DateOnly? CurrentEta, DateOnly? PromisedShipDate)> dates,
        AvailabilityService.Context context, Actor actor, DateTime now)
    {
        db.Record(order.OrderId, OrderEventKind.Placed,
            $"Order placed by {order.Channel.ToString().ToLowerInvariant()}: {Words.Count(order.Lines.Count, "line")}, ship policy {Describe(order.ShipPolicy)}.", actor, now);
        foreach (var line in order.Lines.Where(l => l.Backordered > 0))
        {
            db.Record(order.OrderId, OrderEventKind.Backordered,
                $"{line.Backordered} × {line.Name} backordered, promised to ship {ShortDate(dates[line.LineId].PromisedShipDate)}.", actor, now, line.LineId);
        }
        foreach (var (lineId, name, qty, at) in order.Shipped)
        {
            db.Record(order.OrderId, OrderEventKind.Shipped, $"{qty} × {name} shipped {ShortDate(context.Settings.Clock.DayOf(at))}, before the order was imported.", actor, now, lineId);
        }
        if (order.Lines.Any(l => l.Backordered > 0))
        {
            db.Outbox.Add(OrderJournal.Message(order.OrderId, order.CustomerName, order.CustomerEmail,
                MessageTemplates.Confirmation(order.Number, order.Lines.Select(l => (l.Name, l.Qty, l.FromStock, l.Backordered, dates.TryGetValue(l.LineId, out var d) ? d.CurrentEta : null)),
                    context.Cutoff), actor, now));
        }
    }

    /// <summary>Why the rest of a line can't wait for stock, naming the product; null when it may.</summary>
    private static string? RefuseBackorder(Product product, ProductStockFacts facts, int rest, AvailabilityService.Context context)
    {
        var name = $"{product.Name} ({product.Sku})";
        var available = facts.Available;
        var stockNote = available > 0 ? $" Only {available} in stock." : "";
        if (product.Discontinued)
        {
            return $"{name} is discontinued and can't be backordered.{stockNote}";
        }
        if (product.BackorderPolicy == BackorderPolicy.NotAllowed)
        {
            return $"{name} can't be backordered.{stockNote}";
        }
        if (product.BackorderCap is { } cap && facts.QueuedUnits + rest > cap)
        {
            var room = Math.Max(0, cap - facts.QueuedUnits);
            return room == 0
                ? $"{name} has reached its backorder limit of {cap} units.{stockNote}"
                : $"{name}: only {room} more can be backordered (limit {cap}).{stockNote}";
        }
        var soldOut = facts with { OnHand = facts.Allocated };
        if (!AvailabilityRule.Evaluate(soldOut, context.Today, context.Settings.DailyFulfilmentCapacity).CanBeOrdered)
        {
            return $"{name} has nothing on order and no known lead time, so no ship date can be promised.{stockNote}";
        }
        return null;
    }

    /// <summary>A SKU as typed, shortened so a pasted essay does not fill the page.</summary>
    private static string Shown(string sku) => sku.Length <= Limits.MaxSkuLength ? sku : sku[..Limits.MaxSkuLength] + "…";

    private static string Describe(ShipPolicy policy) => policy == ShipPolicy.ShipComplete ? "ship complete" : "ship what's available";

    private static string ShortDate(DateOnly? date) => date is { } d ? MerchantClock.ShortDate(d) : "when stock arrives";
}
