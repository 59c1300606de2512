using BackorderDashboard.Benchmarks;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Audit;
using BackorderDashboard.Features.Api;
using BackorderDashboard.Hosting;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Features.Api;

/// <summary>Making, listing, revoking and checking API keys on a real SQLite store.</summary>
public sealed class ApiKeyServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 15, 0, 0, TimeSpan.Zero);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private readonly FixedTimeProvider _time = new(Now);

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, _time);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private ApiKeyService Keys => _services.Get<ApiKeyService>();

    [Fact]
    public async Task Create_AdminGetsAKeyOnce_StoredAsItsHashWithScopesInTheTablesOrder_AndAudited()
    {
        var created = await Keys.CreateAsync("  Shop theme ", [Access.Scopes.OrdersWrite, Access.Scopes.AvailabilityRead], TestActors.Admin);

        Assert.True(created.Succeeded);
        Assert.StartsWith(ApiKeyService.KeyPrefix, created.Key);
        Assert.True(created.Key.Length >= 40);
        await using var db = _db.CreateDbContext();
        var row = await db.ApiKeys.SingleAsync();
        Assert.Equal(("Shop theme", "availability:read orders:write", ApiKeyService.HashOf(created.Key)), (row.Name, row.Scopes, row.Hash));
        Assert.DoesNotContain(created.Key, row.Prefix + row.Hash + row.Name);
        var audit = await db.AuditEntries.SingleAsync(a => a.Kind == AuditKind.ApiKeyCreated);
        Assert.DoesNotContain(created.Key, audit.Summary);
        var listed = Assert.Single(await Keys.ListAsync(TestActors.Admin));
        Assert.Equal((row.Id, "Shop theme", true), (listed.Id, listed.Name, listed.IsActive));
    }

    [Theory]
    [InlineData("Merchant")]
    [InlineData("CustomerService")]
    [InlineData("Manager")]
    public async Task Create_NotAnAdmin_RefusedAndNothingStored(string role)
    {
        var refused = await Keys.CreateAsync("Script", [Access.Scopes.OrdersRead], TestActors.ForRole(role));

        Assert.False(refused.Succeeded);
        Assert.Equal(Access.Refusal(TestActors.ForRole(role), Operation.ManageApiKeys), refused.Errors[""]);
        Assert.Empty(await Keys.ListAsync(TestActors.ForRole(role)));
        await using var db = _db.CreateDbContext();
        Assert.Equal(0, await db.ApiKeys.CountAsync());
    }

    [Fact]
    public async Task Create_BadInput_NamedAtItsField()
    {
        Assert.Contains("Name", (await Keys.CreateAsync(" ", [Access.Scopes.OrdersRead], TestActors.Admin)).Errors.Keys);
        Assert.Contains("Name", (await Keys.CreateAsync(new string('k', ApiKey.NameMaxLength + 1), [Access.Scopes.OrdersRead], TestActors.Admin)).Errors.Keys);
        Assert.Contains("Scopes", (await Keys.CreateAsync("Script", [], TestActors.Admin)).Errors.Keys);
        Assert.Contains("orders:delete", (await Keys.CreateAsync("Script", ["orders:delete"], TestActors.Admin)).Errors["Scopes"]);
        Assert.True((await Keys.CreateAsync("Script", [Access.Scopes.OrdersRead], TestActors.Admin)).Succeeded);
        Assert.Contains("in use", (await Keys.CreateAsync("Script", [Access.Scopes.OrdersRead], TestActors.Admin)).Errors["Name"]);
    }

    [Fact]
    public async Task Authenticate_GivesTheKeysOwnActor_NotAfterRevoking_AndWritesItsUseOnceAMinute()
    {
        var created = await Keys.CreateAsync("Warehouse", [Access.Scopes.InventoryWrite], TestActors.Admin);

        var caller = await Keys.AuthenticateAsync(created.Key);
        Assert.NotNull(caller);
        Assert.Equal(("API key Warehouse", ActorChannel.Api), (caller.Actor.DisplayName, caller.Actor.Channel));
        Assert.True(Access.Allows(caller.Actor, Operation.Receive));
        Assert.False(Access.Allows(caller.Actor, Operation.PlaceOrder));
        Assert.Null(await Keys.AuthenticateAsync(created.Key + "x"));
        Assert.Null(await Keys.AuthenticateAsync(created.Key[ApiKeyService.KeyPrefix.Length..]));

        await using (var db = _db.CreateDbContext())
        {
            Assert.Equal(Now.UtcDateTime, (await db.ApiKeys.SingleAsync()).LastUsedAt);
        }
        _time.Now = Now.AddSeconds(30);
        await Keys.AuthenticateAsync(created.Key);
        await using (var db = _db.CreateDbContext())
        {
            Assert.Equal(Now.UtcDateTime, (await db.ApiKeys.SingleAsync()).LastUsedAt);
        }
        _time.Now = Now.AddSeconds(70);
        await Keys.AuthenticateAsync(created.Key);
        await using (var db = _db.CreateDbContext())
        {
            Assert.Equal(Now.UtcDateTime.AddSeconds(70), (await db.ApiKeys.SingleAsync()).LastUsedAt);
        }

        Assert.Null(await Keys.RevokeAsync(created.Id, TestActors.Admin));
        Assert.Null(await Keys.AuthenticateAsync(created.Key));
        Assert.False(Assert.Single(await Keys.ListAsync(TestActors.Admin)).IsActive);
        Assert.NotNull(await Keys.RevokeAsync(created.Id + 1, TestActors.Admin));
        Assert.Equal(Access.Refusal(TestActors.Merchant, Operation.ManageApiKeys), await Keys.RevokeAsync(created.Id, TestActors.Merchant));
    }
}

/// <summary><c>api-key create</c> run in-process, as <c>dotnet run -- api-key create …</c> runs it, on a new database.</summary>
public sealed class ApiKeyCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"backorders-cli-{Guid.NewGuid():N}");
    private string Setting => $"--ConnectionStrings:DefaultConnection=Data Source={Path.Combine(_folder, "store.db")}";

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await Commands.RunAsync([.. args, Setting], new StringReader(""), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Create_PrintsTheKeyAloneOnTheLastLine_AndTheKeyWorksWithItsScopes()
    {
        var (exit, output, error) = await RunAsync("api-key", "create", "--name", "Deploy script", "--scope", "orders:read", "--scope", "inventory:write");

        Assert.Equal((0, ""), (exit, error));
        var key = output.TrimEnd().Split('\n')[^1].Trim();
        Assert.StartsWith(ApiKeyService.KeyPrefix, key);
        await using var services = CommandLineServices.Build([Setting]);
        await using var scope = services.CreateAsyncScope();
        var caller = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().AuthenticateAsync(key);
        Assert.NotNull(caller);
        Assert.Equal("Deploy script", caller.Name);
        Assert.Equal(["inventory:write", "orders:read"], caller.Scopes.Order());
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(AuditLog.CommandLineWho, (await db.AuditEntries.SingleAsync(a => a.Kind == AuditKind.ApiKeyCreated)).Who);
    }

    [Fact]
    public async Task Create_UnknownScopeOrNoName_RefusedWithTheReasonAndNoKey()
    {
        var (exit, output, error) = await RunAsync("api-key", "create", "--name", "Script", "--scope", "everything");
        Assert.Equal(1, exit);
        Assert.Contains("everything", error);
        Assert.DoesNotContain(ApiKeyService.KeyPrefix, output);

        var (noName, _, usage) = await RunAsync("api-key", "create", "--scope", "orders:read");
        Assert.Equal(2, noName);
        Assert.Contains("--name", usage);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
