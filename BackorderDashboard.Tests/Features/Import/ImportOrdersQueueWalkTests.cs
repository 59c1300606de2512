using System.Text;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Import;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Import;

/// <summary>
/// An orders file walks each product's queue once, at the end: every line must get the date, the promise, the
/// history and the confirmation it would have got had the same orders been typed in one after another. Two stores
/// alike: kettles (KET, 3 on hand, 10 on PO-1 due Dec 1, so the queue runs past the purchase order) and a product
/// with nothing inbound (WAIT).
/// </summary>
public class ImportOrdersQueueWalkTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);

    private static readonly (string Email, (string Sku, int Qty)[] Lines)[] Orders =
    [
        ("a@example.com", [("KET", 2)]),
        ("b@example.com", [("KET", 4), ("WAIT", 1)]),
        ("c@example.com", [("KET", 5)]),
        ("a@example.com", [("WAIT", 3)]),
        ("d@example.com", [("KET", 3), ("WAIT", 2)]),
        ("e@example.com", [("KET", 6)]),
    ];

    private static async Task SeedAsync(SqliteTestDatabase store)
    {
        await using var db = store.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET", onHand: 3);
        var waiting = TestData.Product(category, supplier, "WAIT");
        db.AddRange(kettle, waiting);
        db.PurchaseOrders.Add(new PurchaseOrder
        {
            Number = "PO-1", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, ExpectedDate = new DateOnly(2026, 12, 1),
            Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 10 }],
        });
        db.StockLedger.Add(new StockLedgerEntry { Product = kettle, OnHandDelta = 3, Reason = StockReason.Import, At = Now.UtcDateTime.AddDays(-10) });
        await db.SaveChangesAsync();
    }

    /// <summary>Each order's lines (units from stock, waiting, date, promise), backorder history and confirmation body, in the order placed.</summary>
    private static async Task<List<string>> OutcomeAsync(SqliteTestDatabase store)
    {
        await using var db = store.CreateDbContext();
        var orders = await db.Orders.Include(o => o.Lines).ThenInclude(l => l.Product).OrderBy(o => o.Number).ToListAsync();
        var outcome = new List<string>();
        foreach (var order in orders)
        {
            var lines = string.Join("; ", order.Lines.OrderBy(l => l.Product.Sku).Select(l =>
                $"{l.Product.Sku} {l.QtyAllocated}/{l.QtyUnfilled} eta {l.CurrentEta} promised {l.PromisedShipDate}"));
            var history = string.Join("; ", await db.OrderEvents.Where(e => e.OrderId == order.Id && e.Kind == OrderEventKind.Backordered)
                .OrderBy(e => e.Detail).Select(e => e.Detail).ToListAsync());
            var confirmation = await db.Outbox.Where(m => m.OrderId == order.Id).Select(m => m.BodyText).SingleOrDefaultAsync();
            outcome.Add($"{order.Number}: {lines} | {history} | {confirmation}");
        }
        return outcome;
    }

    [Fact]
    public async Task OrdersFile_EachLineGetsTheDatesHistoryAndConfirmationOfTheSameOrdersPlacedOneByOne()
    {
        await using var byHand = await SqliteTestDatabase.CreateAsync();
        await SeedAsync(byHand);
        await using (var services = TestServices.Create(byHand, new FixedTimeProvider(Now)))
        {
            var intake = services.Get<OrderIntakeService>();
            foreach (var (email, lines) in Orders)
            {
                var result = await intake.PlaceAsync(new NewOrderInput
                {
                    CustomerName = email, CustomerEmail = email, ShipPolicy = ShipPolicy.ShipAvailable,
                    Lines = lines.Select(l => new NewOrderLineInput { Sku = l.Sku, Qty = l.Qty }).ToList(),
                }, TestActors.Merchant);
                Assert.True(result.Succeeded, string.Join(" ", result.Errors));
            }
        }

        await using var imported = await SqliteTestDatabase.CreateAsync();
        await SeedAsync(imported);
        await using (var services = TestServices.Create(imported, new FixedTimeProvider(Now)))
        {
            var csv = new StringBuilder("order_number,placed_at,customer_email,customer_name,sku,quantity,unit_price,ship_policy\r\n");
            for (var i = 0; i < Orders.Length; i++)
            {
                foreach (var (sku, qty) in Orders[i].Lines)
                {
                    csv.Append($"EXT-{i + 1},2026-11-20 {9 + i:00}:00,{Orders[i].Email},{Orders[i].Email},{sku},{qty},20.00,ship_available\r\n");
                }
            }
            var result = await services.Get<ImportService>().CommitAsync(Encoding.UTF8.GetBytes(csv.ToString()), "orders.csv", null, TestActors.Merchant);
            Assert.True(result.Succeeded, result.Message + string.Join(" ", result.Problems.Select(p => p.Message)));
        }

        var expected = await OutcomeAsync(byHand);
        Assert.Equal(Orders.Length, expected.Count);
        // The queue runs past the purchase order: some lines are dated by it, later ones by the supplier's lead time.
        Assert.True(expected.Select(o => o.Split('|')[0]).Distinct().Count() > 2);
        Assert.Equal(expected, await OutcomeAsync(imported));
    }
}
