using System.Globalization;
using BackorderDashboard.Components.Shared;
using BackorderDashboard.Data;

namespace BackorderDashboard.Features.Kpi;

/// <summary>The KPI filters in an address (?range=90&amp;group=week&amp;…), so a view can be shared, exported and reloaded.</summary>
public static class KpiQueryText
{
    public const string DefaultRange = "90";

    private static readonly string[] Ranges = ["30", "90", "365", "custom"];

    /// <summary>
    /// The KPI page's filters from its address. What cannot be read, or a period outside <see cref="KpiLimits"/>,
    /// is noted in <paramref name="address"/> (by parameter) and replaced by the default: week grouping, every
    /// category, supplier and channel, the last 90 days.
    /// </summary>
    public static KpiQuery Parse(DateOnly today, string? range, string? from, string? to, string? group, string? category, string? supplier,
        string? channel, out string rangeUsed, QueryParameters? address = null) =>
        Read(today, range, from, to, group, category, supplier, channel, DefaultRange, address ?? new QueryParameters(), out rangeUsed);

    /// <summary>
    /// A product page's period: a link's from and to (a range named beside them is kept for the way back), else the
    /// last 30 store days, by day; a period that cannot be read is noted and replaced by the last 30 days.
    /// </summary>
    public static KpiQuery ParseProduct(DateOnly today, string? range, string? from, string? to, string? group, string? category, string? supplier,
        string? channel, out string rangeUsed, QueryParameters? address = null)
    {
        address ??= new QueryParameters();
        // The range only names the way back to the KPI page; one that is not a range is noted and left out.
        range = address.Word("range", range, "period", Ranges, "keeping the dates");
        var dated = !string.IsNullOrWhiteSpace(from) || !string.IsNullOrWhiteSpace(to);
        var parsed = Read(today, dated ? "custom" : "30", from, to, group, category, supplier, channel, "30", address, out rangeUsed);
        if (rangeUsed == "custom" && range is not null && Ranges.Contains(range) && range != "custom" && parsed.To == today
            && parsed.Days == int.Parse(range!, CultureInfo.InvariantCulture))
        {
            rangeUsed = range!;
        }
        return Enum.TryParse<KpiGrouping>(group, ignoreCase: true, out var g) && Enum.IsDefined(g)
            ? parsed
            : parsed with { Group = parsed.Days <= 31 ? KpiGrouping.Day : KpiGrouping.Week };
    }

    private static KpiQuery Read(DateOnly today, string? range, string? from, string? to, string? group, string? category, string? supplier,
        string? channel, string defaultRange, QueryParameters address, out string rangeUsed)
    {
        var grouping = address.Enum<KpiGrouping>("group", group, "grouping", "grouping by week") ?? KpiGrouping.Week;
        var orderChannel = address.Enum<OrderChannel>("channel", channel, "channel", "counting every channel");
        var categoryId = address.Id("category", category, "category", "counting every category");
        var supplierId = address.Id("supplier", supplier, "supplier", "counting every supplier");
        var fallback = $"showing the last {defaultRange} days";
        rangeUsed = address.Word("range", range, "period", Ranges, fallback) ?? defaultRange;
        var query = new KpiQuery(today.AddDays(1 - int.Parse(defaultRange, CultureInfo.InvariantCulture)), today, grouping, categoryId, supplierId, orderChannel);
        if (rangeUsed != "custom")
        {
            return rangeUsed == defaultRange ? query : query with { From = today.AddDays(1 - int.Parse(rangeUsed, CultureInfo.InvariantCulture)) };
        }
        var start = address.Date("from", from, "start date", KpiLimits.Earliest, today, fallback);
        var end = address.Date("to", to, "end date", KpiLimits.Earliest, DateOnly.MaxValue, fallback);
        if (end > today)
        {
            address.Add("to", $"The end date {QueryParameters.Shown(to)} is after today; counting to today.");
            end = today;
        }
        string? problem = null;
        if (start is { } f && end is { } t)
        {
            problem = KpiLimits.Problem(query with { From = f, To = t }, today);
            if (problem is null)
            {
                return query with { From = f, To = t };
            }
            address.Add("from", $"{problem} Showing the last {defaultRange} days.");
        }
        else if (!address.Problems.Any(p => p.Parameter is "from" or "to"))
        {
            address.Add(start is null ? "from" : "to", $"A custom period needs a start and an end date; {fallback}.");
        }
        rangeUsed = defaultRange;
        return query;
    }

    /// <summary>A product's page with the figures' period and filters, the dates written out so the page shows the same days.</summary>
    public static string ProductUrl(string sku, KpiQuery query, string range) =>
        Url($"/products/{Uri.EscapeDataString(sku)}", query, range, withDates: true);

    public static string Url(string path, KpiQuery query, string range) => Url(path, query, range, withDates: false);

    private static string Url(string path, KpiQuery query, string range, bool withDates)
    {
        var parts = new List<string> { $"range={range}" };
        if (range == "custom" || withDates)
        {
            parts.Add($"from={query.From:yyyy-MM-dd}");
            parts.Add($"to={query.To:yyyy-MM-dd}");
        }
        parts.Add($"group={query.Group.ToString().ToLowerInvariant()}");
        if (query.CategoryId is { } category)
        {
            parts.Add($"category={category}");
        }
        if (query.SupplierId is { } supplier)
        {
            parts.Add($"supplier={supplier}");
        }
        if (query.Channel is { } channel)
        {
            parts.Add($"channel={channel.ToString().ToLowerInvariant()}");
        }
        return $"{path}?{string.Join("&", parts)}";
    }
}
