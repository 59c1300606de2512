using System.Security.Claims;
using BackorderDashboard.Components.Account;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Admin;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BackorderDashboard.Tests.Features.Admin;

/// <summary>
/// Display names, deactivation and password resets on real SQLite, with Identity as the app configures it. The store:
/// admin Alex (alex@example.com, acting as <see cref="AlexActor"/>), merchant Pat, and Kim, a second admin.
/// </summary>
public class UserAccountsTests : IAsyncLifetime
{
    private const string Password = "long enough passphrase";
    private static readonly Actor AlexActor = Actor.User("alex@example.com", [Roles.Admin], displayName: "Alex Admin");
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
        await CreateAsync("alex@example.com", "Alex Admin", Roles.Admin);
        await CreateAsync("pat@example.com", "Pat Lee", Roles.Merchant);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<string> CreateAsync(string email, string? name, params string[] roles)
    {
        var result = await _admin.CreateAsync(new NewUserInput { Email = email, DisplayName = name, Password = Password, Roles = [.. roles] }, AlexActor);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors));
        return (await _admin.ListAsync()).Single(u => u.Email == email).Id;
    }

    private async Task<UserRow> RowAsync(string email) => (await _admin.ListAsync()).Single(u => u.Email == email);

    private async Task<ApplicationUser> UserAsync(string email)
    {
        await using var db = _db.CreateDbContext();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Email == email);
    }

    /// <summary>What the login form's password check answers, through the app's own sign-in manager.</summary>
    private async Task<SignInResult> SignInAsync(string email, string password)
    {
        var signIn = _services.Get<SignInManager<ApplicationUser>>();
        return await signIn.CheckPasswordSignInAsync(await UserAsync(email), password, lockoutOnFailure: false);
    }

    [Fact]
    public async Task Create_WithDisplayName_ListsItAndTheSignInCookieCarriesIt()
    {
        var pat = await RowAsync("pat@example.com");
        var principal = await _services.Get<SignInManager<ApplicationUser>>().CreateUserPrincipalAsync(await UserAsync("pat@example.com"));
        var actor = Actor.FromUser(principal);

        Assert.Equal("Pat Lee", pat.ShownName);
        Assert.Equal("Pat Lee", actor.DisplayName);
        Assert.Equal("pat@example.com", actor.Name);
        Assert.Equal("Pat Lee", Actor.ShownName(principal));
    }

    [Fact]
    public async Task Create_WithoutDisplayName_ShowsTheEmail()
    {
        await CreateAsync("lee@example.com", "  ");
        var principal = await _services.Get<SignInManager<ApplicationUser>>().CreateUserPrincipalAsync(await UserAsync("lee@example.com"));

        Assert.Equal("lee@example.com", (await RowAsync("lee@example.com")).ShownName);
        Assert.Equal("lee@example.com", Actor.FromUser(principal).DisplayName);
        Assert.Equal("lee@example.com", Actor.ShownName(principal));
    }

    [Fact]
    public async Task Rename_SetsTheName_AndEmptyBringsTheEmailBack()
    {
        var pat = await RowAsync("pat@example.com");

        Assert.True((await _admin.RenameAsync(pat.Id, "  Patricia Lee ", AlexActor)).Succeeded);
        Assert.Equal("Patricia Lee", (await RowAsync("pat@example.com")).DisplayName);

        Assert.True((await _admin.RenameAsync(pat.Id, "", AlexActor)).Succeeded);
        Assert.Equal("pat@example.com", (await RowAsync("pat@example.com")).ShownName);
    }

    [Fact]
    public async Task Rename_TooLong_IsRefusedAndTheNameKept()
    {
        var pat = await RowAsync("pat@example.com");

        var result = await _admin.RenameAsync(pat.Id, new string('x', 101), AlexActor);

        Assert.False(result.Succeeded);
        Assert.Contains("at most 100 characters", Assert.Single(result.Errors));
        Assert.Equal("Pat Lee", (await RowAsync("pat@example.com")).DisplayName);
    }

    [Fact]
    public async Task Deactivate_User_CannotSignInAndOpenSessionsAreRejected()
    {
        var pat = await RowAsync("pat@example.com");
        var signIn = _services.Get<SignInManager<ApplicationUser>>();
        var session = await signIn.CreateUserPrincipalAsync(await UserAsync("pat@example.com"));
        Assert.True((await SignInAsync("pat@example.com", Password)).Succeeded);

        var result = await _admin.DeactivateAsync(pat.Id, AlexActor);

        Assert.True(result.Succeeded, string.Join(" ", result.Errors));
        Assert.False((await RowAsync("pat@example.com")).IsActive);
        Assert.True((await SignInAsync("pat@example.com", Password)).IsNotAllowed);
        Assert.Null(await signIn.ValidateSecurityStampAsync(session));
        Assert.False(await RevalidatesAsync(session));
    }

    [Fact]
    public async Task Deactivated_EvenWithItsStampUnchanged_FailsTheSessionChecks()
    {
        var signIn = _services.Get<SignInManager<ApplicationUser>>();
        var session = await signIn.CreateUserPrincipalAsync(await UserAsync("pat@example.com"));
        Assert.True(await RevalidatesAsync(session));
        Assert.NotNull(await signIn.ValidateSecurityStampAsync(session));
        await using (var db = _db.CreateDbContext())
        {
            await db.Users.Where(u => u.Email == "pat@example.com").ExecuteUpdateAsync(s => s.SetProperty(u => u.DeactivatedAt, DateTime.UtcNow));
        }

        // A new request's sign-in manager, as the cookie check gets: this scope's one has Pat cached from before.
        await using var request = _services.Get<IServiceScopeFactory>().CreateAsyncScope();
        Assert.Null(await request.ServiceProvider.GetRequiredService<SignInManager<ApplicationUser>>().ValidateSecurityStampAsync(session));
        Assert.False(await RevalidatesAsync(session));
    }

    [Fact]
    public async Task Reactivate_LetsThemSignInAgainWithTheirPassword()
    {
        var pat = await RowAsync("pat@example.com");
        await _admin.DeactivateAsync(pat.Id, AlexActor);

        var result = await _admin.ReactivateAsync(pat.Id, AlexActor);

        Assert.True(result.Succeeded);
        Assert.True((await RowAsync("pat@example.com")).IsActive);
        Assert.True((await SignInAsync("pat@example.com", Password)).Succeeded);
    }

    [Fact]
    public async Task Deactivate_Themselves_IsRefused()
    {
        await CreateAsync("kim@example.com", "Kim Admin", Roles.Admin);
        var alex = await RowAsync("alex@example.com");

        var result = await _admin.DeactivateAsync(alex.Id, AlexActor);

        Assert.False(result.Succeeded);
        Assert.Equal("You can't deactivate your own account.", Assert.Single(result.Errors));
        Assert.True((await RowAsync("alex@example.com")).IsActive);
    }

    [Fact]
    public async Task Deactivate_LastActiveAdmin_IsRefused_WhileOneOfTwoCanBe()
    {
        var kim = await CreateAsync("kim@example.com", "Kim Admin", Roles.Admin);
        var other = Actor.User("someone@example.com", [Roles.Admin]);

        Assert.True((await _admin.DeactivateAsync(kim, other)).Succeeded);
        var alex = await RowAsync("alex@example.com");
        var refused = await _admin.DeactivateAsync(alex.Id, other);

        Assert.False(refused.Succeeded);
        Assert.Contains("only active admin", Assert.Single(refused.Errors));
        Assert.True((await RowAsync("alex@example.com")).IsActive);
    }

    [Fact]
    public async Task SetRoles_TheLastActiveAdmin_CannotLoseAdminWhenTheOtherIsDeactivated()
    {
        var kim = await CreateAsync("kim@example.com", "Kim Admin", Roles.Admin);
        await _admin.DeactivateAsync(kim, AlexActor);
        var alex = await RowAsync("alex@example.com");

        var refused = await _admin.SetRolesAsync(alex.Id, [Roles.Merchant], Actor.User("someone@example.com", [Roles.Admin]));

        Assert.False(refused.Succeeded);
        Assert.Equal([Roles.Admin], (await RowAsync("alex@example.com")).Roles);
    }

    [Fact]
    public async Task ResetPassword_Typed_ReplacesTheOldOne()
    {
        var pat = await RowAsync("pat@example.com");

        var result = await _admin.ResetPasswordAsync(pat.Id, "a brand new passphrase", AlexActor);

        Assert.True(result.Succeeded, string.Join(" ", result.Errors));
        Assert.Null(result.GeneratedPassword);
        Assert.True((await SignInAsync("pat@example.com", "a brand new passphrase")).Succeeded);
        Assert.False((await SignInAsync("pat@example.com", Password)).Succeeded);
    }

    [Fact]
    public async Task ResetPassword_TooShort_IsRefusedWithIdentitysRuleAndNothingChanges()
    {
        var pat = await RowAsync("pat@example.com");
        var before = await UserAsync("pat@example.com");

        var result = await _admin.ResetPasswordAsync(pat.Id, "short", AlexActor);

        Assert.False(result.Succeeded);
        Assert.Contains("at least 12 characters", Assert.Single(result.Errors));
        var after = await UserAsync("pat@example.com");
        Assert.Equal(before.PasswordHash, after.PasswordHash);
        Assert.Equal(before.SecurityStamp, after.SecurityStamp);
        Assert.True((await SignInAsync("pat@example.com", Password)).Succeeded);
    }

    [Fact]
    public async Task ResetPassword_Generated_IsReturnedOnceAndSignsIn_AndLiftsALockout()
    {
        var pat = await RowAsync("pat@example.com");
        var users = _services.Get<UserManager<ApplicationUser>>();
        await users.SetLockoutEndDateAsync(await users.FindByIdAsync(pat.Id) ?? throw new InvalidOperationException(), DateTimeOffset.UtcNow.AddHours(1));

        var result = await _admin.ResetPasswordAsync(pat.Id, null, AlexActor);

        Assert.True(result.Succeeded, string.Join(" ", result.Errors));
        Assert.NotNull(result.GeneratedPassword);
        Assert.True(result.GeneratedPassword.Length >= 12);
        Assert.True((await SignInAsync("pat@example.com", result.GeneratedPassword)).Succeeded);
        Assert.DoesNotContain(result.GeneratedPassword, (await UserAsync("pat@example.com")).PasswordHash);
    }

    [Fact]
    public async Task ResetPassword_GeneratedUnderTheStrictestRules_PassesIdentitysValidator()
    {
        await using var strictDb = await SqliteTestDatabase.CreateAsync();
        await using var strict = TestServices.Create(strictDb, configure: s => s.Configure<IdentityOptions>(o => o.Password = new PasswordOptions
        {
            RequiredLength = 30, RequireDigit = true, RequireLowercase = true, RequireUppercase = true, RequireNonAlphanumeric = true, RequiredUniqueChars = 8,
        }));
        var users = strict.Get<UserManager<ApplicationUser>>();
        var kim = new ApplicationUser { UserName = "kim@example.com", Email = "kim@example.com", EmailConfirmed = true };
        Assert.True((await users.CreateAsync(kim, "Correct-Horse-Battery-Staple-42!")).Succeeded);

        for (var i = 0; i < 10; i++)
        {
            var result = await strict.Get<UserAdminService>().ResetPasswordAsync(kim.Id, null, AlexActor);

            Assert.True(result.Succeeded, string.Join(" ", result.Errors));
            Assert.True(result.GeneratedPassword!.Length >= 30);
        }
    }

    [Theory]
    [InlineData(Roles.Merchant)]
    [InlineData(Roles.Manager)]
    [InlineData(Roles.CustomerService)]
    public async Task AccountChanges_ByANonAdmin_AreRefusedAndNothingChanges(string role)
    {
        var pat = await RowAsync("pat@example.com");
        var actor = TestActors.ForRole(role);
        var before = await UserAsync("pat@example.com");

        var results = new[]
        {
            await _admin.RenameAsync(pat.Id, "Someone Else", actor),
            await _admin.DeactivateAsync(pat.Id, actor),
            await _admin.ReactivateAsync(pat.Id, actor),
        };
        var reset = await _admin.ResetPasswordAsync(pat.Id, "a brand new passphrase", actor);

        AssertAll.NonEmpty(results, r => Assert.False(r.Succeeded));
        Assert.False(reset.Succeeded);
        var after = await UserAsync("pat@example.com");
        Assert.Equal((before.DisplayName, before.DeactivatedAt, before.PasswordHash, before.SecurityStamp),
            (after.DisplayName, after.DeactivatedAt, after.PasswordHash, after.SecurityStamp));
    }

    /// <summary>What the open pages' session check answers for this principal.</summary>
    private async Task<bool> RevalidatesAsync(ClaimsPrincipal principal)
    {
        var provider = new IdentityRevalidatingAuthenticationStateProvider(NullLoggerFactory.Instance,
            _services.Get<IServiceScopeFactory>(), _services.Get<IOptions<IdentityOptions>>());
        var validate = typeof(IdentityRevalidatingAuthenticationStateProvider).GetMethod("ValidateAuthenticationStateAsync",
            System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        return await (Task<bool>)validate.Invoke(provider, [new AuthenticationState(principal), CancellationToken.None])!;
    }
}
