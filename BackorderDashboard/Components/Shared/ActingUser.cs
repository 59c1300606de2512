using BackorderDashboard.Domain;
using Microsoft.AspNetCore.Components.Authorization;

namespace BackorderDashboard.Components.Shared;

public static class ActingUser
{
    /// <summary>
    /// The page's signed-in user as the acting party, read when the action runs rather than when the page opened: an
    /// open page whose user lost a role (sessions are re-checked every few minutes) acts with the roles held now.
    /// </summary>
    public static async Task<Actor> ActorAsync(this Task<AuthenticationState> state) => Actor.FromUser((await state).User);
}
