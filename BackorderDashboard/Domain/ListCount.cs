using System.Globalization;

namespace BackorderDashboard.Domain;

/// <summary>
/// How many rows a list's filters match, counted no further than <see cref="Cap"/>: exact while small, "more than
/// 1,000" beyond, so a page never pays for counting a large store to show one number.
/// </summary>
public readonly record struct ListCount(int Count, bool More)
{
    public const int Cap = 1000;

    /// <summary>The count of a query read with <c>Take(Cap + 1)</c>.</summary>
    public static ListCount Of(int counted) => counted > Cap ? new(Cap, true) : new(counted, false);

    /// <summary>"12 purchase orders", "1 purchase order", "more than 1,000 purchase orders".</summary>
    public string Text(string one, string many) => More
        ? $"more than {Cap.ToString("N0", CultureInfo.CurrentCulture)} {many}"
        : $"{Count.ToString("N0", CultureInfo.CurrentCulture)} {(Count == 1 ? one : many)}";

    /// <summary>The count alone, for a chip: "12", "1,000+".</summary>
    public string Short => More ? $"{Cap.ToString("N0", CultureInfo.CurrentCulture)}+" : Count.ToString("N0", CultureInfo.CurrentCulture);
}
