using System.Globalization;
using BackorderDashboard.Data;

namespace BackorderDashboard.Features.Kpi;

/// <summary>The KPI filters in an address (?range=90&amp;group=week&amp;…), so a view can be shared, exported and reloaded.</summary>
public static class KpiQueryText
{
    public const string DefaultRange = "90";

    public static KpiQuery Parse(DateOnly today, string? range, string? from, string? to, string? group, int? category, int? supplier, string? channel,
        out string rangeUsed)
    {
        var grouping = Enum.TryParse<KpiGrouping>(group, ignoreCase: true, out var g) ? g : KpiGrouping.Week;
        var orderChannel = Enum.TryParse<OrderChannel>(channel, ignoreCase: true, out var c) && Enum.IsDefined(c) ? c : (OrderChannel?)null;
        DateOnly? Day(string? text) => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        DateOnly start, end;
        if (range == "custom" && Day(from) is { } f && Day(to) is { } t && f <= t)
        {
            (start, end, rangeUsed) = (f, t > today ? today : t, "custom");
        }
        else
        {
            rangeUsed = range is "30" or "90" or "365" ? range : DefaultRange;
            (start, end) = (today.AddDays(1 - int.Parse(rangeUsed, CultureInfo.InvariantCulture)), today);
        }
        return new KpiQuery(start, end, grouping, category, supplier, orderChannel);
    }

    /// <summary>A product page's period: a link's from and to (a range named beside them is kept for the way back), else the last 30 store days, by day.</summary>
    public static KpiQuery ParseProduct(DateOnly today, string? range, string? from, string? to, string? group, int? category, int? supplier,
        string? channel, out string rangeUsed)
    {
        var parsed = Parse(today, "custom", from, to, group, category, supplier, channel, out rangeUsed);
        if (rangeUsed != "custom")
        {
            parsed = Parse(today, "30", null, null, group, category, supplier, channel, out rangeUsed);
        }
        else if (range is "30" or "90" or "365" && parsed.To == today && parsed.Days == int.Parse(range, CultureInfo.InvariantCulture))
        {
            rangeUsed = range;
        }
        return Enum.TryParse<KpiGrouping>(group, ignoreCase: true, out _) ? parsed : parsed with { Group = parsed.Days <= 31 ? KpiGrouping.Day : KpiGrouping.Week };
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
