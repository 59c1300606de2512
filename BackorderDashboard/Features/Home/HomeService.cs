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
        // would make SQLite read every order for a rare match.
        var wanted = skip + take;
        var customers = await db.Customers.AsNoTracking().Matching(db, q).Select(c => c.Id).Take(ManyCustomers + 1).ToListAsync(ct);
        List<OrderKey> found = customers.Count == 0 ? [] : customers.Count <= ManyCustomers
            ? await db.Orders.AsNoTracking().Where(o => customers.Contains(o.CustomerId))
                .OrderByDescending(o => o.PlacedAt).ThenByDescending(o => o.Id).Take(wanted)
                .Select(o => new OrderKey(o.Id, o.PlacedAt)).ToListAsync(ct)
            : await db.Orders.AsNoTracking().Where(o => db.Customers.Matching(q).Any(c => c.Id == o.CustomerId))
                .OrderByDescending(o => o.PlacedAt).ThenByDescending(o => o.Id).Take(wanted)
                .Select(o => new OrderKey(o.Id, o.PlacedAt)).ToListAsync(ct);
        // A whole order number typed or pasted is found by the index; only a fragment needs reading every number.
        var exact = numberPossible ? await db.Orders.AsNoTracking().Where(o => o.Number == q.ToUpperInvariant())
            .Select(o => new OrderKey(o.Id, o.PlacedAt)).SingleOrDefaultAsync(ct) : null;
        // The shop's own order name ("#1001" from Shopify, "4750" from WooCommerce), whole or in part, by its index first.
        var external = numberPossible ? await db.Orders.AsNoTracking().Where(o => o.ExternalNumber == q || o.ExternalNumber == "#" + q)
            .OrderByDescending(o => o.PlacedAt).Take(wanted).Select(o => new OrderKey(o.Id, o.PlacedAt)).ToListAsync(ct) : [];
        found.AddRange(external);
        if (exact is not null)
        {
            found.Add(exact);
        }
        else if (numberPossible && external.Count == 0)
        {
            found.AddRange(await db.Orders.AsNoTracking().Where(o => EF.Functions.Like(o.Number, pattern, "\\"))
                .OrderByDescending(o => o.PlacedAt).ThenByDescending(o => o.Id).Take(wanted)
                .Select(o => new OrderKey(o.Id, o.PlacedAt)).ToListAsync(ct));
            found.AddRange(await db.Orders.AsNoTracking().Where(o => o.ExternalNumber != null && EF.Functions.Like(o.ExternalNumber, pattern, "\\"))
                .OrderByDescending(o => o.PlacedAt).ThenByDescending(o => o.Id).Take(wanted)
                .Select(o => new OrderKey(o.Id, o.PlacedAt)).ToListAsync(ct));
        }
        var page = found.DistinctBy(o => o.Id).OrderByDescending(o => o.PlacedAt).ThenByDescending(o => o.Id)
            .Skip(skip).Take(take).Select(o => o.Id).ToList();
        if (page.Count == 0)
        {
            return [];
        }
        var hits = await db.Orders.AsNoTracking().Where(o => page.Contains(o.Id))
            .Select(o => new
            {
                o.Id,
                Hit = new OrderHit(o.Number, o.Customer.Name, o.Customer.Email, o.PlacedAt, o.Lines.Count,
                    o.Lines.Count(l => l.QtyUnfilled > 0), o.Customer.Phone,
                    o.Lines.Where(l => l.QtyUnfilled > 0).Max(l => l.CurrentEta),
                    o.Lines.Any(l => l.QtyUnfilled > 0 && l.CurrentEta > l.PromisedShipDate), o.CustomerId),
            })
            .ToDictionaryAsync(x => x.Id, x => x.Hit, ct);
        return page.Select(id => hits[id]).ToList();
    }

    private sealed record OrderKey(int Id, DateTime PlacedAt);
}
