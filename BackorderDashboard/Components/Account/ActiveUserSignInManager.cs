using System.Security.Claims;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BackorderDashboard.Components.Account;

/// <summary>
/// Identity's sign-in with two more rules: a deactivated account cannot sign in (password, passkey or external login
/// alike), and its cookie stops being accepted at the next security-stamp check; and every password sign-in is
/// written to the audit log (success, failure, lockout), with the address it came from.
/// </summary>
internal sealed class ActiveUserSignInManager(
        UserManager<ApplicationUser> userManager, IHttpContextAccessor contextAccessor, IUserClaimsPrincipalFactory<ApplicationUser> claimsFactory,
        IOptions<IdentityOptions> optionsAccessor, ILogger<SignInManager<ApplicationUser>> logger, IAuthenticationSchemeProvider schemes,
        IUserConfirmation<ApplicationUser> confirmation, AuditLog audit)
    : SignInManager<ApplicationUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(ApplicationUser user) => user.IsActive && await base.CanSignInAsync(user);

    public override async Task<ApplicationUser?> ValidateSecurityStampAsync(ClaimsPrincipal? principal) =>
        await base.ValidateSecurityStampAsync(principal) is { IsActive: true } user ? user : null;

    /// <summary>A sign-in with a name no account has is recorded too, under the name typed (no user id).</summary>
    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        if (await UserManager.FindByNameAsync(userName) is { } user)
        {
            return await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
        }
        await audit.RecordAsync(AuditKind.SignInFailed, Actor.User(userName.Trim(), []), userName.Trim(), "Sign-in refused: no account has this e-mail address.");
        return SignInResult.Failed;
    }

    public override async Task<SignInResult> PasswordSignInAsync(ApplicationUser user, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var result = await base.PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
        var who = Actor.User(user.Email ?? user.UserName ?? "", [], displayName: user.DisplayName, userId: user.Id);
        var (kind, summary) = result switch
        {
            { Succeeded: true } => (AuditKind.SignIn, "Signed in with the password."),
            { RequiresTwoFactor: true } => (AuditKind.SignIn, "Password accepted; the second factor is asked next."),
            { IsLockedOut: true } => (AuditKind.SignInLockedOut, "Sign-in refused: the account is locked out after too many wrong passwords."),
            { IsNotAllowed: true } => (AuditKind.SignInFailed, user.IsActive
                ? "Sign-in refused: the account's e-mail address is not confirmed."
                : "Sign-in refused: the account is deactivated."),
            _ => (AuditKind.SignInFailed, $"Sign-in refused: wrong password ({user.AccessFailedCount} in a row)."),
        };
        await audit.RecordAsync(kind, who, user.Email ?? user.UserName ?? "", summary);
        return result;
    }
}
