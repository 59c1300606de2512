using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Products;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.TestSupport;

/// <summary>
/// What must be true of a store whatever was done to it, read straight from the tables: stock never below zero and
/// never more promised than there is, every line's units accounted for, product totals equal to their ledger, free
/// stock never left idle while someone who could take it waits, and every waiting line dated by the availability
/// rule from the store as it now is. The dates are worked out here from the tables with the domain's rule
/// (<see cref="AvailabilityRule.QueueEtas"/> over <see cref="QueueOrder"/>), not read from any service.
/// </summary>
public static class StoreInvariants
{
    /// <summary>Every broken invariant, one sentence each; empty when the store is sound.</summary>
    /// <param name="today">The store's calendar day (the clock the services ran on).</param>
    /// <param name="checkEtas">False where a test broke off work half-way (a killed process leaves dates to the next walk).</param>
    public static async Task<List<string>> ViolationsAsync(AppDbContext db, DateOnly today, bool checkEtas = true)
    {
        var problems = new List<string>();
        var products = await db.Products.AsNoTracking().Include(p => p.Supplier).ToListAsync();
        var lines = await db.OrderLines.AsNoTracking().Include(l => l.Order).ToListAsync();
        var ledger = (await db.StockLedger.AsNoTracking()
            .GroupBy(e => e.ProductId)
            .Select(g => new { ProductId = g.Key, OnHand = g.Sum(e => (long)e.OnHandDelta), Allocated = g.Sum(e => (long)e.AllocatedDelta) })
            .ToListAsync()).ToDictionary(x => x.ProductId);

        foreach (var p in products)
        {
            if (p.OnHand < 0)
            {
                problems.Add($"{p.Sku}: on hand is {p.OnHand}, below zero.");
            }
            if (p.Allocated < 0 || p.Allocated > p.OnHand)
            {
                problems.Add($"{p.Sku}: allocated {p.Allocated} is not within 0..on hand {p.OnHand}.");
            }
            var sums = ledger.GetValueOrDefault(p.Id);
            if ((sums?.OnHand ?? 0) != p.OnHand || (sums?.Allocated ?? 0) != p.Allocated)
            {
                problems.Add($"{p.Sku}: totals on hand {p.OnHand} / allocated {p.Allocated} but the ledger sums to {sums?.OnHand ?? 0} / {sums?.Allocated ?? 0}.");
            }
            var allocatedToLines = lines.Where(l => l.ProductId == p.Id).Sum(l => l.QtyAllocated);
            if (allocatedToLines != p.Allocated)
            {
                problems.Add($"{p.Sku}: allocated {p.Allocated} but its lines hold {allocatedToLines}.");
            }
        }

        foreach (var l in lines)
        {
            if (l.QtyAllocated < 0 || l.QtyShipped < 0 || l.QtyCancelled < 0 || l.QtyUnfilled < 0)
            {
                problems.Add($"Line {l.Id} ({l.Order.Number}): a negative figure (allocated {l.QtyAllocated}, shipped {l.QtyShipped}, cancelled {l.QtyCancelled}, unfilled {l.QtyUnfilled}).");
            }
            if (l.Qty != l.QtyAllocated + l.QtyShipped + l.QtyCancelled + l.QtyUnfilled)
            {
                problems.Add($"Line {l.Id} ({l.Order.Number}): quantity {l.Qty} ≠ allocated {l.QtyAllocated} + shipped {l.QtyShipped} + cancelled {l.QtyCancelled} + unfilled {l.QtyUnfilled}.");
            }
        }

        // Free stock goes to whoever waits and can take it: a line shipping what is available takes any free unit; a
        // ship-complete order waits only while one of its products lacks the free units it needs.
        var free = products.ToDictionary(p => p.Id, p => p.OnHand - p.Allocated);
        var waiting = lines.Where(l => l.QtyUnfilled > 0).ToList();
        foreach (var l in waiting.Where(l => l.Order.ShipPolicy == ShipPolicy.ShipAvailable && free[l.ProductId] > 0))
        {
            problems.Add($"Line {l.Id} ({l.Order.Number}) waits for {l.QtyUnfilled} while {free[l.ProductId]} of its product are free.");
        }
        foreach (var order in waiting.Where(l => l.Order.ShipPolicy == ShipPolicy.ShipComplete).Select(l => l.OrderId).Distinct())
        {
            var needs = waiting.Where(l => l.OrderId == order).GroupBy(l => l.ProductId).ToDictionary(g => g.Key, g => g.Sum(l => l.QtyUnfilled));
            if (needs.All(n => free[n.Key] >= n.Value))
            {
                problems.Add($"{waiting.First(l => l.OrderId == order).Order.Number} ships complete and waits, though every unit it lacks is free.");
            }
        }

        if (checkEtas)
        {
            problems.AddRange(await EtaViolationsAsync(db, today, products, waiting));
        }
        return problems;
    }

