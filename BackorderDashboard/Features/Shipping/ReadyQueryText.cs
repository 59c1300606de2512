using System.Globalization;
using BackorderDashboard.Data;

namespace BackorderDashboard.Features.Shipping;

/// <summary>
/// The ready-to-ship filters in an address (?product=…&amp;customer=…&amp;days=3&amp;policy=complete), so a link, a
/// reload and the pick list keep them; the pick list of selected orders names them (?orders=SO-1001,SO-1002).
/// </summary>
public static class ReadyQueryText
{
    public const string Available = "available";
    public const string Complete = "complete";

    public static ReadyQuery Parse(string? product, string? customer, string? days, string? policy, string? orders = null)
    {
        var minDays = int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && d is > 0 and <= ReadyQuery.MaxDays ? d : (int?)null;
        var shipPolicy = policy switch
        {
            Available => ShipPolicy.ShipAvailable,
            Complete => ShipPolicy.ShipComplete,
            _ => (ShipPolicy?)null,
        };
        var numbers = string.IsNullOrWhiteSpace(orders)
            ? null
            : orders.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new ReadyQuery(Blank(product), Blank(customer), minDays, shipPolicy, numbers);
    }

    /// <summary>The address of <paramref name="path"/> with the query's filters (or its order numbers), none left empty.</summary>
    public static string Url(string path, ReadyQuery query)
    {
        var parts = new List<(string Name, string? Value)>
        {
            ("product", Blank(query.Product)),
            ("customer", Blank(query.Customer)),
            ("days", query.MinDays?.ToString(CultureInfo.InvariantCulture)),
            ("policy", query.ShipPolicy switch { ShipPolicy.ShipAvailable => Available, ShipPolicy.ShipComplete => Complete, _ => null }),
            ("orders", query.Numbers is { Count: > 0 } numbers ? string.Join(",", numbers) : null),
        };
        var text = string.Join("&", parts.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));
        return text.Length == 0 ? path : $"{path}?{text}";
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
