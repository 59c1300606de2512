using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Admin;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Features.Admin;

public class UserAdminServiceTests : IAsyncLifetime
{
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private UserAdminService _admin = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db);
        var roles = _services.Get<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            await roles.CreateAsync(new IdentityRole(role));
        }
        _admin = _services.Get<UserAdminService>();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Create_ValidUser_CanBeListedWithRolesAndIsConfirmed()
    {
        var result = await _admin.CreateAsync(new NewUserInput
        {
            Email = " pat@example.com ", Password = "correct horse battery", Roles = [Roles.Merchant, Roles.Manager],
        }, TestActors.Admin);

        Assert.True(result.Succeeded, string.Join(" ", result.Errors));
        var row = Assert.Single(await _admin.ListAsync());
        Assert.Equal("pat@example.com", row.Email);
        Assert.Equal([Roles.Manager, Roles.Merchant], row.Roles);
        await using var db = _db.CreateDbContext();
        Assert.True((await db.Users.SingleAsync()).EmailConfirmed);
    }

    [Theory]
    [InlineData("pat@example.com", "short pass", "12 characters")]
    [InlineData("not-an-email", "long enough passphrase", "valid e-mail")]
    public async Task Create_BadInput_IsRefusedAndNothingIsStored(string email, string password, string message)
    {
        var result = await _admin.CreateAsync(new NewUserInput { Email = email, Password = password }, TestActors.Admin);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Contains(message));
        Assert.Empty(await _admin.ListAsync());
    }

    [Fact]
    public async Task Create_DuplicateEmail_IsRefused()
    {
        await _admin.CreateAsync(new NewUserInput { Email = "pat@example.com", Password = "long enough passphrase" }, TestActors.Admin);

        var again = await _admin.CreateAsync(new NewUserInput { Email = "PAT@example.com", Password = "long enough passphrase" }, TestActors.Admin);

        Assert.False(again.Succeeded);
        Assert.Single(await _admin.ListAsync());
    }

    [Fact]
    public async Task SetRoles_ReplacesTheRoles()
    {
        await _admin.CreateAsync(new NewUserInput { Email = "pat@example.com", Password = "long enough passphrase", Roles = [Roles.Merchant] }, TestActors.Admin);
        var pat = (await _admin.ListAsync()).Single();

        var result = await _admin.SetRolesAsync(pat.Id, [Roles.CustomerService], TestActors.Admin);

        Assert.True(result.Succeeded);
        Assert.Equal([Roles.CustomerService], (await _admin.ListAsync()).Single().Roles);
    }

    [Fact]
    public async Task SetRoles_LastAdminCannotLoseAdmin_ButOneOfTwoCan()
    {
        await _admin.CreateAsync(new NewUserInput { Email = "a@example.com", Password = "long enough passphrase", Roles = [Roles.Admin] }, TestActors.Admin);
        var first = (await _admin.ListAsync()).Single();

        var refused = await _admin.SetRolesAsync(first.Id, [Roles.Merchant], TestActors.Admin);

        Assert.False(refused.Succeeded);
        Assert.Equal([Roles.Admin], (await _admin.ListAsync()).Single().Roles);

        await _admin.CreateAsync(new NewUserInput { Email = "b@example.com", Password = "long enough passphrase", Roles = [Roles.Admin] }, TestActors.Admin);
        var allowed = await _admin.SetRolesAsync(first.Id, [Roles.Merchant], TestActors.Admin);

        Assert.True(allowed.Succeeded);
    }

    [Fact]
    public async Task SetRoles_UnknownRole_IsRefused()
    {
        await _admin.CreateAsync(new NewUserInput { Email = "pat@example.com", Password = "long enough passphrase" }, TestActors.Admin);
        var pat = (await _admin.ListAsync()).Single();

        var result = await _admin.SetRolesAsync(pat.Id, ["Owner"], TestActors.Admin);

        Assert.False(result.Succeeded);
        Assert.Empty((await _admin.ListAsync()).Single().Roles);
    }
}
