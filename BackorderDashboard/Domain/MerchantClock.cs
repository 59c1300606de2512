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

    public static TimeZoneInfo FindZone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
}
