using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using System.Text.RegularExpressions;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Messages;
using BackorderDashboard.Features.Restock;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Features.Shipping;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Backorders;

/// <summary>
/// A kettle with two units on hand set aside for Ann, and Bea, Cal and Dee waiting in that order. One unit arrives
/// on Dec 1, ten on Dec 10; one handling day. So Bea ships Dec 2, Cal and Dee Dec 11.
/// </summary>
public class BackorderServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Dec2 = new(2026, 12, 2);
    private static readonly DateOnly Dec11 = new(2026, 12, 11);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private BackorderService _service = null!;
    private readonly Dictionary<string, int> _lines = [];

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(Now));
        _service = _services.Get<BackorderService>();

        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET", onHand: 2, allocated: 2);
        db.Add(kettle);
        db.StockLedger.AddRange(
            new StockLedgerEntry { Product = kettle, OnHandDelta = 2, Reason = StockReason.Import, At = Now.UtcDateTime.AddDays(-9) },
            new StockLedgerEntry { Product = kettle, AllocatedDelta = 2, Reason = StockReason.Allocation, At = Now.UtcDateTime.AddDays(-5) });
        db.PurchaseOrders.AddRange(
            new PurchaseOrder { Number = "PO-1", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, ExpectedDate = new DateOnly(2026, 12, 1),
                Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 1 }] },
            new PurchaseOrder { Number = "PO-2", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, ExpectedDate = new DateOnly(2026, 12, 10),
                Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 10 }] });
        var lines = new (string Name, int Qty, int Allocated, DateOnly? Eta)[] { ("Ann", 2, 2, null), ("Bea", 1, 0, Dec2), ("Cal", 2, 0, Dec11), ("Dee", 1, 0, Dec11) };
        var i = 0;
        var orders = new List<Order>();
        foreach (var (name, qty, allocated, eta) in lines)
        {
            var placed = Now.UtcDateTime.AddDays(-5 + i++);
            var order = TestData.Order(TestData.Customer(name, $"{name.ToLowerInvariant()}@example.com"), $"SO-{name}", placed);
            order.Lines.Add(new OrderLine { Product = kettle, Qty = qty, QtyAllocated = allocated, QueuedAt = eta is null ? null : placed,
                QtyBackorderedAtPlacement = qty - allocated, PromisedShipDate = eta, CurrentEta = eta });
            orders.Add(order);
        }
        db.AddRange(orders);
        await db.SaveChangesAsync();
        foreach (var order in orders)
        {
            _lines[order.Customer.Name] = order.Lines[0].Id;
        }
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<OrderLine> LineAsync(string name)
    {
        await using var db = _db.CreateDbContext();
        return await db.OrderLines.AsNoTracking().SingleAsync(l => l.Id == _lines[name]);
    }

    private async Task AssertStockAddsUpAsync()
    {
        await using var db = _db.CreateDbContext();
        var kettle = await db.Products.AsNoTracking().SingleAsync();
        Assert.Equal(kettle.OnHand, await db.StockLedger.SumAsync(e => e.OnHandDelta));
        Assert.Equal(kettle.Allocated, await db.StockLedger.SumAsync(e => e.AllocatedDelta));
        Assert.Equal(kettle.Allocated, await db.OrderLines.SumAsync(l => l.QtyAllocated));
        Assert.InRange(kettle.Allocated, 0, kettle.OnHand);
        AssertAll.NonEmpty(await db.OrderLines.ToListAsync(), l => Assert.Equal(l.Qty, l.QtyAllocated + l.QtyShipped + l.QtyCancelled + l.QtyUnfilled));
    }

    [Fact]
    public async Task Expedite_MovesTheLineFirst_AndTheLineItPassesGetsADelayMessage()
    {
        var dee = await LineAsync("Dee");

        var result = await _service.SetExpeditedAsync(dee.Id, dee.Version, expedite: true, TestActors.Merchant);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(Dec2, (await LineAsync("Dee")).CurrentEta);
        var bea = await LineAsync("Bea");
        Assert.Equal(Dec11, bea.CurrentEta); // Dee took the only unit of PO-1
        Assert.Equal(Dec2, bea.PromisedShipDate);
        await using var db = _db.CreateDbContext();
        var delay = await db.Outbox.SingleAsync(m => m.Kind == MessageKind.Delay);
        Assert.Equal("bea@example.com", delay.ToEmail);
        Assert.Contains("now ships around Dec 11", delay.BodyText);
        Assert.Contains("cancel", delay.BodyText);
        Assert.Contains(await db.OrderEvents.Where(e => e.OrderLineId == bea.Id).Select(e => e.Detail).ToListAsync(),
            d => d.Contains("SO-Dee expedited"));
    }

    [Fact]
    public async Task Unexpedite_PutsTheLineBackAndTheDatesBack()
    {
        var dee = await LineAsync("Dee");
        await _service.SetExpeditedAsync(dee.Id, dee.Version, true, TestActors.Merchant);
        dee = await LineAsync("Dee");

        var result = await _service.SetExpeditedAsync(dee.Id, dee.Version, false, TestActors.Merchant);

        Assert.True(result.Succeeded);
        Assert.Equal(Dec11, (await LineAsync("Dee")).CurrentEta);
        Assert.Equal(Dec2, (await LineAsync("Bea")).CurrentEta);
    }

    [Fact]
    public async Task Cancel_AllocatedLine_FreedUnitsGoToTheNextInLine()
    {
        var ann = await LineAsync("Ann");

        var result = await _service.CancelAsync(ann.Id, ann.Version, "customer changed their mind", joinWaitlist: true, TestActors.Support);

        Assert.True(result.Succeeded, result.Message);
        Assert.Contains("2 freed units went to the next in line", result.Message);
        Assert.Equal((0, 2), ((await LineAsync("Ann")).QtyAllocated, (await LineAsync("Ann")).QtyCancelled));
        Assert.Equal(1, (await LineAsync("Bea")).QtyAllocated); // Bea first, in full
        var cal = await LineAsync("Cal");
        Assert.Equal((1, 1), (cal.QtyAllocated, cal.QtyUnfilled)); // then part of Cal's line
        Assert.Equal(Dec2, cal.CurrentEta); // Cal's last unit now comes with PO-1
        await AssertStockAddsUpAsync();
        await using var db = _db.CreateDbContext();
        Assert.Single(await db.Waitlist.ToListAsync());
        Assert.Single(await db.Outbox.Where(m => m.Kind == MessageKind.Cancelled).ToListAsync());
        Assert.Equal(["bea@example.com", "cal@example.com"],
            (await db.Outbox.Where(m => m.Kind == MessageKind.ReadyToShip).Select(m => m.ToEmail).ToListAsync()).Order());
    }

    [Fact]
    public async Task Cancel_SomeUnitsOfAnAllocatedLine_FreesThatManyToTheNextInLine_AndKeepsTheRestSetAside()
    {
        var ann = await LineAsync("Ann");

        var result = await _service.CancelAsync(ann.Id, ann.Version, "only wants one", joinWaitlist: false, TestActors.Support, units: 1);

        Assert.True(result.Succeeded, result.Message);
        var after = await LineAsync("Ann");
        Assert.Equal((1, 1, 0), (after.QtyAllocated, after.QtyCancelled, after.QtyUnfilled));
        Assert.Equal(1, (await LineAsync("Bea")).QtyAllocated);
        Assert.Equal(0, (await LineAsync("Cal")).QtyAllocated);
        await AssertStockAddsUpAsync();
    }

    [Fact]
    public async Task Cancel_SomeUnitsOfAWaitingLine_CancelsWaitingUnits_AndFreesNothing()
    {
        var cal = await LineAsync("Cal");

        var result = await _service.CancelAsync(cal.Id, cal.Version, "only wants one", joinWaitlist: false, TestActors.Support, units: 1);

        Assert.True(result.Succeeded, result.Message);
        var after = await LineAsync("Cal");
        Assert.Equal((0, 1, 1), (after.QtyAllocated, after.QtyCancelled, after.QtyUnfilled));
        Assert.Equal(2, (await LineAsync("Ann")).QtyAllocated);
        await AssertStockAddsUpAsync();
    }

    [Theory]
    [InlineData(3)]
    [InlineData(0)]
    public async Task Cancel_MoreUnitsThanOpenOrNone_IsRefused_AndChangesNothing(int units)
    {
        var cal = await LineAsync("Cal");

        var result = await _service.CancelAsync(cal.Id, cal.Version, "too many", joinWaitlist: false, TestActors.Support, units: units);

        Assert.False(result.Succeeded);
        Assert.False(result.Refused);
        var after = await LineAsync("Cal");
        Assert.Equal((0, 2, cal.Version), (after.QtyCancelled, after.QtyUnfilled, after.Version));
    }

    [Fact]
    public async Task Cancel_ByAManager_IsARefusalOfThePermissionTable()
    {
        var cal = await LineAsync("Cal");

        var result = await _service.CancelAsync(cal.Id, cal.Version, "no", joinWaitlist: false, TestActors.Manager);

        Assert.True(result.Refused);
        Assert.Equal(0, (await LineAsync("Cal")).QtyCancelled);
    }

    [Fact]
    public async Task Expedite_ThenUnexpedite_IsMarkedOnTheLine_AndEachStepIsInTheOrdersHistoryWithWhoDidIt()
    {
        var orders = _services.Get<OrderService>();
        var dee = await LineAsync("Dee");

        await _service.SetExpeditedAsync(dee.Id, dee.Version, expedite: true, TestActors.Merchant);
        var expedited = (await orders.GetAsync("SO-Dee"))!;
        var queue = await _service.GetQueueAsync(new QueueQuery());

        Assert.True(Assert.Single(expedited.Lines).Expedited);
        Assert.True(queue.Rows.Single(r => r.OrderNumber == "SO-Dee").Expedited);
        AssertAll.NonEmpty(queue.Rows.Where(r => r.OrderNumber != "SO-Dee"), r => Assert.False(r.Expedited));
        var entry = Assert.Single(expedited.Timeline, t => t.Title == "Expedited");
        Assert.Equal(("merchant@example.com", "Product KET expedited: moved to the front of the queue."), (entry.By, entry.Detail));

        dee = await LineAsync("Dee");
        await _service.SetExpeditedAsync(dee.Id, dee.Version, expedite: false, TestActors.Admin);
        var back = (await orders.GetAsync("SO-Dee"))!;

        Assert.False(Assert.Single(back.Lines).Expedited);
        var undone = Assert.Single(back.Timeline, t => t.Title == "No longer expedited");
        Assert.Equal(("admin@example.com", "Product KET no longer expedited."), (undone.By, undone.Detail));
    }

    [Fact]
    public async Task Cancel_JoiningTheWaitlist_SaysWhatHappensToThePayment_AndTheWaitlistShowsInHistoryAndOnTheProduct()
    {
        await using (var db = _db.CreateDbContext())
        {
            await db.OrderLines.Where(l => l.Id == _lines["Cal"]).ExecuteUpdateAsync(s => s.SetProperty(l => l.UnitPriceCents, 1250L));
        }
        var cal = await LineAsync("Cal");

        var result = await _service.CancelAsync(cal.Id, cal.Version, "found it elsewhere", joinWaitlist: true, TestActors.Support);
        var order = (await _services.Get<OrderService>().GetAsync("SO-Cal"))!;
        var product = (await _services.Get<ProductService>().GetDetailAsync("KET"))!;

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal($"2 × Product KET cancelled on SO-Cal. Nothing charged for the 2 cancelled units; the authorization for {Money.Format(2500)} is released.",
            result.Message);
        var line = Assert.Single(order.Lines);
        Assert.Equal($"Nothing charged for the 2 cancelled units; the authorization for {Money.Format(2500)} is released.", line.PaymentNote);
        Assert.Equal("Your 2 × Product KET were cancelled: you are not charged for them, and the hold on your card for them is released.",
            order.SuggestedAnswer);
        var joined = Assert.Single(order.Timeline, t => t.Title == "Joined the waitlist");
        Assert.Equal("support@example.com", joined.By);
        Assert.Contains("Cal joined the waitlist for Product KET", joined.Detail);
        Assert.Equal([("Cal", "cal@example.com", Now.UtcDateTime)], product.Waitlist.Select(w => (w.Customer, w.Email, w.Since)));
    }

    [Fact]
    public async Task Cancel_WithoutTheWaitlist_LeavesNoWaitlistEntryOrHistory()
    {
        var bea = await LineAsync("Bea");

        await _service.CancelAsync(bea.Id, bea.Version, "found it elsewhere", joinWaitlist: false, TestActors.Support);

        Assert.Empty((await _services.Get<ProductService>().GetDetailAsync("KET"))!.Waitlist);
        Assert.DoesNotContain((await _services.Get<OrderService>().GetAsync("SO-Bea"))!.Timeline, t => t.Title == "Joined the waitlist");
    }

    [Fact]
    public async Task Cancel_WaitingLine_MovesTheLinesBehindItForward()
    {
        var bea = await LineAsync("Bea");

        var result = await _service.CancelAsync(bea.Id, bea.Version, "found it elsewhere", joinWaitlist: false, TestActors.Merchant);

        Assert.True(result.Succeeded);
        Assert.Equal(0, (await LineAsync("Bea")).QtyUnfilled);
        Assert.Equal(Dec11, (await LineAsync("Cal")).CurrentEta); // needs 2: PO-1 has only 1
        await AssertStockAddsUpAsync();
    }

    [Fact]
    public async Task Actions_StaleVersion_AreRefusedAndChangeNothing()
    {
        var dee = await LineAsync("Dee");
        await _service.SetExpeditedAsync(dee.Id, dee.Version, true, TestActors.Merchant);

        var stale = await _service.CancelAsync(dee.Id, dee.Version, "too late", false, TestActors.Merchant);

        Assert.False(stale.Succeeded);
        Assert.Contains("changed this line", stale.Message);
        Assert.Equal(0, (await LineAsync("Dee")).QtyCancelled);
    }

    [Fact]
    public async Task Cancel_WithoutReason_IsRefused()
    {
        var bea = await LineAsync("Bea");

        var result = await _service.CancelAsync(bea.Id, bea.Version, "  ", false, TestActors.Merchant);

        Assert.False(result.Succeeded);
        Assert.Equal(1, (await LineAsync("Bea")).QtyUnfilled);
    }

    [Fact]
    public async Task ManyActionsAtOnce_NeverOverAllocateOrLoseTheLedger()
    {
        // Everyone acts at once on the same product, each action on its own thread: cancels free units (Ann's two
        // set-aside units go to the next in line), expedites reorder the queue.
        var lines = await Task.WhenAll(_lines.Keys.Select(LineAsync));
        var actions = lines.SelectMany(l => new Func<Task<ActionResult>>[]
        {
            () => _service.CancelAsync(l.Id, l.Version, "parallel", false, TestActors.Merchant),
            () => _service.SetExpeditedAsync(l.Id, l.Version, true, TestActors.Merchant),
        }).ToList();

        var results = await AtOnce.ValuesAsync(actions);

        // Each line had one version: for each line at most one of its two actions got through; every refusal is an
        // answer that says why.
        for (var i = 0; i < lines.Length; i++)
        {
            Assert.True(results.Skip(2 * i).Take(2).Count(r => r.Succeeded) <= 1, $"both actions on line {i} went through");
        }
        Assert.Contains(results, r => r.Succeeded);
        AssertAll.NonEmpty(results.Where(r => !r.Succeeded), r => Assert.False(string.IsNullOrWhiteSpace(r.Message)));
        await AssertStockAddsUpAsync();
    }

    [Fact]
    public async Task Queue_ListsWaitingLinesInQueueOrderWithTheirPlace()
    {
        var page = await _service.GetQueueAsync(new QueueQuery());

        Assert.Equal(3, page.Total);
        Assert.Equal(["SO-Bea", "SO-Cal", "SO-Dee"], page.Rows.Select(r => r.OrderNumber));
        Assert.Equal([1, 2, 3], page.Rows.Select(r => r.Position));
        Assert.Equal([0, 1, 3], page.Rows.Select(r => r.UnitsAhead));
        Assert.Equal([4, 3, 2], page.Rows.Select(r => r.DaysWaiting));
    }

    [Fact]
    public async Task Queue_AfterExpedite_TheExpeditedLineIsFirstAndLateLinesFilter()
    {
        var dee = await LineAsync("Dee");
        await _service.SetExpeditedAsync(dee.Id, dee.Version, true, TestActors.Merchant);

        var all = await _service.GetQueueAsync(new QueueQuery());
        var late = await _service.GetQueueAsync(new QueueQuery(LateOnly: true));

        Assert.Equal(["SO-Dee", "SO-Bea", "SO-Cal"], all.Rows.Select(r => r.OrderNumber));
        Assert.True(all.Rows[0].Expedited);
        Assert.Equal(["SO-Bea"], late.Rows.Select(r => r.OrderNumber));
    }

    [Theory]
    [InlineData(AgeBucket.UpTo7Days, 3)]
    [InlineData(AgeBucket.From8To14Days, 0)]
    public async Task Queue_AgeBucket_FiltersByTimeWaiting(AgeBucket age, int expected)
    {
        Assert.Equal(expected, (await _service.GetQueueAsync(new QueueQuery(Age: age))).Total);
    }

    [Fact]
    public async Task Queue_AuthorizationExpiringBeforeEta_IsFlaggedAndFiltered()
    {
        // Authorizations last 7 days from placement (Nov 17–20): all expire before Dec 2.
        var flagged = await _service.GetQueueAsync(new QueueQuery(AuthorizationExpiresBeforeEta: true));

        Assert.Equal(3, flagged.Total);
        AssertAll.NonEmpty(flagged.Rows, r => Assert.True(r.AuthorizationExpiresBeforeEta));
    }

    [Fact]
    public async Task ShipPolicy_SwitchToShipAvailable_HeldLineTakesFreeStock()
    {
        await using (var db = _db.CreateDbContext())
        {
            // Cal's order ships complete; one unit comes free: it stays free while Cal's line needs two.
            var cal = await db.Orders.SingleAsync(o => o.Number == "SO-Cal");
            cal.ShipPolicy = ShipPolicy.ShipComplete;
            var bea = await db.OrderLines.SingleAsync(l => l.Id == _lines["Bea"]);
            bea.QtyCancelled = 1;
            var kettle = await db.Products.SingleAsync();
            kettle.OnHand += 1;
            db.StockLedger.Add(new StockLedgerEntry { ProductId = kettle.Id, OnHandDelta = 1, Reason = StockReason.Adjustment, At = Now.UtcDateTime });
            await db.SaveChangesAsync();
        }
        int orderId, version;
        await using (var db = _db.CreateDbContext())
        {
            var order = await db.Orders.AsNoTracking().SingleAsync(o => o.Number == "SO-Cal");
            (orderId, version) = (order.Id, order.Version);
        }

        var result = await _service.SetShipPolicyAsync(orderId, version, ShipPolicy.ShipAvailable, TestActors.Support);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(1, (await LineAsync("Cal")).QtyAllocated);
        await AssertStockAddsUpAsync();
        await using var check = _db.CreateDbContext();
        Assert.Contains(await check.Outbox.Select(m => m.Kind).ToListAsync(), k => k == MessageKind.Update);
        Assert.Contains(await check.Outbox.Select(m => m.Kind).ToListAsync(), k => k == MessageKind.ReadyToShip);
    }

    [Theory]
    [InlineData(ConsolationKind.PercentDiscount, 0, null, "wait", "between 1 and 100")]
    [InlineData(ConsolationKind.AmountDiscount, null, 0L, "wait", "more than zero")]
    [InlineData(ConsolationKind.FreeShipping, null, null, " ", "Give a reason")]
    public async Task Consolation_BadValue_IsRefusedAndNothingStored(ConsolationKind kind, int? percent, long? cents, string reason, string message)
    {
        var orderId = (await LineAsync("Bea")).OrderId;

        var result = await _service.AddConsolationAsync(orderId, kind, percent, cents, reason, TestActors.Merchant);

        Assert.False(result.Succeeded);
        Assert.Contains(message, result.Message);
        await using var db = _db.CreateDbContext();
        Assert.Empty(await db.Consolations.ToListAsync());
    }

    [Fact]
    public async Task Consolation_IsRecordedAndToldToTheCustomer()
    {
        var orderId = (await LineAsync("Bea")).OrderId;
        await using (var priced = _db.CreateDbContext())
        {
            // A consolation can't exceed what the order is worth: Bea's kettle costs $12.50.
            await priced.OrderLines.Where(l => l.Id == _lines["Bea"]).ExecuteUpdateAsync(s => s.SetProperty(l => l.UnitPriceCents, 1250L));
        }

        var result = await _service.AddConsolationAsync(orderId, ConsolationKind.AmountDiscount, null, 500, "late supplier", TestActors.Support);

        Assert.True(result.Succeeded);
        await using var db = _db.CreateDbContext();
        var consolation = await db.Consolations.SingleAsync();
        Assert.Equal((500L, "late supplier"), (consolation.AmountCents!.Value, consolation.Reason));
        var message = await db.Outbox.SingleAsync(m => m.Kind == MessageKind.Consolation);
        Assert.Equal("bea@example.com", message.ToEmail);
        Assert.Contains("$5.00 off", message.BodyText);
    }

    private ShippingService Shipping() => new(_db, new FixedTimeProvider(Now), new SettingsService(_db, new FixedTimeProvider(Now)));

    [Fact]
    public async Task Ship_ReadyOrder_TakesUnitsOutAndCapturesPayment()
    {
        var shipping = Shipping();
        var ready = Assert.Single((await shipping.GetReadyAsync()).Orders);
        Assert.Equal("SO-Ann", ready.Number);
        Assert.Equal(2, Assert.Single(ready.Lines).Qty);

        var result = await shipping.ShipAsync(ready.OrderId, ready.Version, null, "UPS", "1Z999", TestActors.Merchant);

        Assert.True(result.Succeeded, result.Message);
        var ann = await LineAsync("Ann");
        Assert.Equal((0, 2), (ann.QtyAllocated, ann.QtyShipped));
        await AssertStockAddsUpAsync();
        await using var db = _db.CreateDbContext();
        Assert.Equal((0, 0), ((await db.Products.SingleAsync()).OnHand, (await db.Products.SingleAsync()).Allocated));
        Assert.NotNull((await db.Orders.SingleAsync(o => o.Number == "SO-Ann")).PaymentCapturedAt);
        Assert.Contains("Tracking: UPS 1Z999", (await db.Outbox.SingleAsync(m => m.Kind == MessageKind.Shipped)).BodyText);
        Assert.Equal(2, (await db.ShipmentLines.SingleAsync()).Qty);
        Assert.Empty((await shipping.GetReadyAsync()).Orders);
    }

    [Fact]
    public async Task Ship_Partial_ShipsPartAndRefusesMoreThanSetAside()
    {
        var shipping = Shipping();
        var ready = (await shipping.GetReadyAsync()).Orders.Single();
        var lineId = ready.Lines.Single().LineId;

        var tooMany = await shipping.ShipAsync(ready.OrderId, ready.Version, new Dictionary<int, int> { [lineId] = 3 }, null, null, TestActors.Merchant);
        var part = await shipping.ShipAsync(ready.OrderId, ready.Version, new Dictionary<int, int> { [lineId] = 1 }, null, null, TestActors.Merchant);

        Assert.False(tooMany.Succeeded);
        Assert.Contains("only 2 units", tooMany.Message);
        Assert.True(part.Succeeded);
        Assert.Equal((1, 1), ((await LineAsync("Ann")).QtyAllocated, (await LineAsync("Ann")).QtyShipped));
        await AssertStockAddsUpAsync();
    }

    [Fact]
    public async Task Ship_ShipCompleteOrderStillWaiting_IsNotReadyAndCannotShip()
    {
        await using (var db = _db.CreateDbContext())
        {
            var ann = await db.Orders.Include(o => o.Lines).SingleAsync(o => o.Number == "SO-Ann");
            ann.ShipPolicy = ShipPolicy.ShipComplete;
            ann.Lines.Add(new OrderLine { ProductId = ann.Lines[0].ProductId, Qty = 1, QtyBackorderedAtPlacement = 1, QueuedAt = Now.UtcDateTime });
            await db.SaveChangesAsync();
        }
        var shipping = Shipping();
        await using var check = _db.CreateDbContext();
        var order = await check.Orders.AsNoTracking().SingleAsync(o => o.Number == "SO-Ann");

        Assert.Empty((await shipping.GetReadyAsync()).Orders);
        var result = await shipping.ShipAsync(order.Id, order.Version, null, null, null, TestActors.Merchant);
        Assert.False(result.Succeeded);
        Assert.Contains("ships complete", result.Message);
    }

    [Fact]
    public async Task Messages_OfEachAction_StartWithACapital_AndCountInWords()
    {
        await using (var db = _db.CreateDbContext())
        {
            await db.OrderLines.ExecuteUpdateAsync(s => s.SetProperty(l => l.UnitPriceCents, 1000L));
        }
        var messages = new List<string>();
        var dee = await LineAsync("Dee");
        messages.Add((await _service.SetExpeditedAsync(dee.Id, dee.Version, true, TestActors.Merchant)).Message);
        dee = await LineAsync("Dee");
        messages.Add((await _service.SetExpeditedAsync(dee.Id, dee.Version, false, TestActors.Merchant)).Message);
        var ann = await LineAsync("Ann");
        var ready = (await Shipping().GetReadyAsync()).Orders.Single();
        var tooMany = (await Shipping().ShipAsync(ready.OrderId, ready.Version, new Dictionary<int, int> { [ann.Id] = 3 }, null, null, TestActors.Merchant)).Message;
        var bea = await LineAsync("Bea");
        var oneCancelled = (await _service.CancelAsync(bea.Id, bea.Version, "found it elsewhere", false, TestActors.Support)).Message;
        var twoCancelled = (await _service.CancelAsync(ann.Id, ann.Version, "changed their mind", true, TestActors.Support)).Message;
        var outbox = _services.Get<OutboxService>();
        long pending;
        await using (var db = _db.CreateDbContext())
        {
            pending = await db.Outbox.Select(m => m.Id).FirstAsync();
        }
        var receiving = _services.Get<ReceivingService>();
        var negative = await receiving.PreviewAsync(new ReceiptInput { Lines = [new ReceiptLineInput { Sku = "KET", Qty = -1 }] }, TestActors.Merchant);
        var onePerKind = new ReceivedProduct("KET", "Kettle", 1, [], 0, 1, 1, 1, 1);
        var retried = (await outbox.RetryAsync(pending, TestActors.Support)).Message;
        var oneMoved = PurchaseOrderPresenter.Summary(new PoImpact(true, "", [new ImpactLine("SO-1", "Ada", "KET", new(2026, 12, 5), new(2026, 12, 6), false)]));
        messages.AddRange([
            tooMany, oneCancelled, twoCancelled, retried, (await outbox.RetryAsync(-1, TestActors.Support)).Message,
            .. negative.Errors, onePerKind.Afterwards, oneMoved, Payment.BeforeCancelling,
        ]);

        Assert.Equal("Product KET: only 2 units are set aside to ship.", tooMany);
        Assert.Equal($"1 × Product KET cancelled on SO-Bea. Nothing charged for the 1 cancelled unit; the authorization for {Money.Format(1000)} is released.",
            oneCancelled);
        Assert.StartsWith("2 × Product KET cancelled on SO-Ann; 2 freed units went to the next in line. Nothing charged for the 2 cancelled units", twoCancelled);
        Assert.Equal("Queued again; it goes out once an admin has set up e-mail sending.", retried);
        Assert.Equal("KET: a received quantity can't be negative (-1).", Assert.Single(negative.Errors));
        Assert.Equal("Afterwards: 0 free in stock, 1 line still waiting, 1 ship date moved, 1 now late, 1 waitlisted customer told it's back.",
            onePerKind.Afterwards);
        Assert.Equal("1 waiting line of 1 order moves: 1 later (up to 1 day), 0 earlier.", oneMoved);
        var pluralAfterOne = new Regex(@"\b1 (freed |cancelled |waiting |delay |waitlisted )?(unit|line|order|ship date|message|customer|product|receipt)s\b");
        AssertAll.NonEmpty(messages, m =>
        {
            Assert.True(char.IsUpper(m[0]) || char.IsDigit(m[0]), $"Starts with a small letter: {m}");
            Assert.DoesNotContain("(s)", m);
            Assert.DoesNotMatch(pluralAfterOne, m);
        });
    }
}
