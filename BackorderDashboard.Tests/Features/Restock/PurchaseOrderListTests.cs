using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Restock;
using BackorderDashboard.Tests.TestSupport;

namespace BackorderDashboard.Tests.Features.Restock;

/// <summary>
/// The purchase order list paged by its key: walking Next from the first page and Previous back gives every order
/// the filters match once, in the list's order (open first, then expected date, then id), with any filter.
/// </summary>
public class PurchaseOrderListTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 11, 22);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private PurchaseOrderService _purchaseOrders = null!;
    private List<(int Id, int SupplierId, PurchaseOrderStatus Status, DateOnly Expected)> _all = [];

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(Now));
        _purchaseOrders = _services.Get<PurchaseOrderService>();
        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var other = new Supplier { Name = "Other supplier" };
        var kettle = TestData.Product(category, supplier, "KET");
        db.AddRange(other, kettle);
        var statuses = Enum.GetValues<PurchaseOrderStatus>();
        // 47 orders: every status, dates from the past to the future with many on the same day (ties broken by id).
        var pos = Enumerable.Range(0, 47).Select(i => new PurchaseOrder
        {
            Number = $"PO-{i:000}", Supplier = i % 3 == 0 ? other : supplier, Status = statuses[(i * 7) % statuses.Length],
            OrderedAt = Now.UtcDateTime.AddDays(-20), ExpectedDate = Today.AddDays((i * 5) % 9 - 4),
            Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 1 + i }],
        }).ToList();
        db.PurchaseOrders.AddRange(pos);
        await db.SaveChangesAsync();
        _all = pos.Select(p => (p.Id, p.SupplierId, p.Status, p.ExpectedDate)).ToList();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    public static TheoryData<string> Filters() => ["none", "supplier", "status", "overdue", "search", "supplier+status"];

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task List_NextThenPrevious_VisitsEveryMatchOnceInListOrder(string filter)
    {
        var otherSupplier = _all[0].SupplierId;
        var query = filter switch
        {
            "supplier" => new PurchaseOrderQuery(SupplierId: otherSupplier),
            "status" => new PurchaseOrderQuery(Status: PurchaseOrderStatus.Ordered),
            "overdue" => new PurchaseOrderQuery(OverdueOnly: true),
            "search" => new PurchaseOrderQuery(Search: "PO-01"),
            "supplier+status" => new PurchaseOrderQuery(SupplierId: otherSupplier, Status: PurchaseOrderStatus.Received),
            _ => new PurchaseOrderQuery(),
        };
        var expected = _all
            .Where(p => query.SupplierId is not { } s || p.SupplierId == s)
            .Where(p => query.Status is not { } st || p.Status == st)
            .Where(p => !query.OverdueOnly || p.Status.IsOverdue(p.Expected, Today))
            .Where(p => query.Search is null || $"PO-{_all.IndexOf(p):000}".Contains(query.Search))
            .OrderBy(p => p.Status is PurchaseOrderStatus.Received or PurchaseOrderStatus.Cancelled).ThenBy(p => p.Expected).ThenBy(p => p.Id)
            .Select(p => p.Id).ToList();
        Assert.NotEmpty(expected);

        var pages = new List<PurchaseOrderList> { await _purchaseOrders.ListAsync(query with { PageSize = 4 }) };
        while (pages[^1].HasNext)
        {
            pages.Add(await _purchaseOrders.ListAsync(query with { PageSize = 4, After = pages[^1].Rows[^1].Id }));
            Assert.True(pages.Count < 50, "the pages never end");
        }
        var back = new List<PurchaseOrderList> { pages[^1] };
        while (back[^1].HasPrevious)
        {
            back.Add(await _purchaseOrders.ListAsync(query with { PageSize = 4, Before = back[^1].Rows[0].Id }));
            Assert.True(back.Count < 50, "the pages never end");
        }

        Assert.Equal(expected, pages.SelectMany(p => p.Rows).Select(r => r.Id));
        Assert.Equal(expected.Count, pages[0].Total);
        Assert.False(pages[0].HasPrevious);
        Assert.All(pages.SkipLast(1), p => Assert.Equal(4, p.Rows.Count));
        Assert.Equal(pages.Select(p => p.Rows.Select(r => r.Id).ToList()), Enumerable.Reverse(back).Select(p => p.Rows.Select(r => r.Id).ToList()));
    }

    [Theory]
    [InlineData(true, "kettle")]
    [InlineData(true, null)]
    [InlineData(false, "kettle")]
    public async Task List_EveryFilterAtOnceFromAnyOrder_ReadsAPage(bool overdue, string? search)
    {
        foreach (var (id, supplier, _, _) in _all)
        {
            var page = await _purchaseOrders.ListAsync(new PurchaseOrderQuery(SupplierId: supplier, OverdueOnly: overdue, Search: search, After: id, PageSize: 5));
            Assert.All(page.Rows, r => Assert.True(!overdue || r.Overdue));
        }
    }

    [Fact]
    public async Task List_AfterAnOrderThatIsGone_StartsAtTheFirstPage()
    {
        var first = await _purchaseOrders.ListAsync(new PurchaseOrderQuery(PageSize: 5));

        var unknown = await _purchaseOrders.ListAsync(new PurchaseOrderQuery(PageSize: 5, After: 99_999));
        var back = await _purchaseOrders.ListAsync(new PurchaseOrderQuery(PageSize: 5, Before: first.Rows[2].Id));

        Assert.Equal(first.Rows.Select(r => r.Id), unknown.Rows.Select(r => r.Id));
        Assert.False(unknown.HasPrevious);
        // Two orders before the third: the first page, whole.
        Assert.Equal(first.Rows.Select(r => r.Id), back.Rows.Select(r => r.Id));
    }

    [Fact]
    public void ListCount_BeyondTheCap_SaysMoreThan()
    {
        Assert.Equal("1 purchase order", ListCount.Of(1).Text("purchase order", "purchase orders"));
        Assert.Equal("1,000 purchase orders", ListCount.Of(1000).Text("purchase order", "purchase orders"));
        Assert.Equal("more than 1,000 purchase orders", ListCount.Of(1001).Text("purchase order", "purchase orders"));
        Assert.Equal("1,000+", ListCount.Of(1001).Short);
    }
}
