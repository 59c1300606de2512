using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Orders;

public class OrderIntakeServiceTests : IAsyncLifetime
{
    // 17:00 UTC = noon in New York on Nov 22; handling 1 day by default.
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Dec1 = new(2026, 12, 1);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private OrderIntakeService _intake = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(Now));
        _intake = _services.Get<OrderIntakeService>();
        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET", onHand: 3);
        var capped = TestData.Product(category, supplier, "CAP");
        capped.BackorderCap = 2;
        var never = TestData.Product(category, supplier, "NOBO", onHand: 1);
        never.BackorderPolicy = BackorderPolicy.NotAllowed;
        var gone = TestData.Product(category, supplier, "GONE");
        gone.Discontinued = true;
        db.AddRange(kettle, capped, never, gone);
        db.PurchaseOrders.Add(new PurchaseOrder
        {
            Number = "PO-1", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, ExpectedDate = Dec1,
            Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 10 }],
        });
        db.StockLedger.AddRange(
            new StockLedgerEntry { Product = kettle, OnHandDelta = 3, Reason = StockReason.Import, At = Now.UtcDateTime.AddDays(-10) },
            new StockLedgerEntry { Product = never, OnHandDelta = 1, Reason = StockReason.Import, At = Now.UtcDateTime.AddDays(-10) });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private static NewOrderInput Order(params (string Sku, int Qty)[] lines) => new()
    {
        CustomerName = "Ada Lovelace",
        CustomerEmail = "ada@example.com",
        Lines = lines.Select(l => new NewOrderLineInput { Sku = l.Sku, Qty = l.Qty }).ToList(),
    };

    [Fact]
    public async Task Place_MoreThanInStock_TakesStockFirstAndBackordersTheRestWithADate()
    {
        var result = await _intake.PlaceAsync(Order(("KET", 5)), TestActors.Support);

        Assert.True(result.Succeeded, string.Join(" ", result.Errors));
        var line = Assert.Single(result.Lines);
        Assert.Equal((3, 2), (line.FromStock, line.Backordered));
        Assert.Equal(Dec1.AddDays(1), line.Eta);

        await using var db = _db.CreateDbContext();
        var stored = await db.OrderLines.Include(l => l.Order).SingleAsync();
        Assert.Equal((3, 2, 2), (stored.QtyAllocated, stored.QtyUnfilled, stored.QtyBackorderedAtPlacement));
        Assert.Equal(Dec1.AddDays(1), stored.PromisedShipDate);
        Assert.Equal(stored.PromisedShipDate, stored.CurrentEta);
        Assert.Equal(Now.UtcDateTime.AddDays(7), stored.Order.PaymentAuthorizationExpiresAt);
        var kettle = await db.Products.SingleAsync(p => p.Sku == "KET");
        Assert.Equal(3, kettle.Allocated);
        Assert.Equal(kettle.Allocated, await db.StockLedger.Where(e => e.ProductId == kettle.Id).SumAsync(e => e.AllocatedDelta));
        var message = await db.Outbox.SingleAsync();
        Assert.Equal(MessageKind.BackorderConfirmation, message.Kind);
        Assert.Equal("ada@example.com", message.ToEmail);
        Assert.Contains("3 ship now, 2 on backorder, expected to ship Dec 2", message.BodyText);
        Assert.Contains(await db.OrderEvents.Select(e => e.Kind).ToListAsync(), k => k == OrderEventKind.Backordered);
    }

    [Fact]
    public async Task PlaceOneIn_FromAnotherSystem_KeepsItsPaymentAndTier_AndCommitsOnlyWithTheCaller()
    {
        var authorized = Now.UtcDateTime.AddHours(-2);
        var request = new IntakeRequest("Grace Hopper", "grace@example.com", null, ShipPolicy.ShipAvailable, OrderChannel.Api, Now.UtcDateTime,
            [new IntakeLine("KET", 4, 1234)], "WEB-1", authorized, authorized.AddDays(2), CustomerTier.Vip);
        var api = Actor.ApiKey("Shop", [Access.Scopes.OrdersWrite]);

        await using (var db = _db.CreateDbContext())
        {
            await using var tx = await db.BeginWriteAsync();
            var result = await _intake.PlaceOneInAsync(db, request, api);

            Assert.True(result.Succeeded, string.Join(" ", result.Errors));
            var line = Assert.Single(result.Lines);
            Assert.Equal((3, 1, Dec1.AddDays(1), Dec1.AddDays(1)), (line.FromStock, line.Backordered, line.Eta, line.Promised));
            await tx.CommitAsync();
        }

        await using var check = _db.CreateDbContext();
        var order = await check.Orders.Include(o => o.Customer).SingleAsync();
        Assert.Equal((authorized, authorized.AddDays(2)), (order.PaymentAuthorizedAt, order.PaymentAuthorizationExpiresAt));
        Assert.Equal((CustomerTier.Vip, OrderChannel.Api, "WEB-1"), (order.Customer.Tier, order.Channel, order.ExternalNumber));
        Assert.Equal("API key Shop", await check.OrderEvents.Select(e => e.UserName).FirstAsync());
    }

    [Theory]
    [InlineData("MISSING", "There is no product with SKU MISSING.")]
    [InlineData("NOBO", "can't be backordered")]
    [InlineData("GONE", "discontinued")]
    public async Task PlaceOneIn_LineThatCantBeTaken_NamesItsSku_AndStoresNothing(string sku, string why)
    {
        var request = new IntakeRequest("Grace Hopper", "grace@example.com", null, ShipPolicy.ShipAvailable, OrderChannel.Api, Now.UtcDateTime,
            [new IntakeLine("KET", 1), new IntakeLine(sku, 2)]);

        await using var db = _db.CreateDbContext();
        await using var tx = await db.BeginWriteAsync();
        var result = await _intake.PlaceOneInAsync(db, request, Actor.ApiKey("Shop", [Access.Scopes.OrdersWrite]));
        await tx.CommitAsync();

        Assert.False(result.Succeeded);
        Assert.False(result.Refused);
        var problem = Assert.Single(result.LineProblems);
        Assert.Equal(sku, problem.Sku);
        Assert.Contains(why, problem.Message);
        await using var check = _db.CreateDbContext();
        Assert.Equal(0, await check.Orders.CountAsync());
    }

    [Fact]
    public async Task PlaceOneIn_KeyWithoutTheOrdersScope_IsRefusedByThePermissionTable()
    {
        var request = new IntakeRequest("Grace Hopper", "grace@example.com", null, ShipPolicy.ShipAvailable, OrderChannel.Api, Now.UtcDateTime,
            [new IntakeLine("KET", 1)]);

        await using var db = _db.CreateDbContext();
        var result = await _intake.PlaceOneInAsync(db, request, Actor.ApiKey("Shop", [Access.Scopes.OrdersRead]));

        Assert.True(result.Refused);
        Assert.Equal(0, await db.Orders.CountAsync());
    }

    [Fact]
    public async Task Place_AllInStock_SendsNoBackorderConfirmation()
    {
        var result = await _intake.PlaceAsync(Order(("KET", 2)), TestActors.Merchant);

        Assert.True(result.Succeeded);
        await using var db = _db.CreateDbContext();
        Assert.Empty(await db.Outbox.ToListAsync());
        Assert.Null((await db.OrderLines.SingleAsync()).QueuedAt);
    }

    [Theory]
    [InlineData("NOPE", 1, "There is no product with SKU NOPE.")]
    [InlineData("KET", 0, "The quantity for KET must be at least 1.")]
    [InlineData("KET", -2, "The quantity for KET must be at least 1.")]
    [InlineData("NOBO", 3, "Product NOBO (NOBO) can't be backordered. Only 1 in stock.")]
    [InlineData("CAP", 3, "Product CAP (CAP): only 2 more can be backordered (limit 2).")]
    [InlineData("GONE", 1, "Product GONE (GONE) is discontinued and can't be backordered.")]
    public async Task Place_BadLine_RefusesTheWholeOrderAndStoresNothing(string sku, int qty, string error)
    {
        var result = await _intake.PlaceAsync(Order(("KET", 1), (sku, qty)), TestActors.Merchant);

        Assert.False(result.Succeeded);
        Assert.Contains(error, result.Errors);
        await using var db = _db.CreateDbContext();
        Assert.Empty(await db.Orders.ToListAsync());
        Assert.Empty(await db.Outbox.ToListAsync());
        Assert.Equal(0, (await db.Products.SingleAsync(p => p.Sku == "KET")).Allocated);
        Assert.Equal(0, await db.StockLedger.CountAsync(e => e.Reason == StockReason.Allocation));
    }

    [Fact]
    public async Task Place_NoCustomerOrNoLines_SaysWhatIsMissing()
    {
        var result = await _intake.PlaceAsync(new NewOrderInput(), TestActors.Merchant);

        Assert.Contains("Enter the customer's name.", result.Errors);
        Assert.Contains("Add at least one product to the order.", result.Errors);
    }

    [Fact]
    public async Task Place_CapReachedByEarlierOrders_RefusesTheNext()
    {
        Assert.True((await _intake.PlaceAsync(Order(("CAP", 2)), TestActors.Merchant)).Succeeded);

        var second = await _intake.PlaceAsync(Order(("CAP", 1)), TestActors.Merchant);

        Assert.Contains("Product CAP (CAP) has reached its backorder limit of 2 units.", second.Errors);
    }

    [Fact]
    public async Task Place_ManyAtOnceOnTheLastUnits_NeverAllocatesAUnitTwice()
    {
        // NOBO has one unit and takes no backorders: of twenty orders placed at the same moment, each on its own
        // thread, exactly one can have it; the others are refused for that reason (not by an error).
        var results = await AtOnce.ValuesAsync(Enumerable.Range(0, 20).Select(i => (Func<Task<IntakeResult>>)(() =>
            _intake.PlaceAsync(new NewOrderInput
            {
                CustomerName = $"Customer {i}", CustomerEmail = $"c{i}@example.com",
                Lines = [new NewOrderLineInput { Sku = "NOBO", Qty = 1 }],
            }, TestActors.Merchant))).ToList());

        Assert.Equal(1, results.Count(r => r.Succeeded));
        var refused = results.Where(r => !r.Succeeded).ToList();
        Assert.Equal(19, refused.Count);
        AssertAll.NonEmpty(refused, r => Assert.Contains(r.Errors, e => e.Contains("NOBO") && e.Contains("backorder", StringComparison.OrdinalIgnoreCase)));
        await using var db = _db.CreateDbContext();
        var product = await db.Products.SingleAsync(p => p.Sku == "NOBO");
        Assert.Equal(1, product.Allocated);
        Assert.True(product.Allocated <= product.OnHand);
        Assert.Equal(product.Allocated, await db.StockLedger.Where(e => e.ProductId == product.Id).SumAsync(e => e.AllocatedDelta));
        Assert.Equal(1, await db.Orders.CountAsync());
    }

    [Fact]
    public async Task Place_ParallelOrdersOnOneProduct_QueueInOrderWithUniqueNumbers()
    {
        // Twelve orders at the same moment, each on its own thread: the first three take the stock, the rest queue.
        var results = await AtOnce.ValuesAsync(Enumerable.Range(0, 12).Select(i => (Func<Task<IntakeResult>>)(() =>
            _intake.PlaceAsync(new NewOrderInput
            {
                CustomerName = $"Customer {i}", CustomerEmail = $"c{i}@example.com",
                Lines = [new NewOrderLineInput { Sku = "KET", Qty = 1 }],
            }, TestActors.Merchant))).ToList());

        AssertAll.NonEmpty(results, r => Assert.True(r.Succeeded, string.Join(" ", r.Errors)));
        Assert.Equal(12, results.Select(r => r.OrderNumber).Distinct().Count());
        await using var db = _db.CreateDbContext();
        var kettle = await db.Products.SingleAsync(p => p.Sku == "KET");
        Assert.Equal(3, kettle.Allocated);
        Assert.Equal(9, await db.OrderLines.SumAsync(l => l.QtyUnfilled));
        AssertAll.NonEmpty(await db.OrderLines.ToListAsync(), l => Assert.Equal(l.Qty, l.QtyAllocated + l.QtyShipped + l.QtyCancelled + l.QtyUnfilled));
    }

    [Fact]
    public async Task Place_VipFirstByStoreSetting_PassesTheQueueAndThePassedCustomerHearsOfTheDelay()
    {
        await using (var db = _db.CreateDbContext())
        {
            db.MerchantSettings.Add(new MerchantSettings { TimeZoneId = "America/New_York", VipFirstInQueue = true });
            db.Customers.Add(new Customer { Name = "Vera", Email = "vera@example.com", Tier = CustomerTier.Vip });
            await db.SaveChangesAsync();
        }
        // Bob: 3 from stock, 9 wait for the 10 on PO-1 (Dec 1) → promised Dec 2.
        var bob = await _intake.PlaceAsync(new NewOrderInput { CustomerName = "Bob", CustomerEmail = "bob@example.com",
            Lines = [new NewOrderLineInput { Sku = "KET", Qty = 12 }] }, TestActors.Merchant);
        Assert.Equal(Dec1.AddDays(1), bob.Lines.Single().Eta);

        // Vera (VIP) goes ahead of Bob: she gets PO-1's units, Bob now waits beyond what is on order.
        var vera = await _intake.PlaceAsync(new NewOrderInput { CustomerName = "Vera", CustomerEmail = "vera@example.com",
            Lines = [new NewOrderLineInput { Sku = "KET", Qty = 2 }] }, TestActors.Merchant);

        Assert.Equal(Dec1.AddDays(1), vera.Lines.Single().Eta);
        await using var check = _db.CreateDbContext();
        var bobLine = await check.OrderLines.SingleAsync(l => l.Order.Number == bob.OrderNumber);
        Assert.Equal(Dec1.AddDays(1), bobLine.PromisedShipDate);
        Assert.True(bobLine.CurrentEta > bobLine.PromisedShipDate);
        var delay = await check.Outbox.SingleAsync(m => m.Kind == MessageKind.Delay);
        Assert.Equal("bob@example.com", delay.ToEmail);
    }
}
