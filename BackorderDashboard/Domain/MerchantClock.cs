using System.Globalization;

namespace BackorderDashboard.Domain;

/// <summary>
/// Converts between stored UTC times and the merchant's calendar: "today", day boundaries and the short
/// date format a customer reads on a badge ("Dec 5").
/// </summary>
public sealed class MerchantClock(TimeProvider time, TimeZoneInfo zone)
{
    public TimeZoneInfo Zone => zone;

    public DateTime UtcNow => time.GetUtcNow().UtcDateTime;

    public DateOnly Today => DateOnly.FromDateTime(ToLocal(UtcNow));

    public DateTime ToLocal(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);

    /// <summary>The store's calendar day of a UTC instant (an order placed at 10:38 PM in New York is placed that day, not the next).</summary>
    public DateOnly DayOf(DateTime utc) => DateOnly.FromDateTime(ToLocal(utc));

    /// <summary>UTC instant at which the given merchant day starts.</summary>
    public DateTime StartOfDayUtc(DateOnly day) =>
        TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), zone);

    /// <summary>"Dec 5" in English; the culture's own month-day pattern elsewhere.</summary>
    public static string ShortDate(DateOnly date, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        var pattern = culture.DateTimeFormat.MonthDayPattern.Replace("MMMM", "MMM");
        return date.ToString(pattern, culture);
    }

    public string ShortDateTime(DateTime utc, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        var local = ToLocal(utc);
        return $"{ShortDate(DateOnly.FromDateTime(local), culture)}, {local.ToString("t", culture)}";
    }

    /// <summary>
    /// SQL that turns a stored UTC time column into the merchant's calendar day ('YYYY-MM-DD') for times between
    /// the two instants: SQLite knows no time zones, so each stretch with one UTC offset gets its own shift (a CASE
    /// over the daylight-saving changes in the range), and grouping by day stays exact across them.
    /// </summary>
    public string LocalDaySql(string column, DateTime fromUtc, DateTime toUtc)
    {
        static string Shift(TimeSpan offset) => $"'{(int)offset.TotalMinutes:+0;-0;+0} minutes'";
        var stretches = new List<(DateTime Until, TimeSpan Offset)>();
        var offset = zone.GetUtcOffset(fromUtc);
        // Offsets change on the hour (or half hour) in every zone; stepping by 30 minutes finds every change.
        var start = new DateTime(fromUtc.Ticks - fromUtc.Ticks % (TimeSpan.TicksPerMinute * 30), DateTimeKind.Utc);
        for (var t = start.AddMinutes(30); t < toUtc.AddMinutes(30); t = t.AddMinutes(30))
        {
            var next = zone.GetUtcOffset(t);
            if (next != offset)
            {
                stretches.Add((t, offset));
                offset = next;
            }
        }
        if (stretches.Count == 0)
        {
            return $"date({column}, {Shift(offset)})";
        }
        var cases = string.Concat(stretches.Select(s =>
            $" WHEN {column} < '{s.Until:yyyy-MM-dd HH:mm:ss}' THEN date({column}, {Shift(s.Offset)})"));
        return $"(CASE{cases} ELSE date({column}, {Shift(offset)}) END)";
    }

    public static TimeZoneInfo FindZone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
}
