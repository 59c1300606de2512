using BackorderDashboard.Data;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Integration;

/// <summary>The database as the running app opens it: first-run setup, WAL, busy timeout.</summary>
[Collection(AppCollection.Name)]
public class DatabaseTests(AppFactory app)
{
    [Fact]
    public async Task AppDatabase_IsInWalModeWithABusyTimeout()
    {
        _ = app.BaseUrl; // starts the app, which creates and migrates its database
        var factory = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();

        var journal = await db.Database.SqlQueryRaw<string>("SELECT journal_mode AS Value FROM pragma_journal_mode").SingleAsync();
        var timeout = await db.Database.SqlQueryRaw<int>("SELECT timeout AS Value FROM pragma_busy_timeout").SingleAsync();

        Assert.Equal("wal", journal);
        Assert.Equal(10_000, timeout);
    }

    [Fact]
    public async Task FirstRun_SeedsTheDemoStoreSettingsAndLogins()
    {
        _ = app.BaseUrl;
        var factory = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await factory.CreateDbContextAsync();

        // Browser tests add their own products (SKU prefix below) to this shared store.
        Assert.Equal(200, await db.Products.CountAsync(p => !p.Sku.StartsWith(AppFactory.TestSkuPrefix)));
        Assert.True(await db.Orders.CountAsync() > 2500);
        Assert.Equal("America/New_York", (await db.MerchantSettings.SingleAsync()).TimeZoneId);
        foreach (var (email, role) in DemoOptions.Logins)
        {
            var roles = await db.Users.Where(u => u.Email == email)
                .SelectMany(u => db.UserRoles.Where(r => r.UserId == u.Id))
                .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name)
                .ToListAsync();
            Assert.Equal([role], roles);
        }
    }
}
