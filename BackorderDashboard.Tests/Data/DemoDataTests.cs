using BackorderDashboard.Data;
using BackorderDashboard.Data.Demo;
using BackorderDashboard.Domain;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Data;

/// <summary>The demo store is generated once (it takes a few seconds) and checked from every side.</summary>
public sealed class DemoStoreFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 15, 30, 0, TimeSpan.Zero);

    public SqliteTestDatabase Database { get; private set; } = null!;
    public MerchantClock Clock { get; } = new(new FixedTimeProvider(Now), MerchantClock.FindZone("America/New_York"));

    public async Task InitializeAsync()
    {
        Database = await SqliteTestDatabase.CreateAsync();
        await using var db = Database.CreateDbContext();
        await DatabaseSetup.InsertAsync(db, new DemoDataGenerator().Generate(Clock, handlingDays: 1));
    }

    public async Task DisposeAsync() => await Database.DisposeAsync();
}

public class DemoDataTests(DemoStoreFixture store) : IClassFixture<DemoStoreFixture>
{
    [Fact]
    public async Task DemoStore_HasTheAdvertisedSize()
    {
        await using var db = store.Database.CreateDbContext();

        Assert.Equal(200, await db.Products.CountAsync());
        Assert.Equal(8, await db.Categories.CountAsync());
        Assert.Equal(6, await db.Suppliers.CountAsync());
        Assert.InRange(await db.Orders.CountAsync(), 2500, 3500);
        Assert.Contains(CustomerTier.Vip, await db.Customers.Select(c => c.Tier).Distinct().ToListAsync());
        Assert.Contains(CustomerTier.Standard, await db.Customers.Select(c => c.Tier).Distinct().ToListAsync());
    }

    [Fact]
    public async Task DemoStore_ShowsRealBackordersLateLinesAndRestocks()
    {
        await using var db = store.Database.CreateDbContext();

        var open = await db.OrderLines.Where(l => l.QtyUnfilled > 0).ToListAsync();
        Assert.True(open.Count >= 20, $"only {open.Count} open backorder lines");
        Assert.Contains(open, l => l.CurrentEta > l.PromisedShipDate);
        AssertAll.NonEmpty(open, l =>
        {
            Assert.NotNull(l.QueuedAt);
            Assert.NotNull(l.PromisedShipDate);
            Assert.NotNull(l.CurrentEta);
        });
        Assert.True(await db.PurchaseOrders.CountAsync(p => p.Status == PurchaseOrderStatus.Received) >= 20);
        Assert.True(await db.PurchaseOrders.CountAsync(p => p.Status == PurchaseOrderStatus.Ordered) >= 3);
        Assert.True(await db.StockLedger.CountAsync(e => e.Reason == StockReason.Receipt) >= 20);
        Assert.True(await db.Shipments.CountAsync() > 1000);

        // The backorder rate is a real problem to look at, not 0% and not everything.
        var orders = await db.Orders.CountAsync();
        var backordered = await db.Orders.CountAsync(o => o.Lines.Any(l => l.QtyBackorderedAtPlacement > 0));
        Assert.InRange(100.0 * backordered / orders, 5, 30);
    }

    [Fact]
    public async Task DemoStore_StockTotalsEqualTheLedger()
    {
        await using var db = store.Database.CreateDbContext();

        var mismatches = await db.Products
            .Select(p => new
            {
                p.Sku,
                p.OnHand,
                p.Allocated,
                LedgerOnHand = db.StockLedger.Where(e => e.ProductId == p.Id).Sum(e => e.OnHandDelta),
                LedgerAllocated = db.StockLedger.Where(e => e.ProductId == p.Id).Sum(e => e.AllocatedDelta),
                LinesAllocated = db.OrderLines.Where(l => l.ProductId == p.Id).Sum(l => l.QtyAllocated),
            })
            .Where(p => p.OnHand != p.LedgerOnHand || p.Allocated != p.LedgerAllocated || p.Allocated != p.LinesAllocated
                || p.OnHand < 0 || p.Allocated > p.OnHand)
            .ToListAsync();

        Assert.Empty(mismatches);
    }

    [Fact]
    public async Task DemoStore_EveryLineAddsUp()
    {
        await using var db = store.Database.CreateDbContext();

        var bad = await db.OrderLines
            .Where(l => l.Qty != l.QtyAllocated + l.QtyShipped + l.QtyCancelled + l.QtyUnfilled || l.QtyUnfilled < 0)
            .CountAsync();
        var shippedMismatch = await db.OrderLines
            .Where(l => l.QtyShipped != db.ShipmentLines.Where(s => s.OrderLineId == l.Id).Sum(s => s.Qty))
            .CountAsync();

        Assert.Equal(0, bad);
        Assert.Equal(0, shippedMismatch);
    }

