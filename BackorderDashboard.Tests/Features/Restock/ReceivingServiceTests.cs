using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Restock;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Restock;

/// <summary>
/// Kettles: none in stock; waiting in order Ann 2, Bob 1 (ships complete, also waits for a mug none of which is
/// free), Cat 3, Dan 1. Eve is on the waitlist. PO-1 brings 4 kettles Dec 1, PO-2 brings 10 on Dec 10; one handling
/// day. So Ann and Bob were promised Dec 2, Cat (her last unit on PO-2) and Dan Dec 11.
/// </summary>
public class ReceivingServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Dec2 = new(2026, 12, 2);
    private static readonly DateOnly Dec11 = new(2026, 12, 11);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private ReceivingService _receiving = null!;
    private PurchaseOrderService _purchaseOrders = null!;
    private int _po1;
    private int _po2;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(Now));
        _receiving = _services.Get<ReceivingService>();
        _purchaseOrders = _services.Get<PurchaseOrderService>();

        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET");
        var mug = TestData.Product(category, supplier, "MUG");
        db.AddRange(kettle, mug);
        var po1 = new PurchaseOrder { Number = "PO-1", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, OrderedAt = Now.UtcDateTime.AddDays(-10),
            ExpectedDate = new DateOnly(2026, 12, 1), OriginalExpectedDate = new DateOnly(2026, 12, 1), Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 4 }] };
        var po2 = new PurchaseOrder { Number = "PO-2", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, OrderedAt = Now.UtcDateTime.AddDays(-5),
            ExpectedDate = new DateOnly(2026, 12, 10), OriginalExpectedDate = new DateOnly(2026, 12, 10), Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 10 }] };
        db.PurchaseOrders.AddRange(po1, po2);
        var waiting = new (string Name, int Qty, DateOnly Promised)[] { ("Ann", 2, Dec2), ("Bob", 1, Dec2), ("Cat", 3, Dec11), ("Dan", 1, Dec11) };
        var i = 0;
        foreach (var (name, qty, promised) in waiting)
        {
            var placed = Now.UtcDateTime.AddDays(-5 + i++);
            var order = TestData.Order(TestData.Customer(name, $"{name.ToLowerInvariant()}@example.com"), $"SO-{name}", placed);
            order.Lines.Add(new OrderLine { Product = kettle, Qty = qty, QueuedAt = placed, QtyBackorderedAtPlacement = qty, PromisedShipDate = promised, CurrentEta = promised });
            if (name == "Bob")
            {
                order.ShipPolicy = ShipPolicy.ShipComplete;
                order.Lines.Add(new OrderLine { Product = mug, Qty = 1, QueuedAt = placed, QtyBackorderedAtPlacement = 1, PromisedShipDate = Dec2, CurrentEta = Dec2 });
            }
            db.Orders.Add(order);
        }
        db.Waitlist.Add(new WaitlistEntry { Product = kettle, Customer = TestData.Customer("Eve", "eve@example.com"), CreatedAt = Now.UtcDateTime });
        await db.SaveChangesAsync();
        (_po1, _po2) = (po1.Id, po2.Id);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private static ReceiptInput Receipt(int? po, int qty, string sku = "KET", bool over = false, string? key = null) => new()
    {
        IdempotencyKey = key ?? Guid.NewGuid().ToString("N"), PurchaseOrderId = po, AllowOverReceipt = over,
        Lines = [new ReceiptLineInput { Sku = sku, Qty = qty }],
    };

    private async Task<Dictionary<string, OrderLine>> KettleLinesAsync()
    {
        await using var db = _db.CreateDbContext();
        return await db.OrderLines.AsNoTracking().Include(l => l.Order).Where(l => l.Product.Sku == "KET").ToDictionaryAsync(l => l.Order.Number);
    }

    private async Task AssertStockAddsUpAsync()
    {
        await using var db = _db.CreateDbContext();
        foreach (var product in await db.Products.AsNoTracking().ToListAsync())
        {
            Assert.Equal(product.OnHand, await db.StockLedger.Where(e => e.ProductId == product.Id).SumAsync(e => e.OnHandDelta));
            Assert.Equal(product.Allocated, await db.StockLedger.Where(e => e.ProductId == product.Id).SumAsync(e => e.AllocatedDelta));
            Assert.Equal(product.Allocated, await db.OrderLines.Where(l => l.ProductId == product.Id).SumAsync(l => l.QtyAllocated));
            Assert.InRange(product.Allocated, 0, product.OnHand);
        }
    }

    [Fact]
    public async Task Receive_FillsTheQueueInOrder_ShipCompleteHeldWithoutBlockingTheNext()
    {
        var outcome = await _receiving.CommitAsync(Receipt(_po1, 4), TestActors.Merchant);

        Assert.True(outcome.Succeeded, string.Join(" ", outcome.Errors));
        var kettle = Assert.Single(outcome.Products);
        // Ann takes 2, Bob is held for his mug and takes nothing, Cat takes the last 2 of her 3.
        Assert.Equal([("SO-Ann", 2, true, true), ("SO-Cat", 2, false, true)], kettle.Filled.Select(f => (f.OrderNumber, f.Qty, f.Complete, f.OrderReady)));
        Assert.Equal((0, 3), (kettle.FreeAfter, kettle.StillWaiting));
        Assert.Equal(2, outcome.OrdersReady);
        var lines = await KettleLinesAsync();
        Assert.Equal((2, 0), (lines["SO-Ann"].QtyAllocated, lines["SO-Ann"].QtyUnfilled));
        Assert.Equal((0, 1), (lines["SO-Bob"].QtyAllocated, lines["SO-Bob"].QtyUnfilled));
        Assert.Equal((2, 1), (lines["SO-Cat"].QtyAllocated, lines["SO-Cat"].QtyUnfilled));
        await using var db = _db.CreateDbContext();
        var po = await db.PurchaseOrders.Include(p => p.Lines).SingleAsync(p => p.Id == _po1);
        Assert.Equal((PurchaseOrderStatus.Received, 4), (po.Status, po.Lines[0].QtyReceived));
        Assert.NotNull(po.ReceivedAt);
        Assert.Equal(2, await db.Outbox.CountAsync(m => m.Kind == MessageKind.ReadyToShip));
        Assert.Equal(0, await db.Outbox.CountAsync(m => m.Kind == MessageKind.BackInStock));
        await AssertStockAddsUpAsync();
    }

    [Fact]
    public async Task Receive_Partial_LeavesThePurchaseOrderOpenWithTheRestToCome()
    {
        var outcome = await _receiving.CommitAsync(Receipt(_po1, 1), TestActors.Merchant);

        Assert.Equal(("SO-Ann", 1, false), outcome.Products[0].Filled.Select(f => (f.OrderNumber, f.Qty, f.Complete)).Single());
        await using var db = _db.CreateDbContext();
        var po = await db.PurchaseOrders.Include(p => p.Lines).SingleAsync(p => p.Id == _po1);
        Assert.Equal((PurchaseOrderStatus.PartiallyReceived, 1), (po.Status, po.Lines[0].QtyReceived));
        Assert.Null(po.ReceivedAt);
        await AssertStockAddsUpAsync();
    }

    [Fact]
    public async Task Receive_MoreThanOrdered_IsRefusedWithoutTheFlagAndNothingIsStored()
    {
        var refused = await _receiving.CommitAsync(Receipt(_po1, 5), TestActors.Merchant);

        Assert.False(refused.Succeeded);
        Assert.Contains("1 more than ordered", Assert.Single(refused.Errors));
        await using (var db = _db.CreateDbContext())
        {
            Assert.Equal(0, await db.Products.Where(p => p.Sku == "KET").Select(p => p.OnHand).SingleAsync());
            Assert.Equal(0, await db.Receipts.CountAsync());
            Assert.Equal(0, await db.Outbox.CountAsync());
        }

        var accepted = await _receiving.CommitAsync(Receipt(_po1, 5, over: true), TestActors.Merchant);

        Assert.True(accepted.Succeeded);
        await using (var db = _db.CreateDbContext())
        {
            Assert.Equal(5, await db.PurchaseOrderLines.Where(l => l.PurchaseOrderId == _po1).Select(l => l.QtyReceived).SingleAsync());
        }
        await AssertStockAddsUpAsync();
    }

    [Theory]
    [InlineData("NOPE", 1, "There is no product with SKU “NOPE”.")]
    [InlineData("MUG", 1, "MUG is not on PO-1.")]
    [InlineData("KET", -1, "can't be negative")]
    [InlineData("KET", 0, "Enter a received quantity")]
    public async Task Receive_BadLines_AreRefusedWithTheReason(string sku, int qty, string message)
    {
        var outcome = await _receiving.CommitAsync(Receipt(_po1, qty, sku), TestActors.Merchant);

        Assert.False(outcome.Succeeded);
        Assert.Contains(outcome.Errors, e => e.Contains(message));
        await using var db = _db.CreateDbContext();
        Assert.Equal(0, await db.StockLedger.CountAsync());
    }

    [Theory]
    [InlineData(-2, "MUG: a received quantity can't be negative (-2).")]
    [InlineData(0, "MUG: 0 units. Enter a received quantity of at least 1 unit, or leave the product out.")]
    public async Task Receive_ALineBelowOneUnitBesideAGoodOne_RefusesTheWholeReceipt_NothingWritten(int qty, string message)
    {
        var input = Receipt(null, 3);
        input.Lines.Add(new ReceiptLineInput { Sku = "MUG", Qty = qty });

        var preview = await _receiving.PreviewAsync(input, TestActors.Merchant);
        var outcome = await _receiving.CommitAsync(input, TestActors.Merchant);

        Assert.Equal([message], preview.Errors);
        Assert.Equal([message], outcome.Errors);
        Assert.False(outcome.Succeeded);
        await using var db = _db.CreateDbContext();
        Assert.Equal([0, 0], await db.Products.OrderBy(p => p.Sku).Select(p => p.OnHand).ToListAsync());
        Assert.Equal(0, await db.StockLedger.CountAsync());
        Assert.Equal(0, await db.Receipts.CountAsync());
        Assert.Equal(0, await db.Outbox.CountAsync());
    }

    [Fact]
    public async Task Receive_SameReceiptPostedConcurrently_IsAppliedExactlyOnce()
    {
        var input = Receipt(_po2, 6, key: "receipt-form-42");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => _receiving.CommitAsync(input, TestActors.Merchant))));

        AssertAll.NonEmpty(outcomes, o => Assert.True(o.Succeeded, string.Join(" ", o.Errors)));
        Assert.Single(outcomes, o => !o.AlreadyApplied);
        // Every attempt shows the result of the one that was applied.
        var applied = outcomes.Single(o => !o.AlreadyApplied);
        AssertAll.NonEmpty(outcomes, o => Assert.Equal(applied.Products[0].Filled, o.Products[0].Filled));
        await using var db = _db.CreateDbContext();
        Assert.Equal(6, await db.Products.Where(p => p.Sku == "KET").Select(p => p.OnHand).SingleAsync());
        Assert.Equal(1, await db.Receipts.CountAsync());
        Assert.Equal(6, await db.PurchaseOrderLines.Where(l => l.PurchaseOrderId == _po2).Select(l => l.QtyReceived).SingleAsync());
        await AssertStockAddsUpAsync();
    }

    [Fact]
    public async Task Preview_ShowsExactlyWhatTheCommitDoes_AndStoresNothing()
    {
        var input = Receipt(_po1, 4);
        var preview = await _receiving.PreviewAsync(input, TestActors.Merchant);

        await using (var db = _db.CreateDbContext())
        {
            Assert.Equal(0, await db.Products.Where(p => p.Sku == "KET").Select(p => p.OnHand).SingleAsync());
            Assert.Equal(0, await db.Receipts.CountAsync());
            Assert.Equal(0, await db.Outbox.CountAsync());
            Assert.Equal(0, await db.OrderLines.SumAsync(l => l.QtyAllocated));
        }
        var commit = await _receiving.CommitAsync(input, TestActors.Merchant);

        Assert.False(preview.Committed);
        Assert.True(commit.Committed);
        Assert.Equal(preview.OrdersReady, commit.OrdersReady);
        Assert.Equal(preview.Products.Count, commit.Products.Count);
        for (var i = 0; i < commit.Products.Count; i++)
        {
            Assert.Equal(preview.Products[i] with { Filled = [] }, commit.Products[i] with { Filled = [] });
            Assert.Equal(preview.Products[i].Filled, commit.Products[i].Filled);
        }
    }

    [Fact]
    public async Task Receive_MoreThanTheQueueNeeds_TellsTheWaitlistOnce()
    {
        var outcome = await _receiving.CommitAsync(Receipt(null, 20), TestActors.Merchant);

        Assert.Equal(1, outcome.Products[0].WaitlistNotified);
        // Bob still waits for his mug; everyone else's kettles are set aside.
        Assert.Equal(20 - 6, outcome.Products[0].FreeAfter);
        var again = await _receiving.CommitAsync(Receipt(null, 1), TestActors.Merchant);
        Assert.Equal(0, again.Products[0].WaitlistNotified);
        await using var db = _db.CreateDbContext();
        var message = await db.Outbox.SingleAsync(m => m.Kind == MessageKind.BackInStock);
        Assert.Equal("eve@example.com", message.ToEmail);
        await AssertStockAddsUpAsync();
    }

    [Fact]
    public async Task PurchaseOrderSlip_MakesExactlyTheCoveredLinesLate_OneDelayMessageEach()
    {
        var version = (await _purchaseOrders.GetAsync(_po1))!.Version;
        var preview = await _purchaseOrders.ChangeExpectedDateAsync(_po1, version, new DateOnly(2026, 12, 20), TestActors.Merchant, commit: false);

        // PO-2 (Dec 10) now comes first and covers everyone: Ann and Bob move from Dec 2 to Dec 11.
        Assert.True(preview.Succeeded, preview.Message);
        Assert.Equal(["SO-Ann", "SO-Bob"], preview.BecomingLate.Select(l => l.OrderNumber).Order());
        Assert.Equal((2, 9), (preview.Customers, preview.MaxDaysLater));
        await using (var db = _db.CreateDbContext())
        {
            Assert.Equal(0, await db.Outbox.CountAsync());
            Assert.Equal(new DateOnly(2026, 12, 1), await db.PurchaseOrders.Where(p => p.Id == _po1).Select(p => p.ExpectedDate).SingleAsync());
        }

        var saved = await _purchaseOrders.ChangeExpectedDateAsync(_po1, version, new DateOnly(2026, 12, 20), TestActors.Merchant, commit: true);

        Assert.Equal(preview.Lines, saved.Lines);
        await using (var db = _db.CreateDbContext())
        {
            var delays = await db.Outbox.Where(m => m.Kind == MessageKind.Delay).Select(m => m.ToEmail).OrderBy(e => e).ToListAsync();
            Assert.Equal(["ann@example.com", "bob@example.com"], delays);
            Assert.Contains("Dec 11", (await db.Outbox.FirstAsync(m => m.ToEmail == "ann@example.com")).BodyText);
            var lines = await KettleLinesAsync();
            AssertAll.NonEmpty(lines.Values, l => Assert.Equal(Dec11, l.CurrentEta));
        }

        // A stale version is refused.
        var stale = await _purchaseOrders.ChangeExpectedDateAsync(_po1, version, new DateOnly(2026, 12, 25), TestActors.Merchant, commit: true);
        Assert.False(stale.Succeeded);
    }

    [Fact]
    public async Task PurchaseOrderCancel_LinesFallBackToTheNextSupply()
    {
        var version = (await _purchaseOrders.GetAsync(_po2))!.Version;

        var impact = await _purchaseOrders.CancelAsync(_po2, version, "Supplier out of business", TestActors.Merchant, commit: true);

        // Cat and Dan waited on PO-2; now the supplier's 14-day quote: Dec 6, plus a handling day.
        Assert.True(impact.Succeeded, impact.Message);
        Assert.Equal(["SO-Cat", "SO-Dan"], impact.Lines.Select(l => l.OrderNumber).Order());
        AssertAll.NonEmpty(impact.Lines, l => Assert.True(l.DaysMoved < 0));
        await using var db = _db.CreateDbContext();
        Assert.Equal(PurchaseOrderStatus.Cancelled, await db.PurchaseOrders.Where(p => p.Id == _po2).Select(p => p.Status).SingleAsync());
        Assert.Equal(0, await db.Outbox.CountAsync(m => m.Kind == MessageKind.Delay));
    }

    [Fact]
    public async Task CreatePurchaseOrder_BadInputIsRefusedWithReasons_AndNothingIsStored()
    {
        int supplier;
        await using (var db = _db.CreateDbContext())
        {
            supplier = await db.Suppliers.Select(s => s.Id).SingleAsync();
        }

        var (id, errors) = await _purchaseOrders.CreateAsync(supplier, new DateOnly(2026, 11, 1), [new PoLineInput("NOPE", 3), new PoLineInput("MUG", 0)],
            place: true, null, TestActors.Merchant);

        Assert.Null(id);
        Assert.Contains("The expected date can't be in the past.", errors);
        Assert.Contains("There is no product with SKU “NOPE”.", errors);
        Assert.Contains("MUG: order at least one unit.", errors);
        await using var check = _db.CreateDbContext();
        Assert.Equal(2, await check.PurchaseOrders.CountAsync());
    }

    [Fact]
    public async Task PlacePurchaseOrder_ItsUnitsCountAsInbound_WaitingCustomersGetItsDate()
    {
        int supplier;
        await using (var db = _db.CreateDbContext())
        {
            supplier = await db.Suppliers.Select(s => s.Id).SingleAsync();
        }
        var (id, errors) = await _purchaseOrders.CreateAsync(supplier, new DateOnly(2026, 11, 25), [new PoLineInput("ket", 3)], place: false, "rush", TestActors.Merchant);
        Assert.Empty(errors);
        var draft = await _purchaseOrders.GetAsync(id!.Value);
        Assert.Equal((PurchaseOrderStatus.Draft, 3), (draft!.Status, draft.Outstanding));
        Assert.Equal(Dec2, (await KettleLinesAsync())["SO-Ann"].CurrentEta);

        var placed = await _purchaseOrders.PlaceAsync(draft.Id, draft.Version, TestActors.Merchant);

        // Three kettles on Nov 25 cover Ann (2) and Bob (1): they ship Nov 26; PO-1's four now cover Cat and Dan: Dec 2.
        Assert.True(placed.Succeeded, placed.Message);
        Assert.Equal(["SO-Ann", "SO-Bob", "SO-Cat", "SO-Dan"], placed.Lines.Select(l => l.OrderNumber).Order());
        AssertAll.NonEmpty(placed.Lines, l => Assert.True(l.DaysMoved < 0));
        var lines = await KettleLinesAsync();
        Assert.Equal(new DateOnly(2026, 11, 26), lines["SO-Ann"].CurrentEta);
        Assert.Equal(Dec2, lines["SO-Dan"].CurrentEta);
        Assert.Equal(Dec2, lines["SO-Ann"].PromisedShipDate);
        var open = await _purchaseOrders.GetAsync(draft.Id);
        Assert.Equal(PurchaseOrderStatus.Ordered, open!.Status);
        Assert.Equal(open.ExpectedDate, open.OriginalExpectedDate);
    }

    [Fact]
    public async Task ListPurchaseOrders_FiltersByStatusSupplierAndOverdue()
    {
        Assert.Equal(2, (await _purchaseOrders.ListAsync(new PurchaseOrderQuery())).Total);
        Assert.Equal(0, (await _purchaseOrders.ListAsync(new PurchaseOrderQuery(OverdueOnly: true))).Total);
        await _receiving.CommitAsync(Receipt(_po1, 4), TestActors.Merchant);

        var received = await _purchaseOrders.ListAsync(new PurchaseOrderQuery(Status: PurchaseOrderStatus.Received));
        Assert.Equal("PO-1", Assert.Single(received.Rows).Number);
        Assert.Equal("PO-2", Assert.Single((await _purchaseOrders.ListAsync(new PurchaseOrderQuery(Search: "PO-2"))).Rows).Number);
        Assert.Equal(0, (await _purchaseOrders.ListAsync(new PurchaseOrderQuery(SupplierId: -1))).Total);
        // Open orders come first.
        Assert.Equal(["PO-2", "PO-1"], (await _purchaseOrders.ListAsync(new PurchaseOrderQuery())).Rows.Select(r => r.Number));
    }

    [Fact]
    public void SupplierReliability_MeanStandardDeviationAndOnTimeShare()
    {
        var reliability = SupplierReliability.From([(10, true), (12, true), (14, false), (16, true)]);

        Assert.Equal(4, reliability.Receipts);
        Assert.Equal(13, reliability.MeanDays);
        Assert.Equal(Math.Sqrt(5), reliability.StdDevDays!.Value, 6);
        Assert.Equal(75, reliability.OnTimePercent);
        Assert.Equal(new SupplierReliability(0, null, null, null), SupplierReliability.From([]));
    }
}
