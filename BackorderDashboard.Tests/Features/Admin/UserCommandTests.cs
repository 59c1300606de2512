using BackorderDashboard.Benchmarks;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Features.Admin;

/// <summary>
/// <c>user create</c> run in-process, as <c>dotnet run -- user create …</c> runs it, on a database that does not exist
/// yet (in a folder that does not exist yet), with the password on standard input.
/// </summary>
public sealed class UserCommandTests : IDisposable
{
    private const string Password = "correct horse battery staple";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"backorders-cli-{Guid.NewGuid():N}");
    private string Setting => $"--ConnectionStrings:DefaultConnection=Data Source={Path.Combine(_folder, "Data", "store.db")}";

    private async Task<(int Exit, string Output, string Error)> RunAsync(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await Commands.RunAsync([.. args, Setting], new StringReader(stdin), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private ServiceProvider AppServices() => CommandLineServices.Build([Setting]);

    [Fact]
    public async Task UserCreate_NewDatabasePipedPassword_CreatesAnAdminWhoCanSignIn()
    {
        var (exit, output, error) = await RunAsync(Password + "\n", "user", "create", "--email", "owner@shop.test", "--role", "Admin");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("owner@shop.test", output);
        Assert.DoesNotContain(Password, output);
        await using var services = AppServices();
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync("owner@shop.test");
        Assert.NotNull(user);
        Assert.True(await users.CheckPasswordAsync(user, Password));
        Assert.False(await users.CheckPasswordAsync(user, Password + "!"));
        Assert.True(user.EmailConfirmed);
        Assert.Equal([Roles.Admin], await users.GetRolesAsync(user));
        // A real install: the one account asked for, no demo logins and no demo store beside it.
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.Users.CountAsync());
        Assert.Equal(0, await db.Products.CountAsync());
    }

    [Fact]
    public async Task UserCreate_PasswordBreaksTheRule_RefusesWithTheRuleAndCreatesNobody()
    {
        var (exit, output, error) = await RunAsync("too-short\n", "user", "create", "--email", "owner@shop.test", "--role", "Admin");

        Assert.Equal(1, exit);
        Assert.Contains("at least 12 characters", error);
        Assert.DoesNotContain("too-short", output + error);
        await using var services = AppServices();
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await db.Users.CountAsync());
    }

    [Theory]
    [InlineData("not-an-email", "Admin", "not a valid e-mail address")]
    [InlineData("owner@shop.test", "Owner", "Unknown role “Owner”")]
    public async Task UserCreate_BadEmailOrRole_RefusesOnStandardError(string email, string role, string reason)
    {
        var (exit, output, error) = await RunAsync(Password + "\n", "user", "create", "--email", email, "--role", role);

        Assert.Equal(1, exit);
        Assert.Contains(reason, error);
        Assert.Equal("", output);
        Assert.DoesNotContain(Password, error);
        await using var services = AppServices();
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(0, await db.Users.CountAsync());
    }

    [Fact]
    public async Task UserCreate_EmailTaken_RefusesAndKeepsTheFirstPassword()
    {
        Assert.Equal(0, (await RunAsync(Password + "\n", "user", "create", "--email", "owner@shop.test", "--role", "Admin")).Exit);

        var (exit, _, error) = await RunAsync("another long passphrase\n", "user", "create", "--email", "Owner@Shop.test", "--role", "Manager");

        Assert.Equal(1, exit);
        Assert.Contains("already exists", error);
        await using var services = AppServices();
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync("owner@shop.test");
        Assert.True(await users.CheckPasswordAsync(user!, Password));
        Assert.Equal([Roles.Admin], await users.GetRolesAsync(user!));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    public async Task UserCreate_NoPasswordOnInput_RefusesBeforeTouchingTheDatabase(string stdin)
    {
        var (exit, _, error) = await RunAsync(stdin, "user", "create", "--email", "owner@shop.test", "--role", "Admin");

        Assert.Equal(1, exit);
        Assert.Contains("No password", error);
        Assert.False(File.Exists(Path.Combine(_folder, "Data", "store.db")));
    }

    [Theory]
    [InlineData("user")]
    [InlineData("user", "create", "--role", "Admin")]
    [InlineData("user", "create", "--email", "owner@shop.test")]
    public async Task UserCreate_OptionMissing_ShowsTheUsage(params string[] args)
    {
        var (exit, _, error) = await RunAsync(Password + "\n", args);

        Assert.Equal(2, exit);
        Assert.Contains("usage: user create --email EMAIL --role", error);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
