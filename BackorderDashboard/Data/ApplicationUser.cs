using Microsoft.AspNetCore.Identity;

namespace BackorderDashboard.Data;

public class ApplicationUser : IdentityUser
{
    /// <summary>Null until the user picks a theme; the browser's preference applies meanwhile.</summary>
    public bool? PrefersDarkMode { get; set; }

    public DateTime CreatedAt { get; set; }
}
