using BackorderDashboard.Data;

namespace BackorderDashboard.Domain;

/// <summary>
/// Demand: units ordered, counted on the store day the order was placed (every line's quantity, whether stock filled
/// it or not). Replenishment's average daily demand and a product's demand chart read the same SQL.
/// </summary>
public static class UnitsOrdered
{
    /// <summary>
    /// SQL rows (ProductId, Day 'YYYY-MM-DD', Units) for orders placed from $from up to $to (UTC stamps of store day
    /// starts, see <see cref="BulkWrites.Stamp"/>); <paramref name="where"/> narrows it further (e.g. "AND l.ProductId = $product").
    /// </summary>
    public static string PerDaySql(MerchantClock clock, DateTime fromUtc, DateTime toUtc, string where = "") => $"""
        SELECT l.ProductId, {clock.LocalDaySql("o.PlacedAt", fromUtc, toUtc)} AS Day, SUM(l.Qty) AS Units
        FROM OrderLines l JOIN Orders o ON o.Id = l.OrderId
        WHERE o.PlacedAt >= $from AND o.PlacedAt < $to {where}
        GROUP BY l.ProductId, Day
        """;
}
