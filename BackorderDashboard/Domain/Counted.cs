using System.Globalization;

namespace BackorderDashboard.Domain;

/// <summary>Counts in plain words: "1 unit", "12 units", "1 order", "3 orders".</summary>
public static class Counted
{
    public static string Units(int count) => Of(count, "unit", "units");

    public static string Orders(int count) => Of(count, "order", "orders");

    public static string Of(int count, string one, string many) =>
        $"{count.ToString("N0", CultureInfo.CurrentCulture)} {(count == 1 ? one : many)}";
}
