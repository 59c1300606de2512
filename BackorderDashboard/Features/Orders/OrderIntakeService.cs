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
    [MaxLength(200)]
    public string CustomerName { get; set; } = "";

    [Required(ErrorMessage = "Enter the customer's e-mail address: confirmations and ship dates go there.")]
    [EmailAddress(ErrorMessage = "That is not a valid e-mail address.")]
    public string CustomerEmail { get; set; } = "";

    [MaxLength(50)]
    public string? CustomerPhone { get; set; }

    public ShipPolicy ShipPolicy { get; set; } = ShipPolicy.ShipAvailable;

    public OrderChannel Channel { get; set; } = OrderChannel.Phone;

    public List<NewOrderLineInput> Lines { get; set; } = [];
}

public sealed record PlacedLine(string Sku, string Name, int Qty, int FromStock, int Backordered, DateOnly? Eta);

public sealed record IntakeResult(string? OrderNumber, IReadOnlyList<string> Errors, IReadOnlyList<PlacedLine> Lines)
{
    public bool Succeeded => OrderNumber is not null;
}

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
            return new IntakeResult(null, [refused], []);
        }
        var errors = InputValidation.Errors(input).Values.ToList();
        var requested = input.Lines
            .Where(l => !string.IsNullOrWhiteSpace(l.Sku))
            .GroupBy(l => l.Sku.Trim().ToUpperInvariant())
            .Select(g => (Sku: g.Key, Qty: g.Sum(l => l.Qty), AnyBad: g.Any(l => l.Qty <= 0)))
            .ToList();
        if (requested.Count == 0)
        {
            errors.Add("Add at least one product to the order.");
        }
        errors.AddRange(requested.Where(r => r.AnyBad).Select(r => $"The quantity for {r.Sku} must be at least 1."));
        if (errors.Count > 0)
        {
            return new IntakeResult(null, errors, []);
        }

        var context = await availability.GetContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);

        var skus = requested.Select(r => r.Sku).ToList();
        var products = await db.Products.Where(p => skus.Contains(p.Sku.ToUpper())).ToDictionaryAsync(p => p.Sku.ToUpperInvariant(), ct);
        errors.AddRange(skus.Where(s => !products.ContainsKey(s)).Select(s => $"There is no product with SKU {s}."));
        if (errors.Count > 0)
        {
            return new IntakeResult(null, errors, []);
        }
        var ids = products.Values.Select(p => p.Id).ToList();
        var rows = await availability.Rows(db, context).Where(r => ids.Contains(r.ProductId)).ForRule().ToListAsync(ct);
        var evaluated = await availability.EvaluateAsync(db, rows, context, ct);

        var plan = new List<(Product Product, int Qty, int Take, int Remainder)>();
        foreach (var (sku, qty, _) in requested)
        {
            var product = products[sku];
            var facts = evaluated[product.Id].Facts;
            var take = Math.Min(qty, facts.Available);
            var rest = qty - take;
            if (rest > 0 && RefuseBackorder(product, facts, rest, context) is { } reason)
            {
                errors.Add(reason);
            }
            plan.Add((product, qty, take, rest));
        }
        if (errors.Count > 0)
        {
            return new IntakeResult(null, errors, []);
        }

        var email = input.CustomerEmail.Trim();
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Email == email, ct)
            ?? db.Customers.Add(new Customer { Name = input.CustomerName.Trim(), Email = email, Phone = input.CustomerPhone?.Trim(), CreatedAt = now }).Entity;
        var order = new Order
        {
            Number = await NextOrderNumberAsync(db, ct),
            Customer = customer,
            PlacedAt = now,
            Channel = input.Channel,
            ShipPolicy = input.ShipPolicy,
            PaymentAuthorizedAt = now,
            PaymentAuthorizationExpiresAt = now + AuthorizationValidity,
            TrackingToken = TrackingTokens.New(),
        };
        db.Orders.Add(order);
        var priority = QueuePriorities.For(customer.Tier, context.Settings.VipFirstInQueue);
        foreach (var (product, qty, take, rest) in plan)
        {
            var line = new OrderLine
            {
                Product = product, Qty = qty, UnitPriceCents = product.PriceCents, QtyAllocated = take,
                QtyBackorderedAtPlacement = rest, QueuedAt = rest > 0 ? now : null, Priority = rest > 0 ? priority : QueuePriority.Standard,
            };
            order.Lines.Add(line);
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
        await db.SaveChangesAsync(ct);

        // Promised dates: the same walk as the badge, over each product's queue now that the new lines are in it.
        // A VIP line placed ahead of others (by setting) moves their dates too, and they hear of it if they become late.
        foreach (var productId in order.Lines.Where(l => l.QtyBackorderedAtPlacement > 0).Select(l => l.ProductId).Distinct())
        {
            await queue.RecomputeEtasAsync(db, productId, $"new order {order.Number}", actor, ct);
        }
        var placed = order.Lines
            .Select(l => new PlacedLine(l.Product.Sku, l.Product.Name, l.Qty, l.QtyAllocated, l.QtyBackorderedAtPlacement, l.CurrentEta))
            .ToList();

        db.Record(order.Id, OrderEventKind.Placed,
            $"Order placed by {input.Channel.ToString().ToLowerInvariant()}: {Words.Count(placed.Count, "line")}, ship policy {Describe(input.ShipPolicy)}.", actor, now);
        foreach (var line in order.Lines.Where(l => l.QtyBackorderedAtPlacement > 0))
        {
            db.Record(order.Id, OrderEventKind.Backordered,
                $"{line.QtyBackorderedAtPlacement} × {line.Product.Name} backordered, promised to ship {ShortDate(line.PromisedShipDate)}.", actor, now, line.Id);
        }
        if (placed.Any(p => p.Backordered > 0))
        {
            db.Tell(order, MessageTemplates.Confirmation(order.Number, placed.Select(p => (p.Name, p.Qty, p.FromStock, p.Backordered, p.Eta))), actor, now);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new IntakeResult(order.Number, [], placed);
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

    /// <summary>Next order number; safe because it runs inside the write transaction.</summary>
    private static async Task<string> NextOrderNumberAsync(AppDbContext db, CancellationToken ct)
    {
        var numbers = await db.Orders.Where(o => o.Number.StartsWith("SO-")).Select(o => o.Number).ToListAsync(ct);
        var max = numbers.Select(n => int.TryParse(n.AsSpan(3), out var v) ? v : 0).DefaultIfEmpty(100000).Max();
        return $"SO-{max + 1}";
    }

    private static string Describe(ShipPolicy policy) => policy == ShipPolicy.ShipComplete ? "ship complete" : "ship what's available";

    private static string ShortDate(DateOnly? date) => date is { } d ? MerchantClock.ShortDate(d) : "when stock arrives";
}
