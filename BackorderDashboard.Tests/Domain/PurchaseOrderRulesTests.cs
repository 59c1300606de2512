using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Domain;

/// <summary>"Open purchase order" in C#, in an EF query and as SQL text picks the same orders, of every status.</summary>
public class PurchaseOrderRulesTests
{
    private sealed record Row(int Id);

    [Fact]
    public async Task IsOpen_CSharpLinqAndSql_PickTheSameOrders_OrderedAndPartlyReceivedOnly()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        await using var db = database.CreateDbContext();
        var (_, supplier) = await TestData.AddCatalogAsync(db);
        var statuses = Enum.GetValues<PurchaseOrderStatus>();
        var pos = statuses.Select((s, i) => new PurchaseOrder { Number = $"PO-{i}", Supplier = supplier, Status = s, ExpectedDate = new(2026, 12, 1) }).ToList();
        db.AddRange(pos);
        await db.SaveChangesAsync();

        var csharp = pos.Where(p => p.Status.IsOpen()).Select(p => p.Id).Order().ToList();
        var linq = await db.PurchaseOrders.Where(p => p.Status.IsOpen()).WithRules().Select(p => p.Id).OrderBy(id => id).ToListAsync();
        await db.Database.OpenConnectionAsync();
        var sql = (await db.Database.GetDbConnection().Command($"SELECT po.Id FROM PurchaseOrders po WHERE {PurchaseOrderRules.IsOpenSql("po")} ORDER BY po.Id")
            .ListAsync<Row>(default)).Select(r => r.Id).ToList();

        Assert.Equal(pos.Where(p => p.Status is PurchaseOrderStatus.Ordered or PurchaseOrderStatus.PartiallyReceived).Select(p => p.Id), csharp);
        Assert.Equal(csharp, linq);
        Assert.Equal(csharp, sql);
    }

    [Fact]
    public async Task IsOverdue_CSharpAndLinq_PickOpenOrdersDueBeforeToday_NotDraftsOrClosedOnes()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        await using var db = database.CreateDbContext();
        var (_, supplier) = await TestData.AddCatalogAsync(db);
        var today = new DateOnly(2026, 12, 1);
        var pos = Enum.GetValues<PurchaseOrderStatus>()
            .SelectMany(s => new[] { today.AddDays(-1), today, today.AddDays(1) }.Select(d => (Status: s, Expected: d)))
            .Select((x, i) => new PurchaseOrder { Number = $"PO-{i}", Supplier = supplier, Status = x.Status, ExpectedDate = x.Expected })
            .ToList();
        db.AddRange(pos);
        await db.SaveChangesAsync();

        var csharp = pos.Where(p => p.Status.IsOverdue(p.ExpectedDate, today)).Select(p => p.Id).Order().ToList();
        var linq = await db.PurchaseOrders.Where(p => p.Status.IsOverdue(p.ExpectedDate, today)).WithRules()
            .Select(p => p.Id).OrderBy(id => id).ToListAsync();

        Assert.Equal(pos.Where(p => p.Status is PurchaseOrderStatus.Ordered or PurchaseOrderStatus.PartiallyReceived && p.ExpectedDate < today)
            .Select(p => p.Id), csharp);
        Assert.Equal(2, csharp.Count);
        Assert.Equal(csharp, linq);
    }
}
