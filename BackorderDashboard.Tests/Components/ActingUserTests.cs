using System.Security.Claims;
using BackorderDashboard.Components.Shared;
using BackorderDashboard.Domain;
using Microsoft.AspNetCore.Components.Authorization;

namespace BackorderDashboard.Tests.Components;

public class ActingUserTests
{
    private static Task<AuthenticationState> State(string name, params string[] roles) =>
        Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], "test"))));

    [Fact]
    public async Task ActorAsync_SignedInUser_ActsWithTheRolesHeldNow()
    {
        var merchant = await State("merchant@example.com", Roles.Merchant).ActorAsync();
        var demoted = await State("merchant@example.com").ActorAsync();

        Assert.Equal("merchant@example.com", merchant.DisplayName);
        Assert.Equal(ActorChannel.Page, merchant.Channel);
        Assert.True(Access.Allows(merchant, Operation.Receive));
        Assert.False(Access.Allows(demoted, Operation.Receive));
    }

    [Fact]
    public async Task ActorAsync_UserWithADisplayName_IsNamedByItInHistoryButKeepsTheSignInName()
    {
        var state = Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "merchant@example.com"), new Claim(Actor.DisplayNameClaim, "Morgan Merchant"), new Claim(ClaimTypes.Role, Roles.Merchant)],
            "test"))));

        var actor = await state.ActorAsync();

        Assert.Equal("Morgan Merchant", actor.DisplayName);
        Assert.Equal("merchant@example.com", actor.Name);
        Assert.Equal("Morgan Merchant", Actor.ShownName((await state).User));
        Assert.True(Access.Allows(actor, Operation.Receive));
    }

    [Fact]
    public async Task ActorAsync_Anonymous_IsRefusedEverything()
    {
        var anonymous = await Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))).ActorAsync();

        Assert.All(Enum.GetValues<Operation>(), op => Assert.False(Access.Allows(anonymous, op)));
    }
}
