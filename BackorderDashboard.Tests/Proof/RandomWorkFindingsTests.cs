using BackorderDashboard.Data;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Features.Restock;
using BackorderDashboard.Features.Shipping;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Proof;

/// <summary>
/// Short sequences random work once broke, kept as plain tests on the random tests' store (<see cref="ProofStore"/>:
/// 6 kettles and 3 pans on hand, no mugs or lids).
/// </summary>
[Trait("Category", "Proof")]
public class RandomWorkFindingsTests : IAsyncLifetime
{
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        await using (var db = _db.CreateDbContext())
        {
            await ProofStore.SeedAsync(db);
        }
        _services = TestServices.Create(_db, new FixedTimeProvider(ProofStore.Start));
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task A_customer_told_a_product_is_back_can_join_its_waitlist_again()
    {
        var line = await PlaceAsync(2, ShipPolicy.ShipAvailable, ("KET", 8));
        Assert.True((await CancelAsync(line, joinWaitlist: true)).Succeeded);
        // Stock comes in with nobody waiting: the waitlist hears it is back.
        var receipt = await _services.Get<ReceivingService>().CommitAsync(new ReceiptInput
        {
            IdempotencyKey = "back-in", Lines = [new ReceiptLineInput { Sku = "KET", Qty = 1 }],
        }, TestActors.Merchant);
        Assert.Equal(1, Assert.Single(receipt.Products).WaitlistNotified);

        var again = await PlaceAsync(2, ShipPolicy.ShipAvailable, ("KET", 1));
        var result = await CancelAsync(again, joinWaitlist: true);

        Assert.True(result.Succeeded, result.Message);
        await using var db = _db.CreateDbContext();
        var entry = await db.Waitlist.AsNoTracking().SingleAsync(w => w.Customer.Email == ProofStore.Email(2));
        Assert.Null(entry.NotifiedAt);
        await StoreInvariants.AssertAsync(db, ProofStore.Today);
    }

    [Fact]
    public async Task Cancelling_the_line_that_held_a_ship_complete_order_lets_the_rest_of_it_take_free_stock()
    {
        var mugs = await PlaceAsync(3, ShipPolicy.ShipComplete, ("MUG", 2), ("LID", 2));
        // Two lids arrive; the order can't take them while its mugs are missing, so they stay free.
        await _services.Get<ReceivingService>().CommitAsync(new ReceiptInput
        {
            IdempotencyKey = "lids", Lines = [new ReceiptLineInput { Sku = "LID", Qty = 2 }],
        }, TestActors.Merchant);

        Assert.True((await CancelAsync(mugs, joinWaitlist: false)).Succeeded);

        await using var db = _db.CreateDbContext();
        var lid = await db.OrderLines.AsNoTracking().SingleAsync(l => l.OrderId == mugs.OrderId && l.Product.Sku == "LID");
        Assert.Equal((2, 0), (lid.QtyAllocated, lid.QtyUnfilled));
        var (ready, _) = await _services.Get<ShippingService>().GetReadyAsync();
        Assert.Contains(ready, o => o.OrderId == mugs.OrderId);
        await StoreInvariants.AssertAsync(db, ProofStore.Today);
    }

    [Fact]
    public async Task A_ship_complete_order_completed_by_a_receipt_leaves_its_other_products_queues_dated_by_the_rule()
    {
        // Customer 3 waits for a mug and a lid, shipping complete; customer 4 waits for 3 lids behind.
        await PlaceAsync(3, ShipPolicy.ShipComplete, ("MUG", 1), ("LID", 2));
        await PlaceAsync(4, ShipPolicy.ShipComplete, ("LID", 3));
        await _services.Get<ReceivingService>().CommitAsync(new ReceiptInput
        {
            IdempotencyKey = "lids", Lines = [new ReceiptLineInput { Sku = "LID", Qty = 2 }],
        }, TestActors.Merchant);

        // The mug completes customer 3's order, which takes the two free lids: customer 4 is now first for lids.
        await _services.Get<ReceivingService>().CommitAsync(new ReceiptInput
        {
            IdempotencyKey = "mug", Lines = [new ReceiptLineInput { Sku = "MUG", Qty = 1 }],
        }, TestActors.Merchant);

        await using var db = _db.CreateDbContext();
        Assert.Equal(2, await db.OrderLines.Where(l => l.Order.Customer.Email == ProofStore.Email(3) && l.Product.Sku == "LID").Select(l => l.QtyAllocated).SingleAsync());
        await StoreInvariants.AssertAsync(db, ProofStore.Today);
    }

    private async Task<OrderLine> PlaceAsync(int customer, ShipPolicy policy, params (string Sku, int Qty)[] lines)
    {
        var result = await _services.Get<OrderIntakeService>().PlaceAsync(new NewOrderInput
        {
            CustomerName = $"Customer {customer}", CustomerEmail = ProofStore.Email(customer), ShipPolicy = policy,
            Lines = lines.Select(l => new NewOrderLineInput { Sku = l.Sku, Qty = l.Qty }).ToList(),
        }, TestActors.Merchant);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors));
        await using var db = _db.CreateDbContext();
        return await db.OrderLines.AsNoTracking().Where(l => l.Order.Number == result.OrderNumber && l.Product.Sku == lines[0].Sku).SingleAsync();
    }

    private async Task<ActionResult> CancelAsync(OrderLine line, bool joinWaitlist)
    {
        await using var db = _db.CreateDbContext();
        var version = await db.OrderLines.Where(l => l.Id == line.Id).Select(l => l.Version).SingleAsync();
        return await _services.Get<BackorderService>().CancelAsync(line.Id, version, "Customer asked", joinWaitlist, TestActors.Merchant);
    }
}
