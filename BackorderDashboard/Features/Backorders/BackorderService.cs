using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Backorders;

public sealed record ActionResult(bool Succeeded, string Message)
{
    /// <summary>The actor may not do this at all (the permission table said no), as opposed to this action failing.</summary>
    public bool Refused { get; init; }

    public static ActionResult Ok(string message) => new(true, message);
    public static ActionResult Fail(string message) => new(false, message);
    public static ActionResult Refuse(string message) => new(false, message) { Refused = true };
}

/// <summary>
/// What a merchant or support agent does to a waiting line. Each action runs in one write transaction with its
/// ledger rows, history and customer messages, and checks the line's version so two people can't overwrite
/// each other's change unseen.
/// </summary>
public sealed class BackorderService(IDbContextFactory<AppDbContext> dbFactory, QueueMaintenance queue, SettingsService settings, TimeProvider time,
    AuditLog audit)
{
    public async Task<ActionResult> SetExpeditedAsync(int lineId, int expectedVersion, bool expedite, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.Expedite) is { } refused)
        {
            return ActionResult.Fail(refused);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var line = await db.OrderLines.Include(l => l.Order).ThenInclude(o => o.Customer).Include(l => l.Product)
            .SingleOrDefaultAsync(l => l.Id == lineId, ct);
        if (Check(line, expectedVersion) is { } problem)
        {
            return problem;
        }
        if (line!.QtyUnfilled <= 0)
        {
            return ActionResult.Fail($"{line.Order.Number} no longer waits for {line.Product.Name}.");
        }
        var priority = QueuePriorities.For(line.Order.Customer.Tier, (await settings.GetAsync(ct)).VipFirstInQueue, expedite);
        if (line.Priority == priority)
        {
            return ActionResult.Ok(expedite ? "Already expedited." : "Not expedited.");
        }
        line.Priority = priority;
        line.Version++;
        var now = time.GetUtcNow().UtcDateTime;
        db.Record(line.OrderId, expedite ? OrderEventKind.Expedited : OrderEventKind.Unexpedited,
            expedite ? $"{line.Product.Name} expedited: moved to the front of the queue." : $"{line.Product.Name} no longer expedited.",
            actor, now, line.Id);
        await db.SaveChangesAsync(ct);
        var changes = await queue.RecomputeEtasAsync(db, line.ProductId, $"{line.Order.Number} {(expedite ? "expedited" : "un-expedited")}", actor, ct);
        await tx.CommitAsync(ct);
        return ActionResult.Ok($"{line.Order.Number} {(expedite ? "expedited" : "back in its place")}; {Words.Count(changes.Count, "ship date")} changed.");
    }

    /// <summary>
    /// Cancels what has not shipped of a line: its waiting units and any units set aside for it, which go straight to
    /// the next customers in the queue. The customer may join the product's waitlist instead of waiting on an order.
    /// A customer actor may only cancel a line of its own order that a delay message offered to cancel.
    /// With <paramref name="units"/> only that many are cancelled (a customer keeping part of a line): waiting units
    /// first, so what is set aside for the customer stays theirs, then units set aside.
    /// </summary>
    public async Task<ActionResult> CancelAsync(int lineId, int expectedVersion, string reason, bool joinWaitlist, Actor actor, CancellationToken ct = default,
        int? units = null)
    {
        if (Access.Refusal(actor, actor.Kind == ActorKind.Customer ? Operation.CancelDelayedLine : Operation.CancelLine) is { } refused)
        {
            return ActionResult.Refuse(refused);
        }
        if (units is <= 0)
        {
            return ActionResult.Fail("Cancel at least one unit.");
        }
        if (actor.Kind == ActorKind.Customer && !await OffersCancellationAsync(actor, lineId, ct))
        {
            return ActionResult.Fail("This item can't be cancelled here.");
        }
        if (string.IsNullOrWhiteSpace(reason))
        {
            return ActionResult.Fail("Give a reason for the cancellation: the customer and your colleagues will read it.");
        }
        if (Limits.LengthProblem(reason, Limits.MaxNoteLength, "The reason") is { } longReason)
        {
            return ActionResult.Fail(longReason);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var line = await db.OrderLines.Include(l => l.Order).ThenInclude(o => o.Customer).Include(l => l.Product)
            .SingleOrDefaultAsync(l => l.Id == lineId, ct);
        if (Check(line, expectedVersion) is { } problem)
        {
            return problem;
        }
        // The customer's own cancel is offered only while the line is late (its ETA past the date promised); checked
        // again here under the write lock, as the line may have been filled or re-dated since the page was drawn.
        if (actor.Kind == ActorKind.Customer && !IsLate(line!))
        {
            return ActionResult.Fail("This item is no longer late, so it can't be cancelled here.");
        }
        var open = line!.QtyAllocated + line.QtyUnfilled;
        if (open <= 0)
        {
            return ActionResult.Fail($"Nothing of {line.Product.Name} on {line.Order.Number} is left to cancel.");
        }
        if (units > open)
        {
            return ActionResult.Fail($"Only {open} of {line.Product.Name} on {line.Order.Number} {(open == 1 ? "is" : "are")} left to cancel.");
        }
        var cancelled = units ?? open;
        var freed = Math.Max(0, cancelled - line.QtyUnfilled);
        var now = time.GetUtcNow().UtcDateTime;
        line.QtyCancelled += cancelled;
        line.QtyAllocated -= freed;
        line.Version++;
        if (freed > 0)
        {
            line.Product.Allocated -= freed;
            line.Product.Version++;
            db.StockLedger.Add(new StockLedgerEntry
            {
                ProductId = line.ProductId, AllocatedDelta = -freed, Reason = StockReason.Cancellation, Reference = line.Order.Number,
                OrderLineId = line.Id, UserName = actor.DisplayName, Channel = actor.Channel, At = now,
            });
        }
        db.Record(line.OrderId, OrderEventKind.Cancelled, $"{cancelled} × {line.Product.Name} cancelled: {reason.Trim()}", actor, now, line.Id);
        await db.AnnounceAsync(WebhookEvents.OrderCancelled, new
        {
            orderNumber = line.Order.Number,
            externalNumber = line.Order.ExternalNumber,
            lineId = line.Id,
            sku = line.Product.Sku,
            quantity = cancelled,
            reason = reason.Trim(),
            byCustomer = actor.Kind == ActorKind.Customer,
            remaining = open - cancelled,
            lineStatus = open - cancelled > 0 ? "open" : line.QtyShipped > 0 ? "closed" : "cancelled",
        }, now, ct);
        audit.Add(db, AuditKind.Cancellation, actor, line.Order.Number,
            $"{Words.Count(cancelled, "unit")} of {line.Product.Sku} ({line.Product.Name}) cancelled"
            + $"{(actor.Kind == ActorKind.Customer ? " by the customer" : "")}{(freed > 0 ? $", {freed} set aside freed" : "")}: {reason.Trim()}");
        db.Tell(line.Order, MessageTemplates.Cancelled(line.Product.Name, line.Order.Number, cancelled, reason, joinWaitlist), actor, now);
        if (joinWaitlist)
        {
            // One entry per customer and product: a customer told earlier that it was back, and who joins again, waits anew.
            var entry = await db.Waitlist.SingleOrDefaultAsync(w => w.ProductId == line.ProductId && w.CustomerId == line.Order.CustomerId, ct);
            var already = entry is { NotifiedAt: null };
            if (entry is null)
            {
                db.Waitlist.Add(new WaitlistEntry { ProductId = line.ProductId, CustomerId = line.Order.CustomerId, CreatedAt = now });
            }
            else if (!already)
            {
                entry.NotifiedAt = null;
                entry.CreatedAt = now;
            }
            db.Record(line.OrderId, OrderEventKind.Waitlisted,
                already ? $"{line.Order.Customer.Name} is already on the waitlist for {line.Product.Name}: they hear by e-mail when it is back in stock."
                    : $"{line.Order.Customer.Name} joined the waitlist for {line.Product.Name}: they hear by e-mail when it is back in stock; nothing is set aside for them.",
                actor, now, line.Id);
        }
        await db.SaveChangesAsync(ct);
        var reference = $"cancellation of {line.Order.Number}";
        var allocations = (await queue.AllocateFreeStockAsync(db, line.ProductId, reference, actor, ct)).ToList();
        if (line.Order.ShipPolicy == ShipPolicy.ShipComplete)
        {
            // The cancelled line may have been all that held its order back: its other waiting lines may now complete
            // from their products' free stock.
            var others = await db.OrderLines.AsNoTracking().Where(l => l.OrderId == line.OrderId && l.Id != line.Id && l.QtyUnfilled > 0)
                .Select(l => l.ProductId).Distinct().ToListAsync(ct);
            foreach (var productId in others)
            {
                allocations.AddRange(await queue.AllocateFreeStockAsync(db, productId, reference, actor, ct));
            }
        }
        await queue.RecomputeEtasAsync(db, allocations.Select(a => a.ProductId).Prepend(line.ProductId), reference, actor, ct);
        await tx.CommitAsync(ct);
        var payment = Payment.Cancelled(cancelled, line.UnitPriceCents);
        var toNext = allocations.Where(a => a.ProductId == line.ProductId).Sum(a => a.Qty);
        return ActionResult.Ok(toNext == 0
            ? $"{cancelled} × {line.Product.Name} cancelled on {line.Order.Number}. {payment}"
            : $"{cancelled} × {line.Product.Name} cancelled on {line.Order.Number}; {Words.Count(toNext, "freed unit")} went to the next in line. {payment}");
    }

    /// <summary>
    /// Switches an order between shipping complete and shipping what is available. Switching to "what's available"
    /// lets its held lines take free stock at once; switching to "complete" keeps what is set aside until the rest comes.
    /// </summary>
    public async Task<ActionResult> SetShipPolicyAsync(int orderId, int expectedVersion, ShipPolicy policy, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.SwitchShipPolicy) is { } refused)
        {
            return ActionResult.Fail(refused);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var order = await db.Orders.Include(o => o.Customer).Include(o => o.Lines).SingleOrDefaultAsync(o => o.Id == orderId, ct);
        if (order is null)
        {
            return ActionResult.Fail("That order no longer exists.");
        }
        if (order.Version != expectedVersion)
        {
            return ActionResult.Fail("Someone changed this order a moment ago. Reload it and try again.");
        }
        if (order.ShipPolicy == policy)
        {
            return ActionResult.Ok("No change.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        order.ShipPolicy = policy;
        order.Version++;
        var text = policy == ShipPolicy.ShipComplete ? "everything together, when the last item arrives" : "each item as soon as it is in stock";
        db.Record(order.Id, OrderEventKind.ShipPolicyChanged, $"Now ships {text}.", actor, now);
        db.Tell(order, MessageTemplates.ShippingChanged(order.Number, text), actor, now);
        await db.SaveChangesAsync(ct);
        if (policy == ShipPolicy.ShipAvailable)
        {
            var reference = $"{order.Number} ships what's available";
            var products = order.Lines.Where(l => l.QtyUnfilled > 0).Select(l => l.ProductId).Distinct().ToList();
            var allocations = new List<Allocation>();
            foreach (var productId in products)
            {
                allocations.AddRange(await queue.AllocateFreeStockAsync(db, productId, reference, actor, ct));
            }
            // Dated after every allocation: one product's units can complete an order that also takes another's.
            await queue.RecomputeEtasAsync(db, products.Concat(allocations.Select(a => a.ProductId)), reference, actor, ct);
        }
        await tx.CommitAsync(ct);
        return ActionResult.Ok($"{order.Number} now ships {text}.");
    }

    /// <summary>How long an identical consolation on the same order counts as the same submit, not a new one.</summary>
    public static readonly TimeSpan RepeatWindow = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Gives the customer something for the wait (a percent or amount off, or free shipping) with a reason. All
    /// consolations of an order together cannot exceed what it is worth (its lines not cancelled, plus shipping), and
    /// the same consolation submitted twice (a double click, a retry) is added once: both are checked under the write
    /// lock, so two submits at the same moment cannot both pass.
    /// </summary>
    public async Task<ActionResult> AddConsolationAsync(int orderId, ConsolationKind kind, int? percent, long? amountCents, string reason, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.AddConsolation) is { } refused)
        {
            return ActionResult.Fail(refused);
        }
        if (string.IsNullOrWhiteSpace(reason))
        {
            return ActionResult.Fail("Give a reason: it is shown on the order and in the customer's message.");
        }
        if (kind == ConsolationKind.PercentDiscount && percent is not (>= 1 and <= 100))
        {
            return ActionResult.Fail("A percent discount must be between 1 and 100.");
        }
        if (kind == ConsolationKind.AmountDiscount && amountCents is not > 0)
        {
            return ActionResult.Fail("An amount discount must be more than zero.");
        }
        if (kind == ConsolationKind.AmountDiscount && amountCents > Limits.MaxMoneyCents)
        {
            return ActionResult.Fail($"An amount discount can be at most {Money.Format(Limits.MaxMoneyCents)}.");
        }
        if (Limits.LengthProblem(reason, Limits.MaxNoteLength, "The reason") is { } longReason)
        {
            return ActionResult.Fail(longReason);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var order = await db.Orders.Include(o => o.Customer).SingleOrDefaultAsync(o => o.Id == orderId, ct);
        if (order is null)
        {
            return ActionResult.Fail("That order no longer exists.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        var what = Orders.OrderService.Describe(kind, percent, amountCents);
        var given = await db.Consolations.Where(c => c.OrderId == order.Id).AsNoTracking().ToListAsync(ct);
        var trimmed = reason.Trim();
        if (given.Any(c => c.Kind == kind && c.Percent == (kind == ConsolationKind.PercentDiscount ? percent : null)
                && c.AmountCents == (kind == ConsolationKind.AmountDiscount ? amountCents : null) && c.Reason == trimmed && now - c.CreatedAt < RepeatWindow))
        {
            return ActionResult.Ok($"{what} was already added to {order.Number}.");
        }
        var lines = await db.OrderLines.Where(l => l.OrderId == order.Id).Select(l => new { l.Qty, l.QtyCancelled, l.UnitPriceCents }).ToListAsync(ct);
        var worth = lines.Sum(l => (long)(l.Qty - l.QtyCancelled) * l.UnitPriceCents) + order.ShippingCents;
        var left = worth - given.Sum(c => ConsolationCents(c.Kind, c.Percent, c.AmountCents, worth, order.ShippingCents));
        if (kind == ConsolationKind.FreeShipping && given.Any(c => c.Kind == ConsolationKind.FreeShipping))
        {
            return ActionResult.Fail($"{order.Number} already has free shipping.");
        }
        if (ConsolationCents(kind, percent, amountCents, worth, order.ShippingCents) > left)
        {
            return ActionResult.Fail(left <= 0
                ? $"{order.Number}'s consolations already come to all it is worth ({Money.Format(worth)}): nothing more can be taken off."
                : $"That is more than {order.Number} has left to take off: at most {Money.Format(left)} of its {Money.Format(worth)}.");
        }
        db.Consolations.Add(new OrderConsolation
        {
            OrderId = order.Id, Kind = kind, Percent = kind == ConsolationKind.PercentDiscount ? percent : null,
            AmountCents = kind == ConsolationKind.AmountDiscount ? amountCents : null, Reason = reason.Trim(), CreatedBy = actor.DisplayName, CreatedAt = now,
        });
        db.Record(order.Id, OrderEventKind.Consolation, $"{what} ({reason.Trim()}).", actor, now);
        db.Tell(order, MessageTemplates.Consolation(order.Number, what), actor, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ActionResult.Ok($"{what} added to {order.Number}.");
    }

    /// <summary>What a consolation takes off an order worth <paramref name="worth"/> cents (free shipping: its shipping).</summary>
    public static long ConsolationCents(ConsolationKind kind, int? percent, long? amountCents, long worth, long shippingCents) => kind switch
    {
        ConsolationKind.PercentDiscount => (long)Math.Round(worth * (decimal)(percent ?? 0) / 100m, MidpointRounding.AwayFromZero),
        ConsolationKind.AmountDiscount => amountCents ?? 0,
        _ => shippingCents,
    };

    /// <summary>A waiting line whose current ETA is past the date promised: the one case a customer may cancel it themselves.</summary>
    public static bool IsLate(OrderLine line) =>
        line.QtyUnfilled > 0 && line.CurrentEta is { } eta && line.PromisedShipDate is { } promised && eta > promised;

    /// <summary>The line is on the customer's own order, and a delay message about it offered cancellation.</summary>
    private async Task<bool> OffersCancellationAsync(Actor customer, int lineId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.OrderLines.AnyAsync(l => l.Id == lineId && l.Order.Number == customer.OrderNumber
            && db.Outbox.Any(m => m.OrderLineId == l.Id && m.Kind == MessageKind.Delay), ct);
    }

    /// <summary>
    /// A page of waiting lines across products, products by SKU and each product's lines in queue order, read by
    /// keyset after or before a line (<see cref="QueueQuery.After"/>, <see cref="QueueQuery.Before"/>), with each
    /// row's place in its queue and the units ahead of it counted for the page's rows only (<see cref="QueuePlaces"/>),
    /// and the matching lines counted up to <see cref="TotalCap"/>: three round trips (four with a cursor) whose cost
    /// depends on the page, not on how many lines wait in the store.
    /// </summary>
    public async Task<QueuePage> GetQueueAsync(QueueQuery query, CancellationToken ct = default)
    {
        var clock = await settings.GetClockAsync(ct);
        var now = clock.UtcNow;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var lines = db.OrderLines.AsNoTracking().Where(l => l.QtyUnfilled > 0);
        if (query.Product?.Trim() is { Length: > 0 } product)
        {
            var pattern = $"%{product.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_")}%";
            lines = lines.Where(l => EF.Functions.Like(l.Product.Sku, pattern, "\\") || EF.Functions.Like(l.Product.Name, pattern, "\\"));
        }
        if (query.CategoryId is { } category)
        {
            lines = lines.Where(l => l.Product.CategoryId == category);
        }
        if (query.SupplierId is { } supplier)
        {
            lines = lines.Where(l => l.Product.SupplierId == supplier);
        }
        if (query.LateOnly)
        {
            lines = lines.Where(l => l.CurrentEta > l.PromisedShipDate);
        }
        if (query.Tier is { } tier)
        {
            lines = lines.Where(l => l.Order.Customer.Tier == tier);
        }
        if (query.ShipPolicy is { } policy)
        {
            lines = lines.Where(l => l.Order.ShipPolicy == policy);
        }
        if (query.AuthorizationExpiresBeforeEta)
        {
            // The store's day the authorization lapses against the ETA's day, in SQL over the lapse times that occur.
            var lapses = await lines.GroupBy(_ => 1)
                .Select(g => new { From = g.Min(l => l.Order.PaymentAuthorizationExpiresAt), To = g.Max(l => l.Order.PaymentAuthorizationExpiresAt) })
                .FirstOrDefaultAsync(ct);
            if (lapses is not null)
            {
                lines = lines.Where(clock.DayOfIsBefore<OrderLine>(l => l.Order.PaymentAuthorizationExpiresAt, l => l.CurrentEta, lapses.From, lapses.To));
            }
        }
        lines = lines.WhereAge(query.Age, clock);

        // Keyset paging: the lines after (or before) a line of the page, by product SKU then queue order, read from the
        // products' SKU index and each product's queue index, so a page costs the same on any page of any store.
        var size = Math.Clamp(query.PageSize, 1, 1_000);
        var cursorId = query.After ?? query.Before;
        var cursor = cursorId is { } id
            ? await db.OrderLines.AsNoTracking().Where(l => l.Id == id).Select(l => new { l.Product.Sku, l.Priority, l.QueuedAt, l.Id }).FirstOrDefaultAsync(ct)
            : null;
        var backwards = cursor is not null && query.Before is not null;
        // Products by SKU as the outer loop (CROSS JOIN keeps SQLite from reordering it), each product's waiting lines
        // from its queue index: the first rows come out in page order without sorting every waiting line.
        var pairs = from p in db.Products
                    from l in lines
                    where l.ProductId == p.Id
                    select new { p.Sku, l };
        if (cursor is not null)
        {
            var (sku, priority, queuedAt, lineId) = (cursor.Sku, cursor.Priority, cursor.QueuedAt, cursor.Id);
            // Within the cursor's product, "before" is ahead in its queue; the SKU bound first lets the products' index start there.
            pairs = backwards
                ? pairs.Where(x => string.Compare(x.Sku, sku) <= 0
                    && (string.Compare(x.Sku, sku) < 0
                        || x.l.Priority > priority
                        || (x.l.Priority == priority
                            && ((x.l.QueuedAt == null && queuedAt != null) || x.l.QueuedAt < queuedAt || (x.l.QueuedAt == queuedAt && x.l.Id < lineId)))))
                : pairs.Where(x => string.Compare(x.Sku, sku) >= 0
                    && (string.Compare(x.Sku, sku) > 0
                        || x.l.Priority < priority
                        || (x.l.Priority == priority
                            && ((queuedAt == null && x.l.QueuedAt != null) || queuedAt < x.l.QueuedAt || (x.l.QueuedAt == queuedAt && x.l.Id > lineId)))));
        }
        var ordered = backwards
            ? pairs.OrderByDescending(x => x.Sku).ThenBy(x => x.l.Priority).ThenByDescending(x => x.l.QueuedAt).ThenByDescending(x => x.l.Id)
            : pairs.OrderBy(x => x.Sku).ThenByDescending(x => x.l.Priority).ThenBy(x => x.l.QueuedAt).ThenBy(x => x.l.Id);
        var skip = cursor is null ? Math.Max(0, query.Page) * size : 0;
        var rowsQuery = ordered.Skip(skip).Take(size + 1)
            .Select(x => new
            {
                x.l.Id, x.l.Version, x.l.ProductId, x.Sku, ProductName = x.l.Product.Name, x.l.Order.Number, Customer = x.l.Order.Customer.Name,
                x.l.Order.Customer.Tier, x.l.QtyUnfilled, x.l.PromisedShipDate, x.l.CurrentEta, x.l.QueuedAt, x.l.Order.ShipPolicy,
                x.l.Order.PaymentAuthorizationExpiresAt, x.l.Priority, x.l.Order.CustomerId,
            });
        var read = await rowsQuery.ToListAsync(ct);
        var more = read.Count > size;
        var page = read.Take(size).ToList();
        if (backwards)
        {
            page.Reverse();
        }
        var total = await lines.Take(TotalCap + 1).CountAsync(ct);
        // Filters on the products keep each product's waiting lines together; filters on the lines leave gaps between them.
        var everyLine = !query.LateOnly && query.Tier is null && query.ShipPolicy is null && !query.AuthorizationExpiresBeforeEta && query.Age == AgeBucket.Any;
        var places = await QueuePlaces.OfAsync(db, page.Select(r => new QueuePlaces.Line(r.Id, r.ProductId, r.Priority, r.QueuedAt, r.QtyUnfilled)).ToList(),
            everyLine, ct);

        return new QueuePage(page.Select(r => new QueueRow(
            r.Id, r.Version, r.Sku, r.ProductName, r.Number, r.Customer, r.Tier, r.QtyUnfilled,
            places[r.Id].LinesAhead + 1, places[r.Id].UnitsAhead, r.PromisedShipDate, r.CurrentEta, r.CurrentEta > r.PromisedShipDate,
            QueueAges.DaysWaiting(clock, r.QueuedAt),
            r.ShipPolicy, r.CurrentEta is { } eta && clock.DayOf(r.PaymentAuthorizationExpiresAt) < eta,
            r.Priority >= QueuePriority.Expedited, r.CustomerId, r.QueuedAt)).ToList(),
            Math.Min(total, TotalCap), total > TotalCap,
            HasBefore: backwards ? more : cursor is not null || skip > 0,
            HasAfter: backwards || more);
    }

    /// <summary>The queue page counts matching lines up to this many; past it the page says "more than".</summary>
    public const int TotalCap = 1_000;

    private static ActionResult? Check(OrderLine? line, int expectedVersion) =>
        line is null ? ActionResult.Fail("That order line no longer exists.")
        : line.Version != expectedVersion ? ActionResult.Fail("Someone changed this line a moment ago. The list is refreshed: check it and try again.")
        : null;
}
