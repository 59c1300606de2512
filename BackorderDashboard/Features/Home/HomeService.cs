using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Shipping;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Home;

public sealed record QueueSummary(int OpenLines, int LateLines, long UnitsWaiting, int ProductsWaiting, int OrdersReadyToShip,
    IReadOnlyList<LongestQueue> LongestQueues, IReadOnlyList<NextReceipt> NextReceipts);

public sealed record LongestQueue(string Sku, string Name, int Lines, long Units);

public sealed record NextReceipt(int Id, string Number, string Supplier, DateOnly ExpectedDate, long Units, bool Overdue);

public sealed record OrderHit(string Number, string CustomerName, string CustomerEmail, DateTime PlacedAt, int Lines, int LinesWaiting,
    string? CustomerPhone = null, DateOnly? LatestEta = null, bool Late = false, int CustomerId = 0);

/// <summary>The figures on each role's home page, all aggregated in SQL.</summary>
public sealed class HomeService(IDbContextFactory<AppDbContext> dbFactory, SettingsService settings)
{
    /// <summary>Beyond this many matching customers, their orders are found by walking the newest orders instead.</summary>
    private const int ManyCustomers = 200;

    public async Task<QueueSummary> GetQueueSummaryAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var waiting = db.OrderLines.Where(l => l.QtyUnfilled > 0);
        var totals = await waiting.GroupBy(_ => 1).Select(g => new
        {
            Lines = g.Count(),
            Late = g.Count(l => l.CurrentEta > l.PromisedShipDate),
            // 64-bit: the units of many lines add up past what an int holds.
            Units = g.Sum(l => (long)l.QtyUnfilled),
            Products = g.Select(l => l.ProductId).Distinct().Count(),
        }).FirstOrDefaultAsync(ct);

        var ready = await db.Orders.CountAsync(ShippingService.IsReady, ct);

        var longest = (await waiting.GroupBy(l => l.ProductId)
            .Select(g => new { ProductId = g.Key, Lines = g.Count(), Units = g.Sum(l => (long)l.QtyUnfilled) })
            .OrderByDescending(q => q.Units).ThenBy(q => q.ProductId)
            .Take(5)
            .Join(db.Products, q => q.ProductId, p => p.Id, (q, p) => new LongestQueue(p.Sku, p.Name, q.Lines, q.Units))
            .ToListAsync(ct))
            .OrderByDescending(q => q.Units).ThenBy(q => q.Sku)
            .ToList();

        var today = (await settings.GetClockAsync(ct)).Today;
        var receipts = await db.PurchaseOrders
            .Where(po => po.Status.IsOpen())
            .OrderBy(po => po.ExpectedDate).ThenBy(po => po.Number)
            .Select(po => new NextReceipt(po.Id, po.Number, po.Supplier.Name, po.ExpectedDate,
                po.Lines.Sum(l => (long)l.QtyOrdered - l.QtyReceived), po.Status.IsOverdue(po.ExpectedDate, today)))
            .WithRules()
            .Take(5).ToListAsync(ct);

        return new QueueSummary(totals?.Lines ?? 0, totals?.Late ?? 0, totals?.Units ?? 0, totals?.Products ?? 0, ready, longest, receipts);
    }

    /// <summary>
    /// Orders whose number (ours or the shop's), customer e-mail, name or phone contains the text (any case), newest first. A text that
    /// looks like a phone number also matches however the number was written ("555 0199" finds "+1 555-0199").
    /// </summary>
    public async Task<IReadOnlyList<OrderHit>> FindOrdersAsync(string? text, int take = 10, int skip = 0, CancellationToken ct = default)
    {
        var q = text?.Trim();
        if (string.IsNullOrEmpty(q) || q.Length < 2)
        {
            return [];
        }
        var pattern = CustomerSearch.Pattern(q);
        var numberPossible = OrderSearchRule.CouldBeOrderNumber(q);
        await using var db = await dbFactory.CreateDbContextAsync(ct);

        // The customers first, through the trigram index; then their orders newest first. A few customers: each one's
        // orders from the (customer, placed) index. Many (a common fragment like "example"): the newest orders in turn,
        // each tested against its customer, stop as soon as a page is found. One OR across customers and numbers
        // would make SQLite read every order for a rare match. Each part reads its page of hits with what they show.
        var wanted = skip + take;
        var customers = await db.Customers.AsNoTracking().Matching(db, q).Select(c => c.Id).Take(ManyCustomers + 1).ToListAsync(ct);
        List<FoundOrder> found = customers.Count == 0 ? []
            : await Newest(customers.Count <= ManyCustomers
                ? db.Orders.Where(o => customers.Contains(o.CustomerId))
                : db.Orders.Where(o => db.Customers.Matching(q).Any(c => c.Id == o.CustomerId)), wanted).ToListAsync(ct);
        if (numberPossible)
        {
            // A whole order number typed or pasted, or the shop's own order name ("#1001" from Shopify, "4750" from
            // WooCommerce), each by its index, in one statement; only a fragment needs reading every number.
            var upper = q.ToUpperInvariant();
            // No ORDER BY here: it would tempt SQLite to walk every order by date instead of the two lookups. They find a
            // handful of orders at most (one number, one shop order name per channel), put in order below.
            var numbers = await db.Orders.AsNoTracking().Where(o => o.Number == upper)
                .Concat(db.Orders.AsNoTracking().Where(o => o.ExternalNumber == q || o.ExternalNumber == "#" + q))
                .Select(Hit).ToListAsync(ct);
            found.AddRange(numbers);
            if (numbers.Count == 0)
            {
                found.AddRange(await Newest(db.Orders.Where(o => EF.Functions.Like(o.Number, pattern, "\\")), wanted).ToListAsync(ct));
                found.AddRange(await Newest(db.Orders.Where(o => o.ExternalNumber != null && EF.Functions.Like(o.ExternalNumber, pattern, "\\")), wanted)
                    .ToListAsync(ct));
            }
        }
        return found.DistinctBy(o => o.Id).OrderByDescending(o => o.PlacedAt).ThenByDescending(o => o.Id)
            .Skip(skip).Take(take).Select(o => o.Hit).ToList();
    }

    /// <summary>The newest <paramref name="take"/> of the orders as the search lists them.</summary>
    private static IQueryable<FoundOrder> Newest(IQueryable<Order> orders, int take) =>
        orders.AsNoTracking().OrderByDescending(o => o.PlacedAt).ThenByDescending(o => o.Id).Take(take).Select(Hit);

    private static readonly System.Linq.Expressions.Expression<Func<Order, FoundOrder>> Hit = o => new FoundOrder(o.Id, o.PlacedAt,
        new OrderHit(o.Number, o.Customer.Name, o.Customer.Email, o.PlacedAt, o.Lines.Count, o.Lines.Count(l => l.QtyUnfilled > 0), o.Customer.Phone,
            o.Lines.Where(l => l.QtyUnfilled > 0).Max(l => l.CurrentEta),
            o.Lines.Any(l => l.QtyUnfilled > 0 && l.CurrentEta > l.PromisedShipDate), o.CustomerId));

    private sealed record FoundOrder(int Id, DateTime PlacedAt, OrderHit Hit);
}
