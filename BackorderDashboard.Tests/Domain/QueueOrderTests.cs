using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Domain;

/// <summary>
/// Queue order written as LINQ, as SQL text and in memory gives the same queue and the same places in line, on a
/// queue with ties in priority and in queued-at, lines without a queued-at, and lines no longer waiting.
/// </summary>
public class QueueOrderTests : IAsyncLifetime
{
    private static readonly DateTime T0 = new(2026, 11, 1, 9, 0, 0, DateTimeKind.Utc);
    private SqliteTestDatabase _db = null!;
    private int _kettle;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET");
        var mug = TestData.Product(category, supplier, "MUG");
        db.AddRange(kettle, mug);
        var order = TestData.Order(TestData.Customer("Amy", "amy@example.com"), "SO-1", T0);
        (QueuePriority Priority, DateTime? Queued, int Qty, int Shipped)[] lines =
        [
            (QueuePriority.Standard, T0.AddHours(2), 2, 0),
            (QueuePriority.Standard, T0.AddHours(1), 1, 0),
            (QueuePriority.Standard, T0.AddHours(1), 3, 0),   // same time as the one before: the line id decides
            (QueuePriority.Expedited, T0.AddHours(5), 4, 0),
            (QueuePriority.Vip, T0.AddHours(1), 1, 0),
            (QueuePriority.Vip, T0.AddHours(1), 2, 0),
            (QueuePriority.Standard, null, 5, 0),            // no queued-at (taken back from an allocation)
            (QueuePriority.Standard, null, 1, 0),
            (QueuePriority.Vip, null, 2, 0),
            (QueuePriority.Expedited, T0, 3, 3),              // shipped: not waiting
            (QueuePriority.Standard, T0.AddHours(3), 6, 0),
        ];
        foreach (var (priority, queued, qty, shipped) in lines)
        {
            order.Lines.Add(new OrderLine { Product = kettle, Qty = qty, QtyShipped = shipped, Priority = priority, QueuedAt = queued });
        }
        order.Lines.Add(new OrderLine { Product = mug, Qty = 9, Priority = QueuePriority.Expedited, QueuedAt = T0 });
        db.Add(order);
        await db.SaveChangesAsync();
        _kettle = kettle.Id;
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private sealed record Place(int Id, int Ahead, long Units);

    [Fact]
    public async Task QueueOrder_LinqSqlAndMemory_GiveTheSameQueue()
    {
        await using var db = _db.CreateDbContext();
        var waiting = db.OrderLines.AsNoTracking().Where(l => l.ProductId == _kettle && l.QtyUnfilled > 0);
        var linq = await waiting.InQueueOrder().Select(l => l.Id).ToListAsync();
        await db.Database.OpenConnectionAsync();
        var sql = (await db.Database.GetDbConnection().Command(
                $"SELECT l.Id, 0 AS Ahead, 0 AS Units FROM OrderLines l WHERE l.ProductId = $p AND l.QtyUnfilled > 0 ORDER BY {QueueOrder.OrderBySql("l")}",
                ("p", _kettle)).ListAsync<Place>(default))
            .Select(p => p.Id).ToList();
        var memory = (await waiting.ToListAsync()).OrderBy(l => l, QueueOrder.Comparer).Select(l => l.Id).ToList();

        Assert.Equal(10, linq.Count);
        Assert.Equal(linq, sql);
        Assert.Equal(linq, memory);
        // Expedited, then VIP (the one without a queued-at first, then by line id), then standard ones the same way.
        var all = await db.OrderLines.AsNoTracking().OrderBy(l => l.Id).Select(l => l.Id).ToListAsync();
        Assert.Equal(new[] { 3, 8, 4, 5, 6, 7, 1, 2, 0, 10 }.Select(i => all[i]), linq);
    }

    [Fact]
    public async Task LinesAhead_LinqAndSql_CountThePlaceInLineOfTheQueueOrder()
    {
        await using var db = _db.CreateDbContext();
        var queue = await db.OrderLines.AsNoTracking().Where(l => l.ProductId == _kettle && l.QtyUnfilled > 0).InQueueOrder()
            .Select(l => new { l.Id, l.QtyUnfilled }).ToListAsync();
        var expected = queue.Select((l, i) => new Place(l.Id, i, queue.Take(i).Sum(q => q.QtyUnfilled))).ToList();

        var linq = await db.OrderLines.AsNoTracking().Where(l => l.ProductId == _kettle && l.QtyUnfilled > 0)
            .Select(l => new { l.Id, Ahead = db.OrderLines.LinesAhead(l).Count(), Units = db.OrderLines.LinesAhead(l).Sum(o => o.QtyUnfilled) })
            .WithRules().ToListAsync();
        await db.Database.OpenConnectionAsync();
        var sql = await db.Database.GetDbConnection().Command($"""
            SELECT l.Id,
                   (SELECT COUNT(*) FROM OrderLines o WHERE o.ProductId = l.ProductId AND o.QtyUnfilled > 0 AND {QueueOrder.IsAheadSql("o", "l")}) AS Ahead,
                   (SELECT TOTAL(o.QtyUnfilled) FROM OrderLines o WHERE o.ProductId = l.ProductId AND o.QtyUnfilled > 0 AND {QueueOrder.IsAheadSql("o", "l")}) AS Units
            FROM OrderLines l WHERE l.ProductId = $p AND l.QtyUnfilled > 0
            """, ("p", _kettle)).ListAsync<Place>(default);
        var lines = await db.OrderLines.AsNoTracking().Where(l => l.ProductId == _kettle && l.QtyUnfilled > 0).ToListAsync();
        var memory = lines.Select(l => new Place(l.Id, lines.Count(o => QueueOrder.IsAhead(o, l)),
            lines.Where(o => QueueOrder.IsAhead(o, l)).Sum(o => o.QtyUnfilled))).ToList();

        Assert.Equal(expected, linq.Select(l => new Place(l.Id, l.Ahead, l.Units)).OrderBy(p => p.Ahead));
        Assert.Equal(expected, sql.OrderBy(p => p.Ahead));
        Assert.Equal(expected, memory.OrderBy(p => p.Ahead));
    }

    [Theory]
    [InlineData(CustomerTier.Standard, false, false, QueuePriority.Standard)]
    [InlineData(CustomerTier.Vip, false, false, QueuePriority.Standard)]
    [InlineData(CustomerTier.Vip, true, false, QueuePriority.Vip)]
    [InlineData(CustomerTier.Standard, true, false, QueuePriority.Standard)]
    [InlineData(CustomerTier.Standard, false, true, QueuePriority.Expedited)]
    [InlineData(CustomerTier.Vip, true, true, QueuePriority.Expedited)]
    public void Priority_ByTierSettingAndExpedite_ExpediteOnTopOfVipFirst(CustomerTier tier, bool vipFirst, bool expedited, QueuePriority expected) =>
        Assert.Equal(expected, QueuePriorities.For(tier, vipFirst, expedited));
}
