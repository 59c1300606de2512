using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Tests.TestSupport;

namespace BackorderDashboard.Tests.Features.Backorders;

/// <summary>
/// The queue page read by keyset: walking it forwards by "after" and backwards by "before", page by page, gives every
/// waiting line once, products by SKU and each product's lines in queue order, with the place in line and units ahead
/// the whole queue gives them (filters leave lines out of the page, never out of the count ahead). The store mixes
/// priorities, lines queued at the same moment, lines without a queued-at and products whose ids run against their SKUs.
/// </summary>
public class QueuePagingTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private BackorderService _service = null!;
    private List<Expected> _all = [];

    private sealed record Expected(int LineId, string Sku, int ProductId, QueuePriority Priority, DateTime? QueuedAt, int Unfilled, bool Late, CustomerTier Tier,
        int Position = 0, int UnitsAhead = 0);

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(Now));
        _service = _services.Get<BackorderService>();
        var random = new Random(1807);
        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        // SKUs given in reverse of creation, so product ids run against SKU order.
        var products = Enumerable.Range(0, 6).Select(i => TestData.Product(category, supplier, $"SKU-{9 - i}")).ToList();
        db.AddRange(products);
        var customers = Enumerable.Range(0, 8).Select(i =>
        {
            var c = TestData.Customer($"Customer {i}", $"c{i}@example.com");
            c.Tier = i % 3 == 0 ? CustomerTier.Vip : CustomerTier.Standard;
            return c;
        }).ToList();
        var start = Now.UtcDateTime.AddDays(-30);
        for (var i = 0; i < 90; i++)
        {
            // A few products get long queues, one gets none.
            var product = products[Math.Min(4, (int)Math.Floor(Math.Pow(random.NextDouble(), 2) * 5))];
            var order = TestData.Order(customers[random.Next(customers.Count)], $"SO-{i:000}", start.AddHours(i));
            var qty = 1 + random.Next(3);
            var promised = DateOnly.FromDateTime(Now.UtcDateTime).AddDays(random.Next(5, 15));
            var queuedAt = random.Next(12) == 0 ? (DateTime?)null : start.AddHours(random.Next(4) == 0 ? i - i % 3 : i);
            order.Lines.Add(new OrderLine
            {
                Product = product, Qty = qty, QtyBackorderedAtPlacement = qty, QueuedAt = queuedAt, PromisedShipDate = promised,
                CurrentEta = random.Next(3) == 0 ? promised.AddDays(4) : promised,
                Priority = random.Next(8) switch { 0 => QueuePriority.Expedited, 1 => QueuePriority.Vip, _ => QueuePriority.Standard },
            });
            db.Add(order);
        }
        await db.SaveChangesAsync();

        var lines = db.OrderLines.Where(l => l.QtyUnfilled > 0).Select(l => new { Line = l, l.Product.Sku, l.Order.Customer.Tier }).ToList();
        _all = lines.OrderBy(x => x.Sku, StringComparer.Ordinal).ThenBy(x => x.Line, QueueOrder.Comparer)
            .Select(x => new Expected(x.Line.Id, x.Sku, x.Line.ProductId, x.Line.Priority, x.Line.QueuedAt, x.Line.QtyUnfilled,
                x.Line.CurrentEta > x.Line.PromisedShipDate, x.Tier))
            .ToList();
        _all = _all.Select(e =>
        {
            var ahead = _all.Where(o => o.ProductId == e.ProductId).TakeWhile(o => o.LineId != e.LineId).ToList();
            return e with { Position = ahead.Count + 1, UnitsAhead = ahead.Sum(o => o.Unfilled) };
        }).ToList();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    public static TheoryData<string> Filters => ["none", "late", "vip", "product"];

    private static QueueQuery Query(string filter, int size) => filter switch
    {
        "late" => new QueueQuery(LateOnly: true, PageSize: size),
        "vip" => new QueueQuery(Tier: CustomerTier.Vip, PageSize: size),
        "product" => new QueueQuery(Product: "SKU-7", PageSize: size),
        _ => new QueueQuery(PageSize: size),
    };

    private List<Expected> ExpectedFor(string filter) => _all.Where(e => filter switch
    {
        "late" => e.Late,
        "vip" => e.Tier == CustomerTier.Vip,
        "product" => e.Sku == "SKU-7",
        _ => true,
    }).ToList();

    private static (int, string, int, int) Shown(QueueRow r) => (r.LineId, r.Sku, r.Position, r.UnitsAhead);

    private static (int, string, int, int) Shown(Expected e) => (e.LineId, e.Sku, e.Position, e.UnitsAhead);

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task WalkingForwardByAfter_GivesEveryLineOnceInOrder_WithTheWholeQueuesPlaces(string filter)
    {
        var expected = ExpectedFor(filter);
        Assert.True(expected.Count > 14, $"the store should give {filter} more than two pages");
        var seen = new List<QueueRow>();
        var query = Query(filter, 7);
        var first = true;
        while (true)
        {
            var page = await _service.GetQueueAsync(query);
            Assert.Equal(expected.Count, page.Total);
            Assert.False(page.TotalIsMore);
            Assert.Equal(!first, page.HasBefore);
            seen.AddRange(page.Rows);
            Assert.Equal(seen.Count < expected.Count, page.HasAfter);
            if (!page.HasAfter)
            {
                break;
            }
            query = query with { After = page.Rows[^1].LineId };
            first = false;
        }
        Assert.Equal(expected.Select(Shown), seen.Select(Shown));
    }

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task WalkingBackwardByBefore_FromTheEnd_GivesTheSamePages(string filter)
    {
        var expected = ExpectedFor(filter);
        var last = expected[^1].LineId;
        // The last line itself: the page after the line before it.
        var seen = new List<QueueRow>((await _service.GetQueueAsync(Query(filter, 7) with { After = expected[^2].LineId })).Rows);
        Assert.Equal([last], seen.Select(r => r.LineId));
        var query = Query(filter, 7) with { Before = last };
        while (true)
        {
            var page = await _service.GetQueueAsync(query);
            Assert.True(page.HasAfter);
            seen.InsertRange(0, page.Rows);
            Assert.Equal(seen.Count < expected.Count, page.HasBefore);
            if (!page.HasBefore)
            {
                break;
            }
            query = query with { Before = page.Rows[0].LineId };
        }
        Assert.Equal(expected.Select(Shown), seen.Select(Shown));
    }

    [Fact]
    public async Task OffsetPages_AgreeWithTheKeysetOnes()
    {
        var page = await _service.GetQueueAsync(new QueueQuery(Page: 2, PageSize: 10));
        Assert.Equal(_all.Skip(20).Take(10).Select(Shown), page.Rows.Select(Shown));
        Assert.True(page.HasBefore);
    }

    [Fact]
    public async Task ACursorThatIsNoLongerWaiting_StillMarksThePlace()
    {
        // A line in the middle is served: the page after it starts with the line that followed it.
        var middle = _all[40];
        await using (var db = _db.CreateDbContext())
        {
            var line = await db.OrderLines.FindAsync(middle.LineId);
            line!.QtyCancelled = line.Qty;
            await db.SaveChangesAsync();
        }
        var page = await _service.GetQueueAsync(new QueueQuery(PageSize: 3, After: middle.LineId));
        Assert.Equal(_all[41].LineId, page.Rows[0].LineId);
        // It left the queue, so everyone behind it in its product's queue moved up one.
        var next = _all[41];
        var expectedPosition = next.ProductId == middle.ProductId ? next.Position - 1 : next.Position;
        Assert.Equal(expectedPosition, page.Rows[0].Position);
    }

    [Fact]
    public async Task PastTheCap_TheTotalSaysMoreThan()
    {
        await using (var db = _db.CreateDbContext())
        {
            var product = db.Products.First(p => p.Sku == "SKU-4");
            var customer = db.Customers.First();
            for (var i = 0; i < BackorderService.TotalCap; i++)
            {
                var order = TestData.Order(customer, $"SO-CAP-{i:0000}", Now.UtcDateTime.AddMinutes(-i));
                order.Lines.Add(new OrderLine { ProductId = product.Id, Qty = 1, QtyBackorderedAtPlacement = 1, QueuedAt = Now.UtcDateTime.AddMinutes(-i) });
                db.Add(order);
            }
            await db.SaveChangesAsync();
        }
        var page = await _service.GetQueueAsync(new QueueQuery());
        Assert.Equal(BackorderService.TotalCap, page.Total);
        Assert.True(page.TotalIsMore);
        var few = await _service.GetQueueAsync(new QueueQuery(Product: "SKU-9"));
        Assert.False(few.TotalIsMore);
        Assert.Equal(_all.Count(e => e.Sku == "SKU-9"), few.Total);
    }
}
