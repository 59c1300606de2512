using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Data;

/// <summary>A category or supplier as a filter lists it.</summary>
public sealed record NamedItem(int Id, string Name);

/// <summary>The names the pages' category and supplier filters offer, by name.</summary>
public static class CatalogNames
{
    public static async Task<IReadOnlyList<NamedItem>> CategoryNamesAsync(this AppDbContext db, CancellationToken ct = default) =>
        await db.Categories.AsNoTracking().OrderBy(c => c.Name).Select(c => new NamedItem(c.Id, c.Name)).ToListAsync(ct);

    public static async Task<IReadOnlyList<NamedItem>> SupplierNamesAsync(this AppDbContext db, CancellationToken ct = default) =>
        await db.Suppliers.AsNoTracking().OrderBy(s => s.Name).Select(s => new NamedItem(s.Id, s.Name)).ToListAsync(ct);
}
