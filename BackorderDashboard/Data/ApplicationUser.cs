using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;

namespace BackorderDashboard.Data;

public class ApplicationUser : IdentityUser
{
    public const int DisplayNameMaxLength = 100;

    /// <summary>Null until the user picks a theme; the browser's preference applies meanwhile.</summary>
    public bool? PrefersDarkMode { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>The name colleagues see (user menu, order history, users page); empty means the e-mail address stands in.</summary>
    [MaxLength(DisplayNameMaxLength)]
    public string DisplayName { get; set; } = "";

    /// <summary>When an admin deactivated the account (UTC); null while it may sign in.</summary>
    public DateTime? DeactivatedAt { get; set; }

    public bool IsActive => DeactivatedAt is null;

    /// <summary>What people see for this user: the display name, or the e-mail address while there is none.</summary>
    public static string ShownName(string? displayName, string? email) =>
        string.IsNullOrWhiteSpace(displayName) ? email ?? "" : displayName;
}
