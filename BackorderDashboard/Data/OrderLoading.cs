using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Data;

public static class OrderLoading
{
    /// <summary>
    /// Orders with their customer, and all their lines with each line's product, tracked. Two flat queries: SQLite
    /// does not flatten the lines-with-products join EF nests under a LEFT JOIN, and would read every order line.
    /// </summary>
    public static async Task<List<Order>> OrdersWithLinesAsync(this AppDbContext db, IReadOnlyCollection<int> orderIds, CancellationToken ct)
    {
        var orders = await db.Orders.Include(o => o.Customer).Where(o => orderIds.Contains(o.Id)).ToListAsync(ct);
        // Tracked: the lines attach themselves to their orders' Lines.
        await db.OrderLines.Include(l => l.Product).Where(l => orderIds.Contains(l.OrderId)).LoadAsync(ct);
        return orders;
    }
}
