using BackorderDashboard.Data;
using Microsoft.Data.Sqlite;

namespace BackorderDashboard.Tests.Data;

public class DatabaseSetupTests
{
    [Fact]
    public void ResolveConnectionString_RelativeFile_IsUnderTheContentRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), "shop");

        var resolved = new SqliteConnectionStringBuilder(
            DatabaseSetup.ResolveConnectionString("Data Source=Data/backorders.db", root));

        Assert.Equal(Path.Combine(root, "Data", "backorders.db"), resolved.DataSource);
    }

    [Fact]
    public void ResolveConnectionString_AbsoluteFileOrMemory_IsLeftAlone()
    {
        var absolute = Path.Combine(Path.GetTempPath(), "elsewhere.db");

        Assert.Equal(absolute, new SqliteConnectionStringBuilder(
            DatabaseSetup.ResolveConnectionString($"Data Source={absolute}", "/srv")).DataSource);
        Assert.Equal(":memory:", new SqliteConnectionStringBuilder(
            DatabaseSetup.ResolveConnectionString("Data Source=:memory:", "/srv")).DataSource);
    }
}

public class MigrationTests
{
    [Fact]
    public async Task Migrations_CoverEveryModelChange()
    {
        await using var database = await BackorderDashboard.Tests.TestSupport.SqliteTestDatabase.CreateAsync();
        await using var db = database.CreateDbContext();

        Assert.False(Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.HasPendingModelChanges(db.Database),
            "the model has changed since the last migration: add one with dotnet ef migrations add");
    }
}
