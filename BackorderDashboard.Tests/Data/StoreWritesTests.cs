using BackorderDashboard.Data;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Data;

/// <summary>The write number that lets the storefront's reads be kept: raised by every committed write, and only by those.</summary>
public sealed class StoreWritesTests : IAsyncLifetime
{
    private SqliteTestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await SqliteTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task EveryKindOfCommittedWrite_RaisesTheNumber_ReadsAndRollbacksDoNot()
    {
        await using var db = _db.CreateDbContext();
        var start = StoreWrites.VersionOf(db);

        await db.Categories.CountAsync();
        Assert.Equal(start, StoreWrites.VersionOf(db));

        db.Categories.Add(new Category { Name = "Saved alone" });
        await db.SaveChangesAsync();
        var afterSave = StoreWrites.VersionOf(db);
        Assert.True(afterSave > start);

        await using (var tx = await db.BeginWriteAsync())
        {
            db.Categories.Add(new Category { Name = "Rolled back" });
            await db.SaveChangesAsync();
            Assert.Equal(afterSave, StoreWrites.VersionOf(db));
            await tx.RollbackAsync();
        }
        db.ChangeTracker.Clear();
        Assert.Equal(afterSave, StoreWrites.VersionOf(db));

        await using (var tx = await db.BeginWriteAsync())
        {
            db.Categories.Add(new Category { Name = "Committed" });
            await db.SaveChangesAsync();
            Assert.Equal(afterSave, StoreWrites.VersionOf(db));
            await tx.CommitAsync();
        }
        var afterCommit = StoreWrites.VersionOf(db);
        Assert.True(afterCommit > afterSave);

        await db.Categories.Where(c => c.Name == "Committed").ExecuteUpdateAsync(s => s.SetProperty(c => c.Name, "Renamed"));
        Assert.True(StoreWrites.VersionOf(db) > afterCommit);

        // Another context on the same database file shares the number.
        await using var other = _db.CreateDbContext();
        Assert.Equal(StoreWrites.VersionOf(db), StoreWrites.VersionOf(other));
    }

    [Fact]
    public void Cache_ServesOnlyUnderTheNumberAndDayItWasReadUnder_AndNeverGoesBack()
    {
        var cache = new StoreVersionedCache<string, int>();
        var day = new DateOnly(2026, 12, 3);
        cache.Set(5, day, "A", 1);

        Assert.True(cache.TryGet(5, day, "A", out var kept) && kept == 1);
        Assert.False(cache.TryGet(6, day, "A", out _));
        Assert.False(cache.TryGet(5, day.AddDays(1), "A", out _));

        cache.Set(6, day, "A", 2);
        cache.Set(5, day, "A", 99);
        Assert.False(cache.TryGet(5, day, "A", out _));
        Assert.True(cache.TryGet(6, day, "A", out kept) && kept == 2);
    }
}
