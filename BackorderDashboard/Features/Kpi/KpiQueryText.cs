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

    public static string Url(string path, KpiQuery query, string range)
    {
        var parts = new List<string> { $"range={range}" };
        if (range == "custom")
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
