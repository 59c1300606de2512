using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Data;

/// <summary>Hand-written SQL read by column name into records, with named parameters.</summary>
public class SqlTests
{
    private sealed record Row(string Name, long Count, int? Missing, QueuePriority Priority, DateOnly Day, double? Share);

    [Fact]
    public async Task ListAsync_ColumnsInAnyOrderAndCase_MapToTheRecordByName()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        await using var db = database.CreateDbContext();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        const string sql = "SELECT $day AS day, NULL AS Share, 2 AS PRIORITY, NULL AS Missing, $n * 2 AS Count, $name AS Name";

        var first = await connection.Command(sql, ("day", "2026-12-05"), ("$n", 21), ("name", "kettle")).ListAsync<Row>(default);
        var again = await connection.Command(sql, ("day", "2026-12-06"), ("$n", 1), ("name", null)).ListAsync<Row>(default);

        Assert.Equal(new Row("kettle", 42, null, QueuePriority.Expedited, new DateOnly(2026, 12, 5), null), Assert.Single(first));
        Assert.Equal(new Row(null!, 2, null, QueuePriority.Expedited, new DateOnly(2026, 12, 6), null), Assert.Single(again));
    }

    [Fact]
    public async Task ListAsync_ColumnMissing_SaysWhichOne()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        await using var db = database.CreateDbContext();
        await db.Database.OpenConnectionAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            db.Database.GetDbConnection().Command("SELECT 1 AS Name, 2 AS Count").ListAsync<Row>(default));
        Assert.Contains("Missing", error.Message);
    }
}
