using System.Linq.Expressions;
using BackorderDashboard.Data;

namespace BackorderDashboard.Domain;

/// <summary>How far up its product's queue a waiting line goes: higher goes first.</summary>
public enum QueuePriority
{
    Standard = 0,

    /// <summary>A VIP customer's line, when the store puts VIP customers first.</summary>
    Vip = 1,

    /// <summary>Expedited by the merchant: to the front of the queue, above VIP customers.</summary>
    Expedited = 2,
}

public static class QueuePriorities
{
    /// <summary>The priority a waiting line gets: expedited on top, else VIP first when the store says so.</summary>
    public static QueuePriority For(CustomerTier tier, bool vipFirst, bool expedited = false) =>
        expedited ? QueuePriority.Expedited
        : vipFirst && tier == CustomerTier.Vip ? QueuePriority.Vip
        : QueuePriority.Standard;
}

/// <summary>
/// A product's backorder queue order, DESIGN.md: priority (highest first), then the time the line was queued
/// (earliest first; a line without one sorts first, as SQL sorts a null), then line id. The same rule as a LINQ
/// order, as "the lines ahead of this one" (for place in line and units ahead), as an in-memory comparer and as SQL
/// text for hand-written statements; a test checks all of them agree.
/// </summary>
public static class QueueOrder
{
    public static IOrderedQueryable<OrderLine> InQueueOrder(this IQueryable<OrderLine> lines) =>
        lines.OrderByDescending(l => l.Priority).ThenBy(l => l.QueuedAt).ThenBy(l => l.Id);

    /// <summary>Queue order within an order already begun (the queue page sorts by product first).</summary>
    public static IOrderedQueryable<OrderLine> ThenInQueueOrder(this IOrderedQueryable<OrderLine> lines) =>
        lines.ThenByDescending(l => l.Priority).ThenBy(l => l.QueuedAt).ThenBy(l => l.Id);

    /// <summary>Whether <paramref name="other"/> comes before <paramref name="line"/> when both wait for the same product.</summary>
    public static readonly Expression<Func<OrderLine, OrderLine, bool>> IsAheadExpression = (other, line) =>
        other.Priority > line.Priority
        || (other.Priority == line.Priority
            && ((other.QueuedAt == null && line.QueuedAt != null)
                || other.QueuedAt < line.QueuedAt
                || (other.QueuedAt == line.QueuedAt && other.Id < line.Id)));

    private static readonly Func<OrderLine, OrderLine, bool> IsAheadCompiled = IsAheadExpression.Compile();

    public static bool IsAhead(OrderLine other, OrderLine line) => IsAheadCompiled(other, line);

    /// <summary>Queue order in memory, for lines held in a list.</summary>
    public static readonly IComparer<OrderLine> Comparer = Comparer<OrderLine>.Create((a, b) =>
        a.Id == b.Id ? 0 : IsAhead(a, b) ? -1 : 1);

    internal static readonly Expression<Func<IQueryable<OrderLine>, OrderLine, IQueryable<OrderLine>>> LinesAheadExpression = (lines, line) =>
        lines.Where(other => other.ProductId == line.ProductId && other.QtyUnfilled > 0 && IsAhead(other, line));

    private static readonly Func<IQueryable<OrderLine>, OrderLine, IQueryable<OrderLine>> LinesAheadCompiled = LinesAheadExpression.Compile();

    /// <summary>
    /// The waiting lines of the same product ahead of <paramref name="line"/>: their count is its place in line − 1,
    /// their unfilled units the units ahead. Inside an EF query, pass the query through <see cref="QueryRules.WithRules{T}"/>.
    /// </summary>
    public static IQueryable<OrderLine> LinesAhead(this IQueryable<OrderLine> lines, OrderLine line) => LinesAheadCompiled(lines, line);

    /// <summary>The ORDER BY terms of queue order over the OrderLines row called <paramref name="alias"/>.</summary>
    public static string OrderBySql(string alias) => $"{alias}.Priority DESC, {alias}.QueuedAt, {alias}.Id";

    /// <summary>SQL: the OrderLines row <paramref name="other"/> comes before <paramref name="line"/> (same product assumed).</summary>
    public static string IsAheadSql(string other, string line) =>
        $"({other}.Priority > {line}.Priority OR ({other}.Priority = {line}.Priority AND (({other}.QueuedAt IS NULL AND {line}.QueuedAt IS NOT NULL)"
        + $" OR {other}.QueuedAt < {line}.QueuedAt OR ({other}.QueuedAt IS {line}.QueuedAt AND {other}.Id < {line}.Id))))";
}
