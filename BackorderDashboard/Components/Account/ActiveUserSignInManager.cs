using System.Security.Claims;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Audit;
using BackorderDashboard.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BackorderDashboard.Components.Account;

/// <summary>
/// Identity's sign-in with two more rules: a deactivated account cannot sign in (password, passkey or external login
/// alike), and its cookie stops being accepted at the next security-stamp check; wrong passwords lock out per account
/// and client address (<see cref="SignInThrottle"/>), never the account for everyone for long; and every password
/// sign-in is written to the audit log (success, failure, lockout), with the address it came from.
/// </summary>
internal sealed class ActiveUserSignInManager : SignInManager<ApplicationUser>
{
    private readonly IHttpContextAccessor _contextAccessor;
    private readonly SignInThrottle _throttle;
    private readonly AuditLog _audit;

    /// <summary>The last wrong password's count from this address, for the audit entry of the sign-in it belongs to.</summary>
    private int _failuresInARow;

    public ActiveUserSignInManager(
        UserManager<ApplicationUser> userManager, IHttpContextAccessor contextAccessor, IUserClaimsPrincipalFactory<ApplicationUser> claimsFactory,
        IOptions<IdentityOptions> optionsAccessor, ILogger<SignInManager<ApplicationUser>> logger, IAuthenticationSchemeProvider schemes,
        IUserConfirmation<ApplicationUser> confirmation, SignInThrottle throttle, AuditLog audit)
        : base(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
    {
        _contextAccessor = contextAccessor;
        _throttle = throttle;
        _audit = audit;
    }

    public override async Task<bool> CanSignInAsync(ApplicationUser user) => user.IsActive && await base.CanSignInAsync(user);

    public override async Task<ApplicationUser?> ValidateSecurityStampAsync(ClaimsPrincipal? principal) =>
        await base.ValidateSecurityStampAsync(principal) is { IsActive: true } user ? user : null;

    /// <summary>
    /// The password check behind every password sign-in. <paramref name="lockoutOnFailure"/> counts the failure with
    /// the throttle; Identity's own per-account count is not used, so a stranger's wrong passwords never lock out the
    /// owner signing in from another address.
    /// </summary>
    public override async Task<SignInResult> CheckPasswordSignInAsync(ApplicationUser user, string password, bool lockoutOnFailure)
    {
        var address = ClientAddress.Of(_contextAccessor.HttpContext);
        if (_throttle.BlockedFor(user.Id, address) is not null)
        {
            return SignInResult.LockedOut;
        }
        var result = await base.CheckPasswordSignInAsync(user, password, lockoutOnFailure: false);
        if (result.Succeeded)
        {
            _throttle.Succeeded(user.Id, address);
        }
        else if (lockoutOnFailure && !result.IsLockedOut && !result.IsNotAllowed)
        {
            var failure = _throttle.Failed(user.Id, address);
            _failuresInARow = failure.InARow;
            if (failure.PauseAccountUntil is { } until)
            {
                // Through Identity's lockout end, so the Users page shows the pause and an admin can lift it.
                await UserManager.SetLockoutEndDateAsync(user, until);
                Logger.LogWarning("Sign-in to an account paused for {Minutes} minutes: wrong passwords from many addresses.", SignInThrottle.AccountPause.TotalMinutes);
            }
            if (failure.AddressBlocked)
            {
                Logger.LogWarning("Sign-in to an account blocked from one address for {Minutes} minutes after {Failures} wrong passwords.",
                    SignInThrottle.AddressBlock.TotalMinutes, SignInThrottle.FailuresPerAddress);
                return SignInResult.LockedOut;
            }
        }
        return result;
    }

    /// <summary>A sign-in with a name no account has is recorded too, under the name typed (no user id).</summary>
    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        if (await UserManager.FindByNameAsync(userName) is { } user)
        {
            return await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
        }
        await _audit.RecordAsync(AuditKind.SignInFailed, Actor.User(userName.Trim(), []), userName.Trim(), "Sign-in refused: no account has this e-mail address.");
        return SignInResult.Failed;
    }

    public override async Task<SignInResult> PasswordSignInAsync(ApplicationUser user, string password, bool isPersistent, bool lockoutOnFailure)
    {
        _failuresInARow = 0;
        var result = await base.PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
        var who = Actor.User(user.Email ?? user.UserName ?? "", [], displayName: user.DisplayName, userId: user.Id);
        var (kind, summary) = result switch
        {
            { Succeeded: true } => (AuditKind.SignIn, "Signed in with the password."),
            { RequiresTwoFactor: true } => (AuditKind.SignIn, "Password accepted; the second factor is asked next."),
            { IsLockedOut: true } => (AuditKind.SignInLockedOut, "Sign-in refused: too many wrong passwords; locked out for a few minutes."),
            { IsNotAllowed: true } => (AuditKind.SignInFailed, user.IsActive
                ? "Sign-in refused: the account's e-mail address is not confirmed."
                : "Sign-in refused: the account is deactivated."),
            _ => (AuditKind.SignInFailed, _failuresInARow > 0
                ? $"Sign-in refused: wrong password ({_failuresInARow} in a row from this address)."
                : "Sign-in refused: wrong password."),
        };
        await _audit.RecordAsync(kind, who, user.Email ?? user.UserName ?? "", summary);
        return result;
    }
}
