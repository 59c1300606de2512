using System.Linq.Expressions;
using System.Reflection;

namespace BackorderDashboard.Domain;

/// <summary>
/// Lets a rule be written once as a C# method and used inside EF queries: a query that calls a rule method is passed
/// through <see cref="WithRules{T}"/>, which replaces each call with the rule's expression, so SQL gets the same
/// condition the method evaluates in memory.
/// </summary>
public static class QueryRules
{
    private static readonly Dictionary<MethodInfo, LambdaExpression> Rules = new()
    {
        [Method(typeof(QueueOrder), nameof(QueueOrder.IsAhead))] = QueueOrder.IsAheadExpression,
        [Method(typeof(QueueOrder), nameof(QueueOrder.LinesAhead))] = QueueOrder.LinesAheadExpression,
        [Method(typeof(PurchaseOrderRules), nameof(PurchaseOrderRules.IsOpen))] = PurchaseOrderRules.IsOpenExpression,
        [Method(typeof(PurchaseOrderRules), nameof(PurchaseOrderRules.IsOverdue))] = PurchaseOrderRules.IsOverdueExpression,
    };

    /// <summary>The query with every rule method it calls replaced by that rule's expression.</summary>
    public static IQueryable<T> WithRules<T>(this IQueryable<T> query) =>
        query.Provider.CreateQuery<T>(new Inliner().Visit(query.Expression));

    private static MethodInfo Method(Type type, string name) => type.GetMethod(name, BindingFlags.Public | BindingFlags.Static)!;

    private sealed class Inliner : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (!Rules.TryGetValue(node.Method, out var rule))
            {
                return base.VisitMethodCall(node);
            }
            var arguments = node.Arguments.Select(Visit).ToList();
            var body = new Substitution(rule.Parameters.Zip(arguments!).ToDictionary(p => p.First, p => p.Second!)).Visit(rule.Body);
            return Visit(body);
        }
    }

    private sealed class Substitution(Dictionary<ParameterExpression, Expression> values) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => values.GetValueOrDefault(node) ?? node;
    }
}