    [Fact]
    public async Task DemoStore_DatesAreRelativeToToday()
    {
        await using var db = store.Database.CreateDbContext();

        var first = await db.Orders.MinAsync(o => o.PlacedAt);
        var last = await db.Orders.MaxAsync(o => o.PlacedAt);

        Assert.True(last <= DemoStoreFixture.Now.UtcDateTime);
        Assert.True(DemoStoreFixture.Now.UtcDateTime - last < TimeSpan.FromDays(1), $"last order at {last:u}");
        Assert.InRange((DemoStoreFixture.Now.UtcDateTime - first).TotalDays, DemoDataGenerator.Days - 1, DemoDataGenerator.Days + 1);
        Assert.True(await db.PurchaseOrders.AnyAsync(p => p.Status == PurchaseOrderStatus.Ordered && p.ExpectedDate > store.Clock.Today));
    }

    [Fact]
    public async Task DemoStore_OrdersHaveTheirHistoryAndMessages_AsTheAppWritesThem()
    {
        await using var db = store.Database.CreateDbContext();

        // Every order starts with "placed"; every line that waited has its backordered row and its customer a confirmation.
        Assert.Equal(await db.Orders.CountAsync(), await db.OrderEvents.CountAsync(e => e.Kind == OrderEventKind.Placed));
        var backorderedLines = await db.OrderLines.CountAsync(l => l.QtyBackorderedAtPlacement > 0);
        Assert.Equal(backorderedLines, await db.OrderEvents.CountAsync(e => e.Kind == OrderEventKind.Backordered));
        Assert.Equal(await db.Orders.CountAsync(o => o.Lines.Any(l => l.QtyBackorderedAtPlacement > 0)),
            await db.Outbox.CountAsync(m => m.Kind == MessageKind.BackorderConfirmation));
        Assert.Equal(await db.Shipments.CountAsync(), await db.OrderEvents.CountAsync(e => e.Kind == OrderEventKind.Shipped));
        Assert.Equal(await db.Shipments.CountAsync(), await db.Outbox.CountAsync(m => m.Kind == MessageKind.Shipped));
        Assert.True(await db.OrderEvents.CountAsync(e => e.Kind == OrderEventKind.Allocated) > 50);

        // A late line was told once, with a delay note that lets the customer cancel that line.
        var late = await db.OrderLines.Where(l => l.QtyUnfilled > 0 && l.CurrentEta > l.PromisedShipDate).Select(l => l.Id).ToListAsync();
        var delays = await db.Outbox.Where(m => m.Kind == MessageKind.Delay).Select(m => m.OrderLineId).ToListAsync();
        Assert.NotEmpty(late);
        Assert.Equal(late.Order(), delays.Select(d => d!.Value).Order());

        // Before today they went out; today's wait for the dispatcher; nothing is dated in the future.
        var startOfToday = store.Clock.StartOfDayUtc(store.Clock.Today);
        Assert.False(await db.Outbox.AnyAsync(m => m.CreatedAt < startOfToday && m.State != MessageState.Sent));
        Assert.False(await db.Outbox.AnyAsync(m => m.CreatedAt >= startOfToday && m.State != MessageState.Pending));
        Assert.False(await db.Outbox.AnyAsync(m => m.CreatedAt > DemoStoreFixture.Now.UtcDateTime));
        Assert.False(await db.OrderEvents.AnyAsync(e => e.At > DemoStoreFixture.Now.UtcDateTime));
        AssertAll.NonEmpty(await db.Outbox.Select(m => m.BodyText).Take(50).ToListAsync(), body => Assert.StartsWith("Hello ", body));
    }

    [Fact]
    public void Generate_SameSeedAndDay_GivesTheSameStore()
    {
        var a = new DemoDataGenerator().Generate(store.Clock, 1);
        var b = new DemoDataGenerator().Generate(store.Clock, 1);
        var other = new DemoDataGenerator(seed: 7).Generate(store.Clock, 1);

        static string Fingerprint(DemoData d) => string.Join("|",
            d.Products.Select(p => $"{p.Sku}:{p.Name}:{p.OnHand}:{p.Allocated}").Concat(
            d.OrderLines.Select(l => $"{l.OrderId}:{l.ProductId}:{l.Qty}:{l.QtyShipped}:{l.PromisedShipDate}:{l.CurrentEta}")).Concat(
            d.Orders.Select(o => $"{o.Number}:{o.CustomerId}:{o.PlacedAt:O}")));

        Assert.Equal(Fingerprint(a), Fingerprint(b));
        Assert.NotEqual(Fingerprint(a), Fingerprint(other));
        // Tracking tokens are real secrets even in the demo: never derived from the seed.
        Assert.NotEqual(a.Orders[0].TrackingToken, b.Orders[0].TrackingToken);
    }
}
