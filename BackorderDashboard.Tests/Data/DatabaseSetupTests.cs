using Microsoft.Extensions.Configuration;
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

public class DemoOptionsTests
{
    private static (bool SeedData, bool SeedUsers) Resolve(string environment, params (string Key, string Value)[] settings)
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        return DemoOptions.Resolve(configuration, new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = environment });
    }

    [Fact]
    public void Resolve_NothingSet_SeedsOnlyInDevelopment()
    {
        Assert.Equal((true, true), Resolve("Development"));
        Assert.Equal((false, false), Resolve("Production"));
        Assert.Equal((false, false), Resolve("Staging"));
    }

    [Fact]
    public void Resolve_SetExplicitly_WinsOverTheEnvironment()
    {
        Assert.Equal((false, true), Resolve("Production", ("Demo:SeedUsers", "true")));
        Assert.Equal((true, false), Resolve("Development", ("Demo:SeedUsers", "false")));
    }

    [Fact]
    public void BaseSettings_DoNotSwitchTheDemoOn()
    {
        var settings = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "appsettings.json"));

        Assert.DoesNotContain("\"Demo\"", settings);
        Assert.DoesNotContain("SeedUsers", settings);
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
