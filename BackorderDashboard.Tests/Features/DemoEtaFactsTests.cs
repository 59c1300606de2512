using BackorderDashboard.Data;
using BackorderDashboard.Features.Restock;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features;

/// <summary>
/// The demo store's dates checked against facts that do not come from the rule that made them: a purchase order
/// moved by a week moves the dates of exactly the lines it brings, by that week, and no other date in the store.
/// </summary>
public sealed class DemoEtaFactsTests(DemoStoreTemplate template) : IClassFixture<DemoStoreTemplate>, IAsyncLifetime
{
    private SqliteTestDatabase _db = null!;
    private TestServices _app = null!;

    public async Task InitializeAsync()
    {
        _db = await template.CopyAsync();
        _app = TestServices.Create(_db, new FixedTimeProvider(DemoStoreTemplate.Now));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task PurchaseOrderMovedAWeek_TheLinesItBringsShipAWeekLater_NoOtherDateMoves()
    {
        var today = DateOnly.FromDateTime(DemoStoreTemplate.Now.UtcDateTime); // 10:30 in New York: the same day
        Dictionary<int, (int ProductId, DateOnly? Eta)> before;
        int poId;
        DateOnly arrives;
        Dictionary<int, int> handling;
        await using (var db = _db.CreateDbContext())
        {
            // A purchase order due from today on whose every product waits on it alone (no other open line, no pre-order date).
            var open = await db.PurchaseOrderLines
                .Where(l => (l.PurchaseOrder.Status == PurchaseOrderStatus.Ordered || l.PurchaseOrder.Status == PurchaseOrderStatus.PartiallyReceived)
                    && l.QtyOrdered > l.QtyReceived)
                .Select(l => new { l.ProductId, l.PurchaseOrderId, l.PurchaseOrder.ExpectedDate, l.Product.PreorderReleaseDate, l.Product.HandlingDays })
                .ToListAsync();
            before = await db.OrderLines.Where(l => l.QtyUnfilled > 0).ToDictionaryAsync(l => l.Id, l => (l.ProductId, l.CurrentEta));
            var waiting = before.Values.Select(v => v.ProductId).ToHashSet();
            var linesPerProduct = open.GroupBy(l => l.ProductId).ToDictionary(g => g.Key, g => g.Count());
            var chosen = open.GroupBy(l => l.PurchaseOrderId)
                .Where(po => po.All(l => linesPerProduct[l.ProductId] == 1 && l.PreorderReleaseDate is null && l.ExpectedDate >= today)
                    && po.Any(l => waiting.Contains(l.ProductId)))
                .OrderBy(po => po.Key).First().ToList();
            (poId, arrives) = (chosen[0].PurchaseOrderId, chosen[0].ExpectedDate);
            var defaultHandling = (await db.MerchantSettings.SingleAsync()).DefaultHandlingDays;
            handling = chosen.ToDictionary(l => l.ProductId, l => l.HandlingDays ?? defaultHandling);
        }
        // The lines that purchase order brings ship on its expected day plus their product's handling days; the others
        // on its products wait beyond it (their dates come from the supplier's lead time), and other products' not at all.
        var brought = before.Where(l => handling.TryGetValue(l.Value.ProductId, out var days) && l.Value.Eta == arrives.AddDays(days))
            .Select(l => l.Key).ToList();
        Assert.NotEmpty(brought);

        var purchaseOrders = _app.Get<PurchaseOrderService>();
        var po = (await purchaseOrders.GetAsync(poId))!;
        await purchaseOrders.ChangeExpectedDateAsync(po.Id, po.Version, po.ExpectedDate.AddDays(7), TestActors.Merchant, commit: true);

        await using var check = _db.CreateDbContext();
        var after = await check.OrderLines.Where(l => l.QtyUnfilled > 0).ToDictionaryAsync(l => l.Id, l => l.CurrentEta);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        var moved = before.Where(l => after[l.Key] != l.Value.Eta).ToDictionary(l => l.Key, l => (l.Value.Eta, After: after[l.Key]));
        Assert.True(brought.Order().SequenceEqual(moved.Keys.Order()),
            $"PO arrives {arrives}; brought [{string.Join(", ", brought.Order())}]; moved: "
            + string.Join("; ", moved.OrderBy(m => m.Key).Select(m => $"{m.Key} on product {before[m.Key].ProductId}: {m.Value.Eta} -> {m.Value.After}")));
        AssertAll.NonEmpty(moved.Values, m => Assert.Equal(m.Eta!.Value.AddDays(7), m.After));
    }
}
