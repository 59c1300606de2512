using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Admin;

public sealed record UserRow(string Id, string Email, IReadOnlyList<string> Roles, DateTimeOffset? LockoutEnd, int FailedLogins, DateTime CreatedAt,
    string DisplayName = "", DateTime? DeactivatedAt = null)
{
    public bool IsLockedOut(DateTimeOffset now) => LockoutEnd is { } end && end > now;

    public bool IsActive => DeactivatedAt is null;

    /// <summary>The display name, or the e-mail address while the user has none.</summary>
    public string ShownName => ApplicationUser.ShownName(DisplayName, Email);
}

/// <summary>
/// The outcome of a password reset. <paramref name="GeneratedPassword"/> is set only when the app chose the password:
/// it is shown to the admin once and stored nowhere but as Identity's hash.
/// </summary>
public sealed record PasswordResetResult(bool Succeeded, IReadOnlyList<string> Errors, string? GeneratedPassword = null)
{
    public static PasswordResetResult Fail(params string[] errors) => new(false, errors);
}

public sealed record AdminResult(bool Succeeded, IReadOnlyList<string> Errors)
{
    public static readonly AdminResult Ok = new(true, []);
    public static AdminResult Fail(params string[] errors) => new(false, errors);
}

public sealed class NewUserInput
{
    [Required(ErrorMessage = "Enter the e-mail address the person will sign in with.")]
    [EmailRule]
    public string Email { get; set; } = "";

    [MaxLength(ApplicationUser.DisplayNameMaxLength, ErrorMessage = "The name can be at most 100 characters long.")]
    public string? DisplayName { get; set; }

    [Required(ErrorMessage = "Enter a starting password.")]
    [MinLength(12, ErrorMessage = "The password must be at least 12 characters long.")]
    public string Password { get; set; } = "";

    public HashSet<string> Roles { get; set; } = [];
}

