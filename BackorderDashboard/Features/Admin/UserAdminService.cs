using System.ComponentModel.DataAnnotations;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Admin;

public sealed record UserRow(string Id, string Email, IReadOnlyList<string> Roles, DateTimeOffset? LockoutEnd, int FailedLogins, DateTime CreatedAt)
{
    public bool IsLockedOut(DateTimeOffset now) => LockoutEnd is { } end && end > now;
}

public sealed record AdminResult(bool Succeeded, IReadOnlyList<string> Errors)
{
    public static readonly AdminResult Ok = new(true, []);
    public static AdminResult Fail(params string[] errors) => new(false, errors);
}

public sealed class NewUserInput
{
    [Required(ErrorMessage = "Enter the e-mail address the person will sign in with.")]
    [EmailAddress(ErrorMessage = "That is not a valid e-mail address.")]
    public string Email { get; set; } = "";

    [Required(ErrorMessage = "Enter a starting password.")]
    [MinLength(12, ErrorMessage = "The password must be at least 12 characters long.")]
    public string Password { get; set; } = "";

    public HashSet<string> Roles { get; set; } = [];
}

/// <summary>
/// Users and their roles, for the admin page. Identity's UserManager keeps a context for its scope's life,
/// so each operation gets a scope of its own instead of one held by the circuit.
/// </summary>
public sealed class UserAdminService(IServiceScopeFactory scopes, IDbContextFactory<AppDbContext> dbFactory)
{
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
                Roles = db.UserRoles.Where(ur => ur.UserId == u.Id)
                    .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name!).ToList(),
            })
            .ToListAsync(ct);
        return users.Select(u => new UserRow(u.Id, u.Email ?? "", u.Roles.Order().ToList(), u.LockoutEnd, u.AccessFailedCount, u.CreatedAt)).ToList();
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
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The admin vouches for the address, so the account can sign in at once.
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTime.UtcNow };
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
        await tx.CommitAsync(ct);
        return AdminResult.Ok;
    }

    /// <summary>Replaces a user's roles. The last admin cannot lose the Admin role, or nobody could manage users.</summary>
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
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return AdminResult.Fail("That user no longer exists.");
        }
        var current = await users.GetRolesAsync(user);
        if (current.Contains(Roles.Admin) && !roles.Contains(Roles.Admin)
            && (await users.GetUsersInRoleAsync(Roles.Admin)).Count <= 1)
        {
            return AdminResult.Fail("This is the only admin: give another user the Admin role first.");
        }
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var removed = await users.RemoveFromRolesAsync(user, current.Except(roles));
        var added = removed.Succeeded ? await users.AddToRolesAsync(user, roles.Except(current)) : removed;
        if (!added.Succeeded)
        {
            return AdminResult.Fail(added.Errors.Select(e => e.Description).ToArray());
        }
        // A new security stamp makes open sessions pick up the change at their next validation.
        await users.UpdateSecurityStampAsync(user);
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
        return AdminResult.Ok;
    }
}