    /// <summary>Fails the test with every broken invariant named.</summary>
    public static async Task AssertAsync(AppDbContext db, DateOnly today, string? context = null, bool checkEtas = true)
    {
        var problems = await ViolationsAsync(db, today, checkEtas);
        if (problems.Count > 0)
        {
            throw new InvariantException($"{(context is null ? "" : context + ": ")}{string.Join(" ", problems)}");
        }
    }

    /// <summary>
    /// Each product's queue as its page reads it (<see cref="ProductService.GetQueueAsync"/>, ordered in SQL) against
    /// the waiting lines sorted by <see cref="QueueOrder.Comparer"/>: the same lines, in the same order, each with the
    /// date the store holds for it.
    /// </summary>
    public static async Task<List<string>> QueueOrderViolationsAsync(AppDbContext db, ProductService products)
    {
        var problems = new List<string>();
        var waiting = await db.OrderLines.AsNoTracking().Where(l => l.QtyUnfilled > 0).ToListAsync();
        foreach (var sku in await db.Products.AsNoTracking().OrderBy(p => p.Id).Select(p => new { p.Id, p.Sku }).ToListAsync())
        {
            var expected = InQueueOrder(waiting.Where(l => l.ProductId == sku.Id));
            var shown = await products.GetQueueAsync(sku.Sku) ?? [];
            var expectedIds = expected.Select(l => l.Id).ToList();
            var shownIds = shown.Select(r => r.OrderLineId).ToList();
            if (!expectedIds.SequenceEqual(shownIds))
            {
                problems.Add($"{sku.Sku}: the queue page lists lines {string.Join(",", shownIds)}; queue order is {string.Join(",", expectedIds)}.");
                continue;
            }
            for (var i = 0; i < expected.Count; i++)
            {
                if (shown[i].Eta != expected[i].CurrentEta || shown[i].Position != i + 1)
                {
                    problems.Add($"{sku.Sku}: the queue page shows line {expected[i].Id} at place {shown[i].Position} dated {Text(shown[i].Eta)}; it is stored dated {Text(expected[i].CurrentEta)}.");
                }
            }
        }
        return problems;
    }

    /// <summary>The queue's order as <see cref="QueueOrder.Comparer"/> says, for lines read from the tables.</summary>
    public static List<OrderLine> InQueueOrder(IEnumerable<OrderLine> waiting) => waiting.Order(QueueOrder.Comparer).ToList();

    private static async Task<List<string>> EtaViolationsAsync(AppDbContext db, DateOnly today, List<Product> products, List<OrderLine> waiting)
    {
        var problems = new List<string>();
        var settings = await db.MerchantSettings.AsNoTracking().SingleOrDefaultAsync() ?? new MerchantSettings();
        var history = await SupplierLeadTimes.LoadAsync(db);
        var openLines = (await db.PurchaseOrderLines.AsNoTracking().Include(l => l.PurchaseOrder).ToListAsync())
            .Where(l => l.PurchaseOrder.Status.IsOpen() && l.QtyOrdered > l.QtyReceived).ToList();
        foreach (var p in products)
        {
            var queue = InQueueOrder(waiting.Where(l => l.ProductId == p.Id));
            if (queue.Count == 0)
            {
                continue;
            }
            var inbound = openLines.Where(l => l.ProductId == p.Id)
                .Select(l => new InboundSupply(l.PurchaseOrder.ExpectedDate, l.QtyOrdered - l.QtyReceived)).ToList();
            LeadTimeRange? supplierHistory = history.TryGetValue(p.SupplierId, out var h) ? h : null;
            var facts = new ProductStockFacts(
                p.Id, p.OnHand, p.Allocated, p.BackorderPolicy, p.BackorderCap,
                p.LowStockThreshold ?? settings.DefaultLowStockThreshold,
                p.HandlingDays ?? settings.DefaultHandlingDays,
                LeadTimes.Choose(p.LeadTimeDays, p.LeadTimeDays ?? p.Supplier.DefaultLeadTimeDays, supplierHistory).Range,
                p.PreorderReleaseDate, p.Discontinued, queue.Sum(l => l.QtyUnfilled), inbound);
            var etas = AvailabilityRule.QueueEtas(facts, queue.Select(l => l.QtyUnfilled).ToList(), today, settings.DailyFulfilmentCapacity);
            for (var i = 0; i < queue.Count; i++)
            {
                if (queue[i].CurrentEta != etas[i])
                {
                    problems.Add($"{p.Sku}: line {queue[i].Id} ({queue[i].Order.Number}, place {i + 1}) is dated {Text(queue[i].CurrentEta)}; the rule gives {Text(etas[i])}.");
                }
            }
        }
        return problems;
    }

    private static string Text(DateOnly? date) => date?.ToString("yyyy-MM-dd") ?? "no date";
}

/// <summary>A store invariant that does not hold.</summary>
public sealed class InvariantException(string message) : Exception(message);
