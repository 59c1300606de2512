using System.Linq.Expressions;
using BackorderDashboard.Data;

namespace BackorderDashboard.Domain;

/// <summary>
/// An open purchase order is one sent to the supplier and not yet fully received (ordered or partly received): its
/// outstanding quantities are inbound. Drafts are not sent yet; received and cancelled orders bring nothing more.
/// </summary>
public static class PurchaseOrderRules
{
    internal static readonly Expression<Func<PurchaseOrderStatus, bool>> IsOpenExpression = status =>
        status == PurchaseOrderStatus.Ordered || status == PurchaseOrderStatus.PartiallyReceived;

    /// <summary>Inside an EF query, pass the query through <see cref="QueryRules.WithRules{T}"/>.</summary>
    public static bool IsOpen(this PurchaseOrderStatus status) => IsOpenCompiled(status);

    private static readonly Func<PurchaseOrderStatus, bool> IsOpenCompiled = IsOpenExpression.Compile();

    internal static readonly Expression<Func<PurchaseOrderStatus, DateOnly, DateOnly, bool>> IsOverdueExpression = (status, expected, today) =>
        status.IsOpen() && expected < today;

    /// <summary>
    /// Overdue: still open and its expected date has passed in the store's calendar. Inside an EF query, pass the query
    /// through <see cref="QueryRules.WithRules{T}"/>.
    /// </summary>
    public static bool IsOverdue(this PurchaseOrderStatus status, DateOnly expected, DateOnly today) => IsOverdueCompiled(status, expected, today);

    private static readonly Func<PurchaseOrderStatus, DateOnly, DateOnly, bool> IsOverdueCompiled = IsOverdueExpression.Compile();

    /// <summary>SQL: the PurchaseOrders row called <paramref name="alias"/> is open.</summary>
    public static string IsOpenSql(string alias) =>
        $"{alias}.Status IN ({(int)PurchaseOrderStatus.Ordered}, {(int)PurchaseOrderStatus.PartiallyReceived})";
}
