using System.Globalization;
using BackorderDashboard.Components.Shared;
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

    /// <summary>The most orders a pick list of selected orders names.</summary>
    public const int MaxNumbers = 200;

    /// <summary>The filters an address names; what cannot be read is left out and, given <paramref name="address"/>, noted there.</summary>
    public static ReadyQuery Parse(string? product, string? customer, string? days, string? policy, string? orders = null,
        QueryParameters? address = null)
    {
        address ??= new QueryParameters();
        var minDays = address.Number("days", days, "number of days", 0, ReadyQuery.MaxDays, "showing orders of any age") is > 0 and var d ? d : (int?)null;
        var shipPolicy = address.Choice("policy", policy, "ship policy",
            new Dictionary<string, ShipPolicy>(StringComparer.OrdinalIgnoreCase) { [Available] = ShipPolicy.ShipAvailable, [Complete] = ShipPolicy.ShipComplete },
            "showing both");
        var numbers = address.Text("orders", orders, "list of orders", "showing every ready order", maxLength: MaxNumbers * 20)?
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (numbers is { Length: > MaxNumbers })
        {
            address.Add("orders", $"The list names {numbers.Length} orders; showing the first {MaxNumbers}.");
            numbers = numbers[..MaxNumbers];
        }
        return new ReadyQuery(address.Text("product", product, "product", "showing every product"),
            address.Text("customer", customer, "customer", "showing every customer"), minDays, shipPolicy, numbers is { Length: > 0 } ? numbers : null);
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
