using System.Security.Claims;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BackorderDashboard.Components.Account;

/// <summary>
/// Adds the user's display name to the sign-in cookie, so the user menu and every actor a page builds
/// (<see cref="Actor.FromUser"/>) name the person without a database read.
/// </summary>
internal sealed class ApplicationUserClaimsPrincipalFactory(
        UserManager<ApplicationUser> userManager, RoleManager<IdentityRole> roleManager, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<ApplicationUser, IdentityRole>(userManager, roleManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ApplicationUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (!string.IsNullOrWhiteSpace(user.DisplayName))
        {
            identity.AddClaim(new Claim(Actor.DisplayNameClaim, user.DisplayName.Trim()));
        }
        return identity;
    }
}
