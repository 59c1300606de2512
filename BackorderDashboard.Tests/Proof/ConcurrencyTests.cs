using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Features.Restock;
using BackorderDashboard.Features.Shipping;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace BackorderDashboard.Tests.Proof;

/// <summary>
/// Many people at once on one product. Each action runs on a thread of its own, released together by a barrier:
/// Microsoft.Data.Sqlite runs "async" calls synchronously, so awaiting them side by side would run them one after
/// another. What keeps them apart is the write transaction (<see cref="WriteTransaction.BeginWriteAsync"/>, BEGIN
/// IMMEDIATE): without it these tests fail (SQLite refuses a deferred transaction's late write, and a receipt is applied twice).
/// </summary>
[Trait("Category", "Proof")]
public class ConcurrencyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Parallel = 32;
    private SqliteTestDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        await using var db = _db.CreateDbContext();
        await ProofStore.SeedAsync(db);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Thirty_two_different_actions_on_one_product_at_once_keep_the_store_invariants()
    {
        // Before: ten more kettles counted in, then 24 orders for one or two kettles: 11 are filled, 13 wait.
        await using (var setup = TestServices.Create(_db, new FixedTimeProvider(ProofStore.Start)))
        {
            var counted = await setup.Get<ReceivingService>().CommitAsync(new ReceiptInput
            {
                IdempotencyKey = "count", Lines = [new ReceiptLineInput { Sku = "KET", Qty = 10 }],
            }, TestActors.Merchant);
            Assert.True(counted.Succeeded, string.Join(" ", counted.Errors));
            for (var i = 0; i < 24; i++)
            {
                var placed = await setup.Get<OrderIntakeService>().PlaceAsync(Order(i, i % 3 == 0 ? ShipPolicy.ShipComplete : ShipPolicy.ShipAvailable, 1 + i % 2), TestActors.Merchant);
                Assert.True(placed.Succeeded, string.Join(" ", placed.Errors));
            }
        }
        await using (var db = _db.CreateDbContext())
        {
            await StoreInvariants.AssertAsync(db, ProofStore.Today, "before");
        }
        List<OrderLine> lines;
        await using (var db = _db.CreateDbContext())
        {
            lines = await db.OrderLines.AsNoTracking().Include(l => l.Order).Where(l => l.Product.Sku == "KET").OrderBy(l => l.Id).ToListAsync();
        }
        var allocated = lines.Where(l => l.QtyAllocated > 0 && l.Order.ShipPolicy == ShipPolicy.ShipAvailable).ToList();
        var waiting = lines.Where(l => l.QtyUnfilled > 0).ToList();
        var po1 = await PurchaseOrderIdAsync("PO-1");

        // 32 actions: 10 new orders, 6 cancellations, 6 expedites, 4 shipments, 5 ship-policy switches and the receipt of PO-1.
        var actions = new List<(string Name, Func<TestServices, Task<(bool Succeeded, string Message)>> Run)>();
        for (var i = 0; i < 10; i++)
        {
            var n = 24 + i;
            actions.Add(($"order {n}", async s =>
            {
                var r = await s.Get<OrderIntakeService>().PlaceAsync(Order(n, n % 4 == 0 ? ShipPolicy.ShipComplete : ShipPolicy.ShipAvailable, 1 + n % 3), TestActors.Merchant);
                return (r.Succeeded, r.Succeeded ? r.OrderNumber! : string.Join(" ", r.Errors));
            }));
        }
        foreach (var line in waiting.Take(3).Concat(allocated.Take(3)))
        {
            actions.Add(($"cancel line {line.Id}", async s => Result(await s.Get<BackorderService>().CancelAsync(line.Id, line.Version, "Customer asked", false, TestActors.Merchant))));
        }
        foreach (var line in waiting.Skip(3).Take(6))
        {
            actions.Add(($"expedite line {line.Id}", async s => Result(await s.Get<BackorderService>().SetExpeditedAsync(line.Id, line.Version, true, TestActors.Merchant))));
        }
        foreach (var line in allocated.Skip(3).Take(4))
        {
            actions.Add(($"ship {line.Order.Number}", async s => Result(await s.Get<ShippingService>().ShipAsync(line.OrderId, line.Order.Version, null, "UPS", null, TestActors.Merchant))));
        }
        foreach (var order in waiting.Skip(9).Select(l => l.Order).Concat(waiting.Take(3).Select(l => l.Order)).DistinctBy(o => o.Id).Take(5))
        {
            var policy = order.ShipPolicy == ShipPolicy.ShipComplete ? ShipPolicy.ShipAvailable : ShipPolicy.ShipComplete;
            actions.Add(($"{order.Number} to {policy}", async s => Result(await s.Get<BackorderService>().SetShipPolicyAsync(order.Id, order.Version, policy, TestActors.Merchant))));
        }
        actions.Add(("receive PO-1", async s =>
        {
            var r = await s.Get<ReceivingService>().CommitAsync(new ReceiptInput
            {
                IdempotencyKey = "po-1", PurchaseOrderId = po1, Lines = [new ReceiptLineInput { Sku = "KET", Qty = 8 }, new ReceiptLineInput { Sku = "MUG", Qty = 5 }],
            }, TestActors.Merchant);
            return (r.Succeeded, string.Join(" ", r.Errors));
        }));
        while (actions.Count < Parallel)
        {
            var n = 34 + actions.Count;
            actions.Add(($"order {n}", async s =>
            {
                var r = await s.Get<OrderIntakeService>().PlaceAsync(Order(n, ShipPolicy.ShipAvailable, 1), TestActors.Merchant);
                return (r.Succeeded, r.Succeeded ? r.OrderNumber! : string.Join(" ", r.Errors));
            }));
        }
        Assert.Equal(Parallel, actions.Count);
        Assert.Equal((13, 7), (waiting.Count, allocated.Count));

        var results = await AllAtOnceAsync(actions.Select(a => a.Run).ToList());

        for (var i = 0; i < actions.Count; i++)
        {
            output.WriteLine($"{actions[i].Name}: {results[i]}");
        }
        var thrown = results.Select((r, i) => (r, i)).Where(x => x.r.Error is not null).Select(x => $"{actions[x.i].Name}: {x.r.Error}").ToList();
        Assert.True(thrown.Count == 0, $"Actions failed with an exception: {string.Join(" | ", thrown)}");
        // Orders and the receipt carry no version: every one of them must go through.
        var mustSucceed = actions.Select((a, i) => (a.Name, Result: results[i])).Where(x => x.Name.StartsWith("order") || x.Name.StartsWith("receive")).ToList();
        Assert.Equal(11, mustSucceed.Count);
        Assert.Empty(mustSucceed.Where(x => !x.Result.Succeeded).Select(x => $"{x.Name}: {x.Result.Message}"));

        await using var check = _db.CreateDbContext();
        await StoreInvariants.AssertAsync(check, ProofStore.Today, "after 32 actions at once");
        Assert.Equal(24 + 10, await check.Orders.CountAsync());
        Assert.Equal(2, await check.Receipts.CountAsync());
        // Kettles: 6 + 10 counted, 8 received, less what shipped.
        var shipped = await check.ShipmentLines.Where(l => l.OrderLine.Product.Sku == "KET").SumAsync(l => l.Qty);
        Assert.Equal(24 - shipped, await check.Products.Where(p => p.Sku == "KET").Select(p => p.OnHand).SingleAsync());
    }

    [Fact]
    public async Task Thirty_two_posts_of_one_receipt_at_once_apply_it_once()
    {
        var po1 = await PurchaseOrderIdAsync("PO-1");
        var input = new ReceiptInput
        {
            IdempotencyKey = "the-same-receipt", PurchaseOrderId = po1, Lines = [new ReceiptLineInput { Sku = "KET", Qty = 8 }, new ReceiptLineInput { Sku = "MUG", Qty = 5 }],
        };
        var results = await AllAtOnceAsync(Enumerable.Range(0, Parallel).Select(_ => (Func<TestServices, Task<(bool, string)>>)(async s =>
        {
            var r = await s.Get<ReceivingService>().CommitAsync(input, TestActors.Merchant);
            return (r.Succeeded, r.AlreadyApplied ? "already applied" : r.Succeeded ? "applied" : string.Join(" ", r.Errors));
        })).ToList());

        var thrown = results.Where(r => r.Error is not null).Select(r => r.Error).ToList();
        Assert.True(thrown.Count == 0, $"Posts failed with an exception: {string.Join(" | ", thrown)}");
        Assert.Equal(Parallel, results.Count(r => r.Succeeded));
        Assert.Equal(1, results.Count(r => r.Message == "applied"));
        Assert.Equal(Parallel - 1, results.Count(r => r.Message == "already applied"));

        await using var db = _db.CreateDbContext();
        Assert.Equal(1, await db.Receipts.CountAsync());
        Assert.Equal(6 + 8, await db.Products.Where(p => p.Sku == "KET").Select(p => p.OnHand).SingleAsync());
        Assert.Equal(5, await db.Products.Where(p => p.Sku == "MUG").Select(p => p.OnHand).SingleAsync());
        Assert.Equal(2, await db.StockLedger.CountAsync(e => e.Reason == StockReason.Receipt));
        Assert.Equal(PurchaseOrderStatus.Received, await db.PurchaseOrders.Where(p => p.Id == po1).Select(p => p.Status).SingleAsync());
        await StoreInvariants.AssertAsync(db, ProofStore.Today);
    }

    private sealed record Outcome(bool Succeeded, string Message, string? Error)
    {
        public override string ToString() => Error is not null ? $"threw {Error}" : $"{(Succeeded ? "ok" : "refused")}: {Message}";
    }

    /// <summary>
    /// Runs each action on a dedicated thread with services of its own, all released by one barrier once every
    /// thread is ready (models and queries already warmed up), so they really overlap.
    /// </summary>
    private async Task<List<Outcome>> AllAtOnceAsync(IReadOnlyList<Func<TestServices, Task<(bool Succeeded, string Message)>>> actions)
    {
        var services = new List<TestServices>();
        for (var i = 0; i < actions.Count; i++)
        {
            var s = TestServices.Create(_db, new FixedTimeProvider(ProofStore.Start.AddMinutes(5)));
            await s.Get<AvailabilityService>().GetContextAsync();
            services.Add(s);
        }
        var outcomes = new Outcome[actions.Count];
        using var barrier = new Barrier(actions.Count);
        var threads = actions.Select((action, i) => new Thread(() =>
        {
            barrier.SignalAndWait();
            try
            {
                var (ok, message) = action(services[i]).GetAwaiter().GetResult();
                outcomes[i] = new Outcome(ok, message, null);
            }
            catch (Exception e)
            {
                outcomes[i] = new Outcome(false, "", $"{e.GetType().Name}: {e.Message} {e.InnerException?.Message}");
            }
        }) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        await Task.Run(() => threads.ForEach(t => Assert.True(t.Join(TimeSpan.FromSeconds(90)), "An action did not finish in 90 s.")));
        foreach (var s in services)
        {
            await s.DisposeAsync();
        }
        return outcomes.ToList();
    }

    private static NewOrderInput Order(int n, ShipPolicy policy, int qty) => new()
    {
        CustomerName = $"Customer {n % ProofStore.Customers}", CustomerEmail = ProofStore.Email(n % ProofStore.Customers), ShipPolicy = policy,
        Lines = [new NewOrderLineInput { Sku = "KET", Qty = qty }],
    };

    private static (bool, string) Result(ActionResult r) => (r.Succeeded, r.Message);

    private async Task<int> PurchaseOrderIdAsync(string number)
    {
        await using var db = _db.CreateDbContext();
        return await db.PurchaseOrders.Where(p => p.Number == number).Select(p => p.Id).SingleAsync();
    }
}
