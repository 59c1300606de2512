using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Admin;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Admin;

/// <summary>The store always keeps one active admin: no demotion, deletion or deactivation takes the last one away.</summary>
public class LastAdminTests : IAsyncLifetime
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

    private async Task<string> CreateAsync(string email, params string[] roles)
    {
        var created = await _admin.CreateAsync(new NewUserInput { Email = email, Password = "long enough passphrase", Roles = [.. roles] }, TestActors.Admin);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors));
        return (await _admin.ListAsync()).Single(u => u.Email == email).Id;
    }

    private async Task<int> AdminsAsync() => (await _admin.ListAsync()).Count(u => u.IsActive && u.Roles.Contains(Roles.Admin));

    [Fact]
    public async Task TwoParallelDemotions_OfTheLastTwoAdmins_LeaveOneAdmin()
    {
        var ids = new[] { await CreateAsync("ann@example.com", Roles.Admin), await CreateAsync("bob@example.com", Roles.Admin) };
        for (var round = 0; round < 3; round++)
        {
            using var start = new Barrier(2);
            var demotions = ids.Select(id => Task.Run(async () =>
            {
                start.SignalAndWait();
                return await _admin.SetRolesAsync(id, [Roles.Merchant], TestActors.Admin);
            })).ToArray();

            var results = await Task.WhenAll(demotions);

            Assert.Equal(1, results.Count(r => r.Succeeded));
            Assert.Contains(results, r => !r.Succeeded && r.Errors.Single().Contains("only admin"));
            Assert.Equal(1, await AdminsAsync());
            foreach (var id in ids)
            {
                Assert.True((await _admin.SetRolesAsync(id, [Roles.Admin], TestActors.Admin)).Succeeded);
            }
        }
    }

    [Fact]
    public async Task LastAdmin_CannotDeleteTheirOwnAccount_ButAnotherAdminCan()
    {
        var annId = await CreateAsync("ann@example.com", Roles.Admin);
        var ann = Actor.User("ann@example.com", [Roles.Admin], userId: annId);

        var refused = await _admin.DeleteOwnAccountAsync(annId, ann);
        Assert.False(refused.Succeeded);
        Assert.Contains("only admin", refused.Errors.Single());
        Assert.Equal(1, await AdminsAsync());

        await CreateAsync("bob@example.com", Roles.Admin);
        Assert.True((await _admin.DeleteOwnAccountAsync(annId, ann)).Succeeded);
        Assert.Equal(["bob@example.com"], (await _admin.ListAsync()).Select(u => u.Email));
    }

    [Fact]
    public async Task DeleteOwnAccount_OnlyForTheAccountsOwnUser()
    {
        var annId = await CreateAsync("ann@example.com", Roles.Merchant);

        Assert.False((await _admin.DeleteOwnAccountAsync(annId, TestActors.Admin)).Succeeded);
        Assert.Single(await _admin.ListAsync());
    }

    [Fact]
    public async Task LastActiveAdmin_CannotBeDeactivated_NorDemotedWhileTheOtherIsDeactivated()
    {
        var annId = await CreateAsync("ann@example.com", Roles.Admin);
        var bobId = await CreateAsync("bob@example.com", Roles.Admin);
        Assert.True((await _admin.DeactivateAsync(bobId, Actor.User("ann@example.com", [Roles.Admin]))).Succeeded);

        Assert.False((await _admin.DeactivateAsync(annId, TestActors.Admin)).Succeeded);
        Assert.False((await _admin.SetRolesAsync(annId, [Roles.Manager], TestActors.Admin)).Succeeded);
        Assert.Equal(1, await AdminsAsync());
    }
}
