using BackorderDashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Components.Layout;

/// <summary>What a user chose for themselves and keeps across devices: for now, the light or dark theme.</summary>
public sealed class UserPreferencesService(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<bool?> GetDarkModeAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Users.Where(u => u.Id == userId).Select(u => u.PrefersDarkMode).FirstOrDefaultAsync(ct);
    }

    public async Task SetDarkModeAsync(string userId, bool dark, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.PrefersDarkMode, dark), ct);
    }
}
