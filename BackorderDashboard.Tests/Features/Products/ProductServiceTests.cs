using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Products;

/// <summary>Small hand-built stores where every badge date is worked out by hand.</summary>
public class ProductServiceTests : IAsyncLifetime
{
    // 17:00 UTC = noon in New York on Nov 22; handling 1 day by default.
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Dec1 = new(2026, 12, 1);
    private static readonly DateOnly Dec10 = new(2026, 12, 10);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private ProductService _products = null!;

    public ProductServiceTests()
    {
        // Badge texts are read in American English (set here: a culture set in an async method does not flow back).
    }

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(Now));
        _products = _services.Get<ProductService>();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    /// <summary>A sold-out kettle with <paramref name="queued"/> units waiting and two purchase orders.</summary>
    private async Task SeedKettleAsync(int queued, int firstOrdered = 10, int firstReceived = 0)
    {
        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET");
        db.Add(kettle);
        db.PurchaseOrders.AddRange(
            new PurchaseOrder
            {
                Number = "PO-1", Supplier = supplier, ExpectedDate = Dec1,
                Status = firstReceived > 0 ? PurchaseOrderStatus.PartiallyReceived : PurchaseOrderStatus.Ordered,
                Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = firstOrdered, QtyReceived = firstReceived }],
            },
            new PurchaseOrder
            {
                Number = "PO-2", Supplier = supplier, ExpectedDate = Dec10, Status = PurchaseOrderStatus.Ordered,
                Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 50 }],
            });
        if (queued > 0)
        {
            var order = TestData.Order(TestData.Customer("Ada", "ada@example.com"), "SO-1", Now.UtcDateTime.AddDays(-2));
            order.Lines.Add(new OrderLine { Product = kettle, Qty = queued, QtyBackorderedAtPlacement = queued, QueuedAt = order.PlacedAt,
                PromisedShipDate = Dec1.AddDays(1), CurrentEta = Dec1.AddDays(1) });
            db.Add(order);
        }
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task PartialReceipt_OnlyTheUnitsStillToComeCount()
    {
        // PO-1 ordered 10, 6 already received: 4 to come. 3 queued → the 4th unit still comes on PO-1.
        await SeedKettleAsync(queued: 3, firstOrdered: 10, firstReceived: 6);

        var detail = (await _products.GetDetailAsync("KET"))!;

        Assert.Equal(4 + 50, detail.Stock.InboundUnits);
        Assert.Equal("Backordered – ships Dec 2", detail.Availability.BadgeText);
    }

    [Fact]
    public async Task PartialReceipt_QueueClaimsTheRest_BadgeMovesToTheNextOrder()
    {
        await SeedKettleAsync(queued: 4, firstOrdered: 10, firstReceived: 6);

        var detail = (await _products.GetDetailAsync("KET"))!;

        Assert.Equal("Backordered – ships Dec 11", detail.Availability.BadgeText);
        var line = Assert.Single(detail.Queue);
        Assert.Equal(Dec1.AddDays(1), line.Eta); // the queued line itself is covered by PO-1
        Assert.False(line.Late);
    }

    [Fact]
    public async Task Page_ShowsTheSameDateAsTheDetail()
    {
        await SeedKettleAsync(queued: 12);

        var row = Assert.Single((await _products.GetPageAsync(new ProductQuery(Filter: ProductFilter.Backordered))).Rows);
        var detail = (await _products.GetDetailAsync("KET"))!;

        Assert.Equal("Backordered – ships Dec 11", row.Availability.BadgeText);
        Assert.Equal(detail.Availability, row.Availability);
        Assert.Equal(12, row.BackorderedUnits);
        Assert.Equal(60, row.Inbound);
    }

    [Fact]
    public async Task Detail_QueueLineBeyondItsPromise_IsLate()
    {
        // 12 queued: PO-1 (10) can't cover the line, so it waits for PO-2, past its promised Dec 2.
        await SeedKettleAsync(queued: 12);

        var line = Assert.Single((await _products.GetDetailAsync("KET"))!.Queue);

        Assert.Equal(Dec10.AddDays(1), line.Eta);
        Assert.True(line.Late);
    }

    [Fact]
    public async Task Detail_UnknownSku_IsNull()
    {
        Assert.Null(await _products.GetDetailAsync("NOPE"));
    }

    [Fact]
    public async Task UpdatePolicy_NotAllowed_ChangesTheBadgeButNotTheOrdersTaken()
    {
        await SeedKettleAsync(queued: 3);
        await using var before = _db.CreateDbContext();
        var lineBefore = await before.OrderLines.AsNoTracking().SingleAsync();
        var input = ProductService.ToInput((await _products.GetDetailAsync("KET"))!);
        input.BackorderPolicy = BackorderPolicy.NotAllowed;

        var errors = await _products.UpdatePolicyAsync("KET", input, TestActors.Merchant);

        Assert.Empty(errors);
        var detail = (await _products.GetDetailAsync("KET"))!;
        Assert.Equal(AvailabilityStatus.OutOfStock, detail.Availability.Status);
        await using var after = _db.CreateDbContext();
        var lineAfter = await after.OrderLines.AsNoTracking().SingleAsync();
        Assert.Equivalent(lineBefore, lineAfter);
        Assert.Single(detail.Queue);
    }

    [Theory]
    [InlineData(-1, null, null, false, nameof(ProductPolicyInput.BackorderCap))]
    [InlineData(null, -2, null, false, nameof(ProductPolicyInput.LowStockThreshold))]
    [InlineData(null, null, -3, false, nameof(ProductPolicyInput.HandlingDays))]
    [InlineData(null, null, null, true, nameof(ProductPolicyInput.PreorderReleaseDate))]
    public async Task UpdatePolicy_BadValue_IsRefusedAtItsFieldAndNothingChanges(int? cap, int? threshold, int? handling, bool preorderWithoutDate, string field)
    {
        await SeedKettleAsync(queued: 0);
        var input = new ProductPolicyInput
        {
            BackorderPolicy = BackorderPolicy.NotAllowed, BackorderCap = cap, LowStockThreshold = threshold, HandlingDays = handling,
            IsPreorder = preorderWithoutDate,
        };

        var errors = await _products.UpdatePolicyAsync("KET", input, TestActors.Merchant);

        Assert.True(errors.ContainsKey(field), string.Join(", ", errors.Keys));
        await using var db = _db.CreateDbContext();
        Assert.Equal(BackorderPolicy.Allowed, (await db.Products.SingleAsync()).BackorderPolicy);
    }

    [Fact]
    public async Task UpdatePolicy_PreorderWithDate_ShowsTheRelease()
    {
        await SeedKettleAsync(queued: 0);
        var input = ProductService.ToInput((await _products.GetDetailAsync("KET"))!);
        input.IsPreorder = true;
        input.PreorderReleaseDate = new DateTime(2027, 1, 10);

        Assert.Empty(await _products.UpdatePolicyAsync("KET", input, TestActors.Merchant));

        Assert.Equal("Pre-order – releases Jan 10", (await _products.GetDetailAsync("KET"))!.Availability.BadgeText);
    }
}