/// <summary>
/// Users and their roles, for the admin page. Identity's UserManager keeps a context for its scope's life,
/// so each operation gets a scope of its own instead of one held by the circuit.
/// </summary>
public sealed class UserAdminService(IServiceScopeFactory scopes, IDbContextFactory<AppDbContext> dbFactory, TimeProvider time, AuditLog audit)
{
    /// <summary>Characters of a generated password: no look-alikes (0/O, 1/l/I), so it can be read out or typed from a note.</summary>
    private const string PasswordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public async Task<IReadOnlyList<UserRow>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var users = await db.Users.AsNoTracking()
            .OrderBy(u => u.Email)
            .Select(u => new
            {
                u.Id,
                u.Email,
                u.LockoutEnd,
                u.AccessFailedCount,
                u.CreatedAt,
                u.DisplayName,
                u.DeactivatedAt,
                Roles = db.UserRoles.Where(ur => ur.UserId == u.Id)
                    .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name!).ToList(),
            })
            .ToListAsync(ct);
        return users.Select(u => new UserRow(u.Id, u.Email ?? "", u.Roles.Order().ToList(), u.LockoutEnd, u.AccessFailedCount, u.CreatedAt,
            u.DisplayName, u.DeactivatedAt)).ToList();
    }

    public async Task<AdminResult> CreateAsync(NewUserInput input, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.CreateUser) is { } refused)
        {
            return AdminResult.Fail(refused);
        }
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(input, new ValidationContext(input), results, validateAllProperties: true))
        {
            return AdminResult.Fail(results.Select(r => r.ErrorMessage ?? "Invalid value.").ToArray());
        }
        if (input.Roles.Except(Roles.All).FirstOrDefault() is { } unknown)
        {
            return AdminResult.Fail($"Unknown role “{unknown}”.");
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var email = input.Email.Trim();
        if (await users.FindByEmailAsync(email) is not null)
        {
            return AdminResult.Fail($"A user with the e-mail {email} already exists.");
        }
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var tx = await db.BeginWriteAsync(ct);
        // The admin vouches for the address, so the account can sign in at once.
        var user = new ApplicationUser
        {
            UserName = email, Email = email, EmailConfirmed = true, CreatedAt = time.GetUtcNow().UtcDateTime, DisplayName = input.DisplayName?.Trim() ?? "",
        };
        var created = await users.CreateAsync(user, input.Password);
        if (!created.Succeeded)
        {
            return AdminResult.Fail(created.Errors.Select(e => e.Description).ToArray());
        }
        if (input.Roles.Count > 0)
        {
            var added = await users.AddToRolesAsync(user, input.Roles);
            if (!added.Succeeded)
            {
                return AdminResult.Fail(added.Errors.Select(e => e.Description).ToArray());
            }
        }
        await audit.RecordAsync(db, AuditKind.UserCreated, actor, email,
            $"Account created{(user.DisplayName.Length > 0 ? $" for {user.DisplayName}" : "")} with {RoleList(input.Roles)}.", ct);
        await tx.CommitAsync(ct);
        return AdminResult.Ok;
    }

    /// <summary>
    /// Replaces a user's roles. The last active admin cannot lose the Admin role, or nobody could manage users: checked
    /// under the write lock, so two admins demoting each other at the same moment leave one of them an admin.
    /// </summary>
    public async Task<AdminResult> SetRolesAsync(string userId, IReadOnlyCollection<string> roles, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.SetRoles) is { } refused)
        {
            return AdminResult.Fail(refused);
        }
        if (roles.Except(Roles.All).FirstOrDefault() is { } unknown)
        {
            return AdminResult.Fail($"Unknown role “{unknown}”.");
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var tx = await db.BeginWriteAsync(ct);
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return AdminResult.Fail("That user no longer exists.");
        }
        var current = await users.GetRolesAsync(user);
        if (current.Contains(Roles.Admin) && !roles.Contains(Roles.Admin) && user.IsActive && await ActiveAdminsAsync(db, ct) <= 1)
        {
            return AdminResult.Fail("This is the only admin: give another user the Admin role first.");
        }
        if (current.ToHashSet().SetEquals(roles))
        {
            return AdminResult.Ok;
        }
        var removed = await users.RemoveFromRolesAsync(user, current.Except(roles));
        var added = removed.Succeeded ? await users.AddToRolesAsync(user, roles.Except(current)) : removed;
        if (!added.Succeeded)
        {
            return AdminResult.Fail(added.Errors.Select(e => e.Description).ToArray());
        }
        // A new security stamp makes open sessions pick up the change at their next validation.
        await users.UpdateSecurityStampAsync(user);
        await audit.RecordAsync(db, AuditKind.RolesChanged, actor, user.Email ?? "", $"Roles {RoleList(current)} → {RoleList(roles)}.", ct);
        await tx.CommitAsync(ct);
        return AdminResult.Ok;
    }

    public async Task<AdminResult> UnlockAsync(string userId, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.UnlockUser) is { } refused)
        {
            return AdminResult.Fail(refused);
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return AdminResult.Fail("That user no longer exists.");
        }
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        await audit.RecordAsync(AuditKind.UserUnlocked, actor, user.Email ?? "", "Lockout lifted; failed sign-ins reset to 0.", ct);
        return AdminResult.Ok;
    }

    /// <summary>Sets the name colleagues see; an empty name lets the e-mail address stand in again.</summary>
    public async Task<AdminResult> RenameAsync(string userId, string? displayName, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.RenameUser) is { } refused)
        {
            return AdminResult.Fail(refused);
        }
        var name = displayName?.Trim() ?? "";
        if (name.Length > ApplicationUser.DisplayNameMaxLength)
        {
            return AdminResult.Fail($"The name can be at most {ApplicationUser.DisplayNameMaxLength} characters long.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var changed = await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.DisplayName, name), ct);
        return changed == 0 ? AdminResult.Fail("That user no longer exists.") : AdminResult.Ok;
    }

    /// <summary>
    /// Stops a user from signing in; their open pages stop at the next session check (a new security stamp). An admin
    /// cannot deactivate their own account, nor the last active admin, or nobody could manage users any more.
    /// </summary>
    public async Task<AdminResult> DeactivateAsync(string userId, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.DeactivateUser) is { } refused)
        {
            return AdminResult.Fail(refused);
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        // The write lock from the first read: two admins deactivating each other cannot both pass the last-admin check.
        await using var tx = await db.BeginWriteAsync(ct);
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return AdminResult.Fail("That user no longer exists.");
        }
        if (!user.IsActive)
        {
            return AdminResult.Ok;
        }
        if (string.Equals(user.UserName, actor.Name, StringComparison.OrdinalIgnoreCase))
        {
            return AdminResult.Fail("You can't deactivate your own account.");
        }
        if (await users.IsInRoleAsync(user, Roles.Admin) && await ActiveAdminsAsync(db, ct) <= 1)
        {
            return AdminResult.Fail("This is the only active admin: give another user the Admin role first.");
        }
        user.DeactivatedAt = time.GetUtcNow().UtcDateTime;
        var updated = await users.UpdateSecurityStampAsync(user);
        if (!updated.Succeeded)
        {
            return AdminResult.Fail(updated.Errors.Select(e => e.Description).ToArray());
        }
        await audit.RecordAsync(db, AuditKind.UserDeactivated, actor, user.Email ?? "", "Account deactivated: it can no longer sign in.", ct);
        await tx.CommitAsync(ct);
        return AdminResult.Ok;
    }

    /// <summary>Lets a deactivated user sign in again (with the password they had).</summary>
    public async Task<AdminResult> ReactivateAsync(string userId, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.DeactivateUser) is { } refused)
        {
            return AdminResult.Fail(refused);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).SingleOrDefaultAsync(ct);
        var changed = await db.Users.Where(u => u.Id == userId && u.DeactivatedAt != null)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.DeactivatedAt, (DateTime?)null), ct);
        if (email is null)
        {
            return AdminResult.Fail("That user no longer exists.");
        }
        if (changed > 0)
        {
            await audit.RecordAsync(db, AuditKind.UserReactivated, actor, email, "Account reactivated: it can sign in again.", ct);
        }
        await tx.CommitAsync(ct);
        return AdminResult.Ok;
    }

    /// <summary>
    /// Gives a user a new password: the one the admin typed, checked against Identity's password rules, or, when
    /// none is given, a generated one returned once. Their open sessions end at the next check, and a lockout from
    /// failed tries is lifted, so they can sign in with it at once.
    /// </summary>
    public async Task<PasswordResetResult> ResetPasswordAsync(string userId, string? newPassword, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.ResetPassword) is { } refused)
        {
            return PasswordResetResult.Fail(refused);
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return PasswordResetResult.Fail("That user no longer exists.");
        }
        var generated = string.IsNullOrEmpty(newPassword);
        var password = generated ? GeneratePassword(users.Options.Password) : newPassword!;
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var tx = await db.BeginWriteAsync(ct);
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var reset = await users.ResetPasswordAsync(user, token, password);
        if (!reset.Succeeded)
        {
            return PasswordResetResult.Fail(reset.Errors.Select(e => e.Description).ToArray());
        }
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        await audit.RecordAsync(db, AuditKind.PasswordReset, actor, user.Email ?? "",
            generated ? "Password reset to a generated one; lockout lifted." : "Password reset to one the admin typed; lockout lifted.", ct);
        await tx.CommitAsync(ct);
        return new PasswordResetResult(true, [], generated ? password : null);
    }

    /// <summary>
    /// Deletes the signed-in user's own account (the personal-data page, after its password check). The last active
    /// admin cannot, or nobody could manage users: checked under the write lock, with the deletion and its audit entry
    /// in the same transaction.
    /// </summary>
    public async Task<AdminResult> DeleteOwnAccountAsync(string userId, Actor actor, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var tx = await db.BeginWriteAsync(ct);
        var user = await users.FindByIdAsync(userId);
        if (user is null || actor.Kind != ActorKind.User || !string.Equals(user.UserName, actor.Name, StringComparison.OrdinalIgnoreCase))
        {
            return AdminResult.Fail("Only the account's own user can delete it here.");
        }
        if (user.IsActive && await users.IsInRoleAsync(user, Roles.Admin) && await ActiveAdminsAsync(db, ct) <= 1)
        {
            return AdminResult.Fail("You are the only admin: give another user the Admin role before you delete your account.");
        }
        var email = user.Email ?? user.UserName ?? "";
        var deleted = await users.DeleteAsync(user);
        if (!deleted.Succeeded)
        {
            return AdminResult.Fail(deleted.Errors.Select(e => e.Description).ToArray());
        }
        await audit.RecordAsync(db, AuditKind.UserDeleted, actor, email, "The user deleted their own account and personal data.", ct);
        await tx.CommitAsync(ct);
        return AdminResult.Ok;
    }

    /// <summary>Active accounts holding the Admin role, counted in the caller's transaction.</summary>
    private static Task<int> ActiveAdminsAsync(AppDbContext db, CancellationToken ct) =>
        db.UserRoles.Where(ur => db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Admin))
            .Join(db.Users, ur => ur.UserId, u => u.Id, (ur, u) => u)
            .CountAsync(u => u.DeactivatedAt == null, ct);

    private static string RoleList(IEnumerable<string> roles) =>
        roles.Any() ? string.Join(", ", roles.Order().Select(Roles.DisplayName)) : "none";

    /// <summary>
    /// Groups of four random characters joined by dashes, long enough for the configured minimum and holding every
    /// kind of character the rules may ask for, so it passes whatever <see cref="PasswordOptions"/> says.
    /// </summary>
    public static string GeneratePassword(PasswordOptions rules)
    {
        var groups = Math.Max(4, (rules.RequiredLength + 4) / 5 + 1);
        while (true)
        {
            var password = string.Join("-", Enumerable.Range(0, groups).Select(_ => RandomNumberGenerator.GetString(PasswordAlphabet, 4)));
            if (password.Any(char.IsDigit) && password.Any(char.IsUpper) && password.Any(char.IsLower)
                && password.Distinct().Count() >= rules.RequiredUniqueChars)
            {
                return password;
            }
        }
    }
}
