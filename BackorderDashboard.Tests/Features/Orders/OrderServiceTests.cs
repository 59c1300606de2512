using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Tests.TestSupport;

namespace BackorderDashboard.Tests.Features.Orders;

/// <summary>
/// Zoe's order SO-ZOE: a mug she has received, a plate she cancelled, and 2 kettles waiting behind Amy (3 kettles)
/// and Bob (1 kettle, expedited). Amy's own order ships complete with a bowl set aside and a kettle still missing.
/// </summary>
public class OrderServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private OrderService _orders = null!;
    private BackorderService _backorders = null!;
    private FixedTimeProvider _time = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _time = new FixedTimeProvider(Now);
        _services = TestServices.Create(_db, _time);
        _orders = _services.Get<OrderService>();
        _backorders = _services.Get<BackorderService>();

        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET");
        var mug = TestData.Product(category, supplier, "MUG");
        var plate = TestData.Product(category, supplier, "PLA");
        var bowl = TestData.Product(category, supplier, "BOW", onHand: 1, allocated: 1);
        db.AddRange(kettle, mug, plate, bowl);
        var start = Now.UtcDateTime.AddDays(-10);
        var amy = TestData.Order(TestData.Customer("Amy", "amy@example.com"), "SO-AMY", start);
        amy.ShipPolicy = ShipPolicy.ShipComplete;
        amy.Lines.Add(new OrderLine { Product = kettle, Qty = 3, QueuedAt = start, QtyBackorderedAtPlacement = 3, PromisedShipDate = new(2026, 12, 1), CurrentEta = new(2026, 12, 1) });
        amy.Lines.Add(new OrderLine { Product = bowl, Qty = 1, QtyAllocated = 1 });
        var bob = TestData.Order(TestData.Customer("Bob", "bob@example.com"), "SO-BOB", start.AddDays(2));
        bob.Lines.Add(new OrderLine { Product = kettle, Qty = 1, Priority = QueuePriority.Expedited, QueuedAt = start.AddDays(2),
            QtyBackorderedAtPlacement = 1, PromisedShipDate = new(2026, 12, 1), CurrentEta = new(2026, 12, 1) });
        var zoe = TestData.Order(TestData.Customer("Zoe", "zoe@example.com", "555-0100"), "SO-ZOE", start.AddDays(1));
        zoe.Lines.Add(new OrderLine { Product = mug, Qty = 1, QtyShipped = 1 });
        zoe.Lines.Add(new OrderLine { Product = plate, Qty = 2, QtyCancelled = 2 });
        zoe.Lines.Add(new OrderLine { Product = kettle, Qty = 2, QueuedAt = start.AddDays(1), QtyBackorderedAtPlacement = 2,
            PromisedShipDate = new(2026, 12, 1), CurrentEta = new(2026, 12, 3) });
        db.AddRange(amy, bob, zoe);
        await db.SaveChangesAsync();
        db.Record(zoe.Id, OrderEventKind.Placed, "Order placed by web: 3 line(s).", TestActors.Merchant, start.AddDays(1));
        db.Record(zoe.Id, OrderEventKind.Backordered, "2 × Product KET backordered.", TestActors.Merchant, start.AddDays(1));
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Get_EachLineHasItsStatusAndWaitingLinesTheirPlaceInLine()
    {
        var order = await _orders.GetAsync(" so-zoe ".Trim().ToUpperInvariant());

        Assert.NotNull(order);
        Assert.Equal(("Zoe", "zoe@example.com", "555-0100"), (order.CustomerName, order.CustomerEmail, order.CustomerPhone));
        var byS = order.Lines.ToDictionary(l => l.Sku);
        Assert.Equal(LineStatus.Shipped, byS["MUG"].Status);
        Assert.Equal(LineStatus.Cancelled, byS["PLA"].Status);
        Assert.False(byS["PLA"].Open);
        var kettle = byS["KET"];
        Assert.Equal(LineStatus.Backordered, kettle.Status);
        // Bob (expedited) then Amy (queued first) are ahead: 4 units.
        Assert.Equal((3, 4), (kettle.Position!.Value, kettle.UnitsAhead!.Value));
        Assert.Equal("3rd in line, 4 units ahead", kettle.PlaceInLine);
        Assert.True(kettle.Late);
        Assert.Null(byS["MUG"].PlaceInLine);
    }

    [Fact]
    public async Task Get_ShipCompleteOrder_SetAsideLineIsHeldForTheRest()
    {
        var order = await _orders.GetAsync("SO-AMY");

        var lines = order!.Lines.ToDictionary(l => l.Sku);
        Assert.Equal(LineStatus.HeldForRest, lines["BOW"].Status);
        Assert.Equal("2nd in line, 1 unit ahead", lines["KET"].PlaceInLine);
    }

    [Fact]
    public async Task Get_UnknownNumber_IsNull() => Assert.Null(await _orders.GetAsync("SO-NOBODY"));

    [Fact]
    public async Task Get_AuthorizationExpiringBeforeAWaitingLinesEta_IsFlagged()
    {
        // Authorized Nov 13 for 7 days; the kettle ships Dec 3.
        Assert.True((await _orders.GetAsync("SO-ZOE"))!.AuthorizationExpiresBeforeEta);
    }

    [Fact]
    public async Task Timeline_ListsChangesInOrderWithTheMessagesTheyCaused()
    {
        var order = await _orders.GetAsync("SO-ZOE");
        var kettle = order!.Lines.Single(l => l.Sku == "KET");
        Assert.True((await _backorders.AddConsolationAsync(order.Id, ConsolationKind.FreeShipping, null, null, "Late kettle", TestActors.Support)).Succeeded);
        _time.Now = Now.AddMinutes(5);
        Assert.True((await _backorders.CancelAsync(kettle.LineId, kettle.Version, "Bought elsewhere", joinWaitlist: false, TestActors.Support)).Succeeded);

        order = await _orders.GetAsync("SO-ZOE");

        Assert.Equal(["Placed", "Backordered", "Consolation", "Message to customer", "Cancelled", "Message to customer"],
            order!.Timeline.Select(t => t.Title));
        Assert.Equal(order.Timeline.OrderBy(t => t.At).Select(t => t.At), order.Timeline.Select(t => t.At));
        var cancelMessage = order.Timeline[^1];
        Assert.Contains("cancelled from order SO-ZOE", cancelMessage.Detail);
        Assert.Contains("Bought elsewhere", cancelMessage.MessageBody);
        Assert.Equal(MessageState.Pending, cancelMessage.MessageState);
        Assert.Equal("support@example.com", order.Timeline[4].By);
        Assert.Equal("free shipping", Assert.Single(order.Consolations).What);
        Assert.Equal(LineStatus.Cancelled, order.Lines.Single(l => l.Sku == "KET").Status);
        Assert.False(order.HasWaitingLines);
    }

    [Fact]
    public async Task WaitingOn_IsThePurchaseOrderBringingEachLinesLastUnit_OrTheLeadTimeBeyondThem()
    {
        // Queue: Bob 1 (expedited), Amy 3, Zoe 2. PO-A brings 3 on Dec 1, PO-B 2 on Dec 3: units 1-3 on A, 4-5 on B, 6 on nothing.
        await using (var db = _db.CreateDbContext())
        {
            var kettle = db.Products.Single(p => p.Sku == "KET");
            var supplier = db.Suppliers.Single();
            db.PurchaseOrders.AddRange(
                new PurchaseOrder { Number = "PO-B", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, ExpectedDate = new(2026, 12, 3),
                    Lines = [new PurchaseOrderLine { ProductId = kettle.Id, QtyOrdered = 2 }] },
                new PurchaseOrder { Number = "PO-A", Supplier = supplier, Status = PurchaseOrderStatus.PartiallyReceived, ExpectedDate = new(2026, 12, 1),
                    Lines = [new PurchaseOrderLine { ProductId = kettle.Id, QtyOrdered = 5, QtyReceived = 2 }] },
                new PurchaseOrder { Number = "PO-DRAFT", Supplier = supplier, Status = PurchaseOrderStatus.Draft, ExpectedDate = new(2026, 11, 25),
                    Lines = [new PurchaseOrderLine { ProductId = kettle.Id, QtyOrdered = 50 }] });
            await db.SaveChangesAsync();
        }

        WaitingOn? Of(string number) => _orders.GetAsync(number).Result!.Lines.Single(l => l.Sku == "KET").WaitingOn;

        Assert.Equal(("PO-A", new DateOnly(2026, 12, 1)), (Of("SO-BOB")!.PurchaseOrderNumber, Of("SO-BOB")!.Expected));
        Assert.Equal("PO-B", Of("SO-AMY")!.PurchaseOrderNumber);
        Assert.Same(WaitingOn.LeadTime, Of("SO-ZOE"));
        // Lines not waiting wait on nothing.
        AssertAll.NonEmpty((await _orders.GetAsync("SO-ZOE"))!.Lines.Where(l => l.Sku != "KET"), l => Assert.Null(l.WaitingOn));
    }

    [Fact]
    public async Task SuggestedAnswer_SaysWhereEachItemStands_InTheCustomersWords()
    {
        var zoe = (await _orders.GetAsync("SO-ZOE"))!;
        Assert.Equal("Your Product MUG shipped. Your 2 × Product PLA were cancelled: you are not charged for them, and the hold on your card for them is released. "
            + "Your 2 × Product KET ship around Dec 3 (later than the Dec 1 we first said, sorry); you are 3rd in line.", zoe.SuggestedAnswer);
        Assert.Equal(["shipped", "cancelled", "ships around Dec 3 (later than the Dec 1 we first said, sorry); you are 3rd in line"],
            zoe.ItemStatuses.Select(i => i.Status));

        var amy = (await _orders.GetAsync("SO-AMY"))!;
        Assert.Equal("Your 3 × Product KET ship around Dec 1; you are 2nd in line. "
            + "Your Product BOW is set aside for you and ships together with the rest of your order.", amy.SuggestedAnswer);
    }

    [Theory]
    [InlineData(1, "1st")]
    [InlineData(2, "2nd")]
    [InlineData(3, "3rd")]
    [InlineData(4, "4th")]
    [InlineData(11, "11th")]
    [InlineData(12, "12th")]
    [InlineData(13, "13th")]
    [InlineData(21, "21st")]
    [InlineData(102, "102nd")]
    [InlineData(111, "111th")]
    public void Ordinal_UsesEnglishSuffixes(int n, string expected) => Assert.Equal(expected, OrderLineView.Ordinal(n));
}
