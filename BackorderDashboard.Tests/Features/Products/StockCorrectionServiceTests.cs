using BackorderDashboard.Benchmarks;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Features.Shipping;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Products;

/// <summary>
/// Today is Sun Nov 22 2026; one handling day. Kettles (KET): 6 on hand, all set aside: Ann's 2 from stock when she
/// ordered (Nov 10, never queued, never given a date), then one receipt on Nov 20 gave Bob 2 (queued Nov 12, promised
/// Dec 1) and after him Cat 2 (queued Nov 14, promised Dec 20). Dan waits for 1 (queued Nov 15). PO-1 brings 10 kettles
/// Dec 10, so whoever waits ships Dec 11. Mugs (MUG): none in stock, Eve 2, Fay 1, Gus 3 wait in that order, Hal is on
/// the waitlist; nothing is on order (the supplier quotes 14 days). Cups (CUP): 5 on hand, nothing waits for them.
/// </summary>
public class StockCorrectionServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = TestServices.DefaultNow;
    private static readonly DateOnly Today = new(2026, 11, 22);
    private static readonly DateOnly Dec1 = new(2026, 12, 1);
    private static readonly DateOnly Dec11 = new(2026, 12, 11);
    private static readonly DateOnly Dec20 = new(2026, 12, 20);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private StockCorrectionService _corrections = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(Now));
        _corrections = _services.Get<StockCorrectionService>();

        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET", onHand: 6, allocated: 6);
        var mug = TestData.Product(category, supplier, "MUG");
        var cup = TestData.Product(category, supplier, "CUP", onHand: 5);
        db.AddRange(kettle, mug, cup);
        db.PurchaseOrders.Add(new PurchaseOrder
        {
            Number = "PO-1", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, OrderedAt = Day(1), ExpectedDate = new DateOnly(2026, 12, 10),
            OriginalExpectedDate = new DateOnly(2026, 12, 10), Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 10 }],
        });
        db.StockLedger.AddRange(
            new StockLedgerEntry { Product = kettle, OnHandDelta = 2, Reason = StockReason.Receipt, Reference = "opening", At = Day(1) },
            new StockLedgerEntry { Product = cup, OnHandDelta = 5, Reason = StockReason.Receipt, Reference = "opening", At = Day(1) });
        await db.SaveChangesAsync();

        var ann = AddOrder(db, "Ann", Day(10));
        var annLine = new OrderLine { Product = kettle, Qty = 2, QtyAllocated = 2 };
        ann.Lines.Add(annLine);
        db.StockLedger.Add(new StockLedgerEntry { Product = kettle, AllocatedDelta = 2, Reason = StockReason.Allocation, Reference = "SO-Ann", At = Day(10) });
        var bob = AddOrder(db, "Bob", Day(12));
        var bobLine = Waiting(kettle, 2, Day(12), Dec1, allocated: 2);
        bob.Lines.Add(bobLine);
        var cat = AddOrder(db, "Cat", Day(14));
        var catLine = Waiting(kettle, 2, Day(14), Dec20, allocated: 2);
        cat.Lines.Add(catLine);
        AddOrder(db, "Dan", Day(15)).Lines.Add(Waiting(kettle, 1, Day(15), Dec11));
        AddOrder(db, "Eve", Day(5)).Lines.Add(Waiting(mug, 2, Day(5), new DateOnly(2026, 12, 7)));
        AddOrder(db, "Fay", Day(6)).Lines.Add(Waiting(mug, 1, Day(6), new DateOnly(2026, 12, 7)));
        AddOrder(db, "Gus", Day(7)).Lines.Add(Waiting(mug, 3, Day(7), new DateOnly(2026, 12, 7)));
        db.Waitlist.Add(new WaitlistEntry { Product = mug, Customer = TestData.Customer("Hal", "hal@example.com"), CreatedAt = Day(8) });
        await db.SaveChangesAsync();
        // One receipt on Nov 20: four kettles, Bob's first, then Cat's (the later allocation).
        db.StockLedger.Add(new StockLedgerEntry { Product = kettle, OnHandDelta = 4, Reason = StockReason.Receipt, Reference = "PO-0", At = Day(20) });
        db.StockLedger.Add(new StockLedgerEntry { Product = kettle, AllocatedDelta = 2, Reason = StockReason.Allocation, Reference = "receipt PO-0", OrderLineId = bobLine.Id, At = Day(20) });
        db.StockLedger.Add(new StockLedgerEntry { Product = kettle, AllocatedDelta = 2, Reason = StockReason.Allocation, Reference = "receipt PO-0", OrderLineId = catLine.Id, At = Day(20) });
        await db.SaveChangesAsync();
        // The mugs' dates as the walk gives them today (14 days' lead time and a handling day): the store starts sound.
        await _services.Get<QueueMaintenance>().RecomputeEtasAsync(db, mug.Id, "setup", Actor.System, default);
        await db.Outbox.ExecuteDeleteAsync();
        await db.OrderEvents.ExecuteDeleteAsync();
        await AssertSoundAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private static DateTime Day(int november) => new DateTime(2026, 11, november, 17, 0, 0, DateTimeKind.Utc);

    private static Order AddOrder(AppDbContext db, string name, DateTime placed)
    {
        var order = TestData.Order(TestData.Customer(name, $"{name.ToLowerInvariant()}@example.com"), $"SO-{name}", placed);
        db.Orders.Add(order);
        return order;
    }

    private static OrderLine Waiting(Product product, int qty, DateTime queued, DateOnly promised, int allocated = 0) => new()
    {
        Product = product, Qty = qty, QtyAllocated = allocated, QueuedAt = queued, QtyBackorderedAtPlacement = qty, PromisedShipDate = promised,
        CurrentEta = promised,
    };

    private static StockCorrectionInput Count(string sku, int qty, string? note = null) =>
        new() { Sku = sku, Mode = StockCorrectionMode.Count, Quantity = qty, Reason = StockCorrectionReason.Stocktake, Note = note };

    private static StockCorrectionInput Change(string sku, int qty, StockCorrectionReason reason, string? note = null) =>
        new() { Sku = sku, Mode = StockCorrectionMode.Change, Quantity = qty, Reason = reason, Note = note };

    private async Task AssertSoundAsync()
    {
        await using var db = _db.CreateDbContext();
        Assert.Empty(await StoreInvariants.ViolationsAsync(db, Today));
    }

    private async Task<Dictionary<string, OrderLine>> LinesAsync(string sku)
    {
        await using var db = _db.CreateDbContext();
        return await db.OrderLines.AsNoTracking().Include(l => l.Order).Where(l => l.Product.Sku == sku).ToDictionaryAsync(l => l.Order.Number);
    }

    private async Task<List<string>> QueueAsync(string sku)
    {
        await using var db = _db.CreateDbContext();
        return await db.OrderLines.AsNoTracking().Where(l => l.Product.Sku == sku && l.QtyUnfilled > 0).InQueueOrder().Select(l => l.Order.Number).ToListAsync();
    }

    private async Task<string> StoredAsync()
    {
        await using var db = _db.CreateDbContext();
        return string.Join(",", await db.StockLedger.CountAsync(), await db.Products.SumAsync(p => p.Version + p.OnHand * 7 + p.Allocated * 13),
            await db.OrderLines.SumAsync(l => l.Version), await db.Outbox.CountAsync(), await db.OrderEvents.CountAsync(), await db.AuditEntries.CountAsync());
    }

    [Fact]
    public async Task CountBelowAllocated_TakesBackFromTheMostRecentlyAllocatedLinesFirst_TheyRejoinTheirOldPlaces()
    {
        var outcome = await _corrections.CorrectAsync(Count("KET", 3, "shelf recount"), TestActors.Merchant);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal((6, 3, 6, 3), (outcome.OnHandBefore, outcome.OnHandAfter, outcome.AllocatedBefore, outcome.AllocatedAfter));
        // Cat was allocated last (the same receipt, after Bob): all hers go, then one of Bob's; Ann's, the oldest, stay.
        Assert.Equal([("SO-Cat", 2, 2, Dec11, false), ("SO-Bob", 1, 1, Dec11, true)],
            outcome.TakenBack.Select(t => (t.OrderNumber, t.Qty, t.PlaceInQueue, t.NewEta, t.CustomerToldOfDelay)));
        var lines = await LinesAsync("KET");
        Assert.Equal((2, 0), (lines["SO-Ann"].QtyAllocated, lines["SO-Ann"].QtyUnfilled));
        Assert.Equal((1, 1, Day(12)), (lines["SO-Bob"].QtyAllocated, lines["SO-Bob"].QtyUnfilled, lines["SO-Bob"].QueuedAt));
        Assert.Equal((0, 2, Day(14)), (lines["SO-Cat"].QtyAllocated, lines["SO-Cat"].QtyUnfilled, lines["SO-Cat"].QueuedAt));
        // Back where they were: ahead of Dan, who was queued after both; all ship when PO-1 is in.
        Assert.Equal(["SO-Bob", "SO-Cat", "SO-Dan"], await QueueAsync("KET"));
        Assert.Equal([Dec11, Dec11, Dec11], new[] { "SO-Bob", "SO-Cat", "SO-Dan" }.Select(n => lines[n].CurrentEta));

        await using var db = _db.CreateDbContext();
        // Bob was promised Dec 1 and hears of the delay; Cat's Dec 20 still holds, so she hears nothing.
        var delay = await db.Outbox.SingleAsync(m => m.Kind == MessageKind.Delay);
        Assert.Equal((lines["SO-Bob"].Id, "bob@example.com"), (delay.OrderLineId, delay.ToEmail));
        Assert.Contains("Dec 11", delay.BodyText);
        var correction = await db.StockLedger.SingleAsync(e => e.Reason == StockReason.Adjustment);
        Assert.Equal((-3, 0, StockCorrectionReason.Stocktake, "shelf recount", "stocktake", "merchant@example.com", ActorChannel.Page),
            (correction.OnHandDelta, correction.AllocatedDelta, correction.Correction, correction.Note, correction.Reference, correction.UserName, correction.Channel));
        Assert.Equal([(lines["SO-Cat"].Id, -2), (lines["SO-Bob"].Id, -1)], await db.StockLedger
            .Where(e => e.Reason == StockReason.Allocation && e.AllocatedDelta < 0).OrderBy(e => e.Id).Select(e => ValueTuple.Create(e.OrderLineId!.Value, e.AllocatedDelta)).ToListAsync());
        var events = await db.OrderEvents.Where(e => e.Kind == OrderEventKind.AllocationTakenBack).Select(e => new { e.Order.Number, e.Detail }).ToListAsync();
        Assert.Equal(["SO-Bob", "SO-Cat"], events.Select(e => e.Number).Order());
        Assert.Contains("place 2", events.Single(e => e.Number == "SO-Cat").Detail);
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Kind == AuditKind.StockCorrection));
        Assert.Equal("On hand 6 → 3. 2 units taken back from SO-Cat (placed Nov 14), which rejoins the queue at place 2, now ships Dec 11. "
            + "1 unit taken back from SO-Bob (placed Nov 12), which rejoins the queue at place 1, now ships Dec 11 — its customer was told of the delay.",
            outcome.Describe(committed: true));
        await AssertSoundAsync();
    }

    [Fact]
    public async Task CountBelowAllocated_ALineFilledFromStockAtPlacement_QueuesAsOfItsOrderAndIsToldTheReadyPromiseBroke()
    {
        var outcome = await _corrections.CorrectAsync(Count("KET", 1), TestActors.Merchant);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal([("SO-Cat", 2), ("SO-Bob", 2), ("SO-Ann", 1)], outcome.TakenBack.Select(t => (t.OrderNumber, t.Qty)));
        var lines = await LinesAsync("KET");
        // Ann never queued: she joins as of the time she ordered, which puts her first; she was told "ready to ship", a
        // promise of shipping that day, which the new date breaks.
        Assert.Equal((1, 1, Day(10), Today), (lines["SO-Ann"].QtyAllocated, lines["SO-Ann"].QtyUnfilled, lines["SO-Ann"].QueuedAt, lines["SO-Ann"].PromisedShipDate));
        Assert.Equal(["SO-Ann", "SO-Bob", "SO-Cat", "SO-Dan"], await QueueAsync("KET"));
        Assert.Equal(1, outcome.TakenBack.Single(t => t.OrderNumber == "SO-Ann").PlaceInQueue);
        await using var db = _db.CreateDbContext();
        Assert.Equal(["ann@example.com", "bob@example.com"], await db.Outbox.Where(m => m.Kind == MessageKind.Delay).Select(m => m.ToEmail).OrderBy(e => e).ToListAsync());
        await AssertSoundAsync();
    }

    [Fact]
    public async Task CountBelowAllocated_KeepsAnExpeditedLinesPriority()
    {
        await using (var db = _db.CreateDbContext())
        {
            await db.OrderLines.Where(l => l.Order.Number == "SO-Cat").ExecuteUpdateAsync(s => s.SetProperty(l => l.Priority, QueuePriority.Expedited));
        }

        var outcome = await _corrections.CorrectAsync(Change("KET", -2, StockCorrectionReason.Damaged, "dropped"), TestActors.Merchant);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(("SO-Cat", 2, 1), outcome.TakenBack.Select(t => (t.OrderNumber, t.Qty, t.PlaceInQueue)).Single());
        Assert.Equal(["SO-Cat", "SO-Dan"], await QueueAsync("KET"));
        await AssertSoundAsync();
    }

    [Fact]
    public async Task CountBelowAllocated_ShipCompleteOrderLeavesReadyToShipHoldingItsOtherLine_APartlyTakenLineShipsTheRest()
    {
        // Ivy's order ships complete: 2 kettles (allocated last, Nov 21) and a cup, both set aside, so it is ready.
        await using (var db = _db.CreateDbContext())
        {
            var kettle = await db.Products.SingleAsync(p => p.Sku == "KET");
            var cup = await db.Products.SingleAsync(p => p.Sku == "CUP");
            var ivy = AddOrder(db, "Ivy", Day(16));
            ivy.ShipPolicy = ShipPolicy.ShipComplete;
            var kettleLine = Waiting(kettle, 2, Day(16), Dec11, allocated: 2);
            ivy.Lines.Add(kettleLine);
            ivy.Lines.Add(new OrderLine { Product = cup, Qty = 1, QtyAllocated = 1 });
            (kettle.OnHand, kettle.Allocated, cup.Allocated) = (8, 8, 1);
            db.StockLedger.Add(new StockLedgerEntry { Product = cup, AllocatedDelta = 1, Reason = StockReason.Allocation, Reference = "SO-Ivy", At = Day(16) });
            await db.SaveChangesAsync();
            db.StockLedger.Add(new StockLedgerEntry { Product = kettle, OnHandDelta = 2, Reason = StockReason.Receipt, Reference = "PO-00", At = Day(21) });
            db.StockLedger.Add(new StockLedgerEntry { Product = kettle, AllocatedDelta = 2, Reason = StockReason.Allocation, OrderLineId = kettleLine.Id, At = Day(21) });
            await db.SaveChangesAsync();
        }
        var shipping = _services.Get<ShippingService>();
        Assert.Contains("SO-Ivy", (await shipping.GetReadyAsync()).Orders.Select(o => o.Number));

        var outcome = await _corrections.CorrectAsync(Count("KET", 5), TestActors.Merchant);

        Assert.Equal([("SO-Ivy", 2), ("SO-Cat", 1)], outcome.TakenBack.Select(t => (t.OrderNumber, t.Qty)));
        var ready = (await shipping.GetReadyAsync()).Orders.ToDictionary(o => o.Number);
        Assert.Equal(["SO-Ann", "SO-Bob", "SO-Cat"], ready.Keys.Order());
        Assert.Equal(1, ready["SO-Cat"].Lines.Single().Qty);
        await using (var db = _db.CreateDbContext())
        {
            // The cup stays set aside for Ivy, who ships complete once the kettles come back.
            Assert.Equal(1, await db.OrderLines.Where(l => l.Order.Number == "SO-Ivy" && l.Product.Sku == "CUP").Select(l => l.QtyAllocated).SingleAsync());
        }
        Assert.Equal(["SO-Cat", "SO-Dan", "SO-Ivy"], await QueueAsync("KET"));
        await AssertSoundAsync();
    }

    [Fact]
    public async Task CountAboveAllocated_TakesNothingBack()
    {
        var outcome = await _corrections.CorrectAsync(Count("KET", 8), TestActors.Merchant);

        Assert.True(outcome.Succeeded, outcome.Error);
        // Two free kettles go to Dan (1) and the rest is free.
        Assert.Empty(outcome.TakenBack);
        Assert.Equal((1, 1), (outcome.UnitsAllocated, outcome.LinesAllocated));
        await AssertSoundAsync();
    }

    [Fact]
    public async Task Increase_AllocatesOldestFirstLikeAReceipt_ReadyMessagesThenTheWaitlistOnceStockIsLeft()
    {
        var found = await _corrections.CorrectAsync(Change("MUG", 3, StockCorrectionReason.Found), TestActors.Merchant);

        Assert.True(found.Succeeded, found.Error);
        Assert.Equal((3, 2, 0), (found.UnitsAllocated, found.LinesAllocated, found.WaitlistNotified));
        var lines = await LinesAsync("MUG");
        Assert.Equal([2, 1, 0], new[] { "SO-Eve", "SO-Fay", "SO-Gus" }.Select(n => lines[n].QtyAllocated));
        await using (var db = _db.CreateDbContext())
        {
            Assert.Equal(["eve@example.com", "fay@example.com"],
                await db.Outbox.Where(m => m.Kind == MessageKind.ReadyToShip).Select(m => m.ToEmail).OrderBy(e => e).ToListAsync());
            Assert.Equal(0, await db.Outbox.CountAsync(m => m.Kind == MessageKind.BackInStock));
        }
        await AssertSoundAsync();

        var counted = await _corrections.CorrectAsync(Count("MUG", 10), TestActors.Merchant);

        Assert.True(counted.Succeeded, counted.Error);
        Assert.Equal((3, 1, 1), (counted.UnitsAllocated, counted.LinesAllocated, counted.WaitlistNotified));
        await using (var db = _db.CreateDbContext())
        {
            Assert.Equal(3, await db.Outbox.CountAsync(m => m.Kind == MessageKind.ReadyToShip));
            Assert.Equal("hal@example.com", (await db.Outbox.SingleAsync(m => m.Kind == MessageKind.BackInStock)).ToEmail);
            Assert.Equal((10, 6), await db.Products.Where(p => p.Sku == "MUG").Select(p => ValueTuple.Create(p.OnHand, p.Allocated)).SingleAsync());
        }
        await AssertSoundAsync();
    }

    [Fact]
    public async Task CountEqualToOnHand_ChangesNothingAndSaysSo()
    {
        var before = await StoredAsync();

        var outcome = await _corrections.CorrectAsync(Count("KET", 6), TestActors.Merchant);

        Assert.True(outcome.Succeeded);
        Assert.False(outcome.Changed);
        Assert.Equal("On hand is already 6: nothing was changed.", outcome.Describe(committed: true));
        Assert.Equal(before, await StoredAsync());
    }

    public static TheoryData<StockCorrectionInput, string, string> BadInputs() => new()
    {
        { Count("KET", -1), "Quantity", "The counted quantity must be between 0 and 10,000,000." },
        { Count("KET", Limits.MaxOnHand + 1), "Quantity", "The counted quantity must be between 0 and 10,000,000." },
        { Change("KET", 0, StockCorrectionReason.Correction), "Quantity", "Enter the change" },
        { Change("KET", -7, StockCorrectionReason.Lost), "Quantity", "KET has 6 on hand: taking away 7 would leave fewer than none." },
        { Change("KET", Limits.MaxOnHand, StockCorrectionReason.Found), "Quantity", "KET can have at most 10,000,000 units on hand" },
        { Change("KET", 2, StockCorrectionReason.Damaged), "Reason", "Damaged units are taken away" },
        { Change("KET", -2, StockCorrectionReason.Returned), "Reason", "Returned units are added" },
        { Change("KET", -2, StockCorrectionReason.Stocktake), "Reason", "A stocktake is a counted quantity" },
        { Change("KET", -2, (StockCorrectionReason)99), "Reason", "Choose a reason." },
        { new StockCorrectionInput { Sku = "KET", Mode = (StockCorrectionMode)9, Quantity = 1 }, "Mode", "Choose a counted quantity or a change." },
        { Count("KET", 3, new string('n', 201)), "Note", "The note can be at most 200 characters long." },
        { Count("NOPE", 3), "Sku", "There is no product with SKU “NOPE”." },
        { Count(" ", 3), "Sku", "Enter a SKU." },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadInput_IsRefusedWithTheReason_NothingStored(StockCorrectionInput input, string field, string message)
    {
        var before = await StoredAsync();

        var outcome = await _corrections.CorrectAsync(input, TestActors.Merchant);

        Assert.False(outcome.Succeeded);
        Assert.Contains(message, outcome.Error);
        Assert.Equal(field, outcome.ErrorField);
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task Many_OneBadRow_RefusesAllWithEachErrorByIndex_ThenTheCleanSheetIsSavedTogether()
    {
        var before = await StoredAsync();
        var sheet = new List<StockCorrectionInput> { Count("KET", 3), Count("NOPE", 1), Count("CUP", 4), Count("cup", 2) };

        var refused = await _corrections.CorrectManyAsync(sheet, TestActors.Merchant);

        Assert.False(refused.Succeeded);
        Assert.Equal([1, 3], refused.RowErrors.Keys.Order());
        Assert.Contains("NOPE", refused.RowErrors[1]);
        Assert.Contains("row 3", refused.RowErrors[3]);
        Assert.Equal(before, await StoredAsync());

        var saved = await _corrections.CorrectManyAsync([Count("KET", 3), Count("cup", 4), Change("MUG", 1, StockCorrectionReason.Returned)], TestActors.Merchant);

        Assert.True(saved.Succeeded, saved.Error);
        Assert.Equal([3, 4, 1], saved.Rows.Select(r => r.OnHandAfter));
        await using var db = _db.CreateDbContext();
        Assert.Equal(3, await db.StockLedger.CountAsync(e => e.Reason == StockReason.Adjustment));
        Assert.Single(await db.AuditEntries.Where(a => a.Kind == AuditKind.StockCorrection).ToListAsync());
        await AssertSoundAsync();
    }

    [Fact]
    public async Task Preview_ShowsWhatTheCorrectionWouldDo_StoresNothing()
    {
        var before = await StoredAsync();

        var preview = await _corrections.PreviewAsync(Count("KET", 3), TestActors.Merchant);

        Assert.True(preview.Succeeded, preview.Error);
        Assert.Equal(["SO-Cat", "SO-Bob"], preview.TakenBack.Select(t => t.OrderNumber));
        Assert.EndsWith("its customer will be told of the delay.", preview.Describe(committed: false));
        Assert.Equal(before, await StoredAsync());
    }

    [Theory]
    [InlineData(Roles.CustomerService)]
    [InlineData(Roles.Manager)]
    public async Task Actor_WithoutTheRight_IsRefused_NothingStored(string role)
    {
        var before = await StoredAsync();
        var actor = TestActors.ForRole(role);

        var single = await _corrections.CorrectAsync(Count("KET", 3), actor);
        var many = await _corrections.CorrectManyAsync([Count("KET", 3)], actor);

        Assert.Equal(Access.Refusal(actor, Operation.CorrectStock), single.Error);
        Assert.Equal(Access.Refusal(actor, Operation.CorrectStock), many.Error);
        Assert.False(many.Succeeded);
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task CorrectIn_NothingQueued_OneQueryNoSave_AndOnlyTheCallersCommitStoresIt()
    {
        var counter = new CommandCounter();
        var factory = _db.WithInterceptors(counter);
        var before = await StoredAsync();
        await using (var db = await factory.CreateDbContextAsync())
        {
            await using var tx = await db.BeginWriteAsync();
            var cup = await db.Products.SingleAsync(p => p.Sku == "CUP");
            counter.Reset();

            var outcome = await _corrections.CorrectInAsync(db, cup, Count("CUP", 9), Actor.SystemVia(ActorChannel.Import), Now.UtcDateTime, default);

            Assert.True(outcome.Succeeded, outcome.Error);
            Assert.Equal((true, 4), (outcome.Changed, outcome.OnHandDelta));
            Assert.Equal(1, counter.Count);
            await db.SaveChangesAsync();
            await tx.RollbackAsync();
        }
        Assert.Equal(before, await StoredAsync());

        await using (var db = await factory.CreateDbContextAsync())
        {
            await using var tx = await db.BeginWriteAsync();
            var kettle = await db.Products.SingleAsync(p => p.Sku == "KET");
            var outcome = await _corrections.CorrectInAsync(db, kettle, Count("KET", 3), Actor.SystemVia(ActorChannel.Import), Now.UtcDateTime, default);
            Assert.Equal(["SO-Cat", "SO-Bob"], outcome.TakenBack.Select(t => t.OrderNumber));
            await db.SaveChangesAsync();
            await tx.CommitAsync();
        }
        await using (var db = _db.CreateDbContext())
        {
            var row = await db.StockLedger.SingleAsync(e => e.Reason == StockReason.Adjustment);
            Assert.Equal(("system", ActorChannel.Import), (row.UserName, row.Channel));
        }
        await AssertSoundAsync();
    }
}
