using System.Globalization;
using System.Linq.Expressions;

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
        var (stretches, offset) = Stretches(fromUtc, toUtc);
        if (stretches.Count == 0)
        {
            return $"date({column}, {Shift(offset)})";
        }
        var cases = string.Concat(stretches.Select(s =>
            $" WHEN {column} < '{s.Until:yyyy-MM-dd HH:mm:ss}' THEN date({column}, {Shift(s.Offset)})"));
        return $"(CASE{cases} ELSE date({column}, {Shift(offset)}) END)";
    }

    /// <summary>
    /// The LINQ form of <see cref="LocalDaySql"/> for EF queries: "the store's day of <paramref name="utc"/> is before
    /// <paramref name="day"/>" for instants between the two given, each stretch with one UTC offset shifted by its own
    /// offset (a conditional per daylight-saving change), so the comparison holds on the store's calendar.
    /// </summary>
    public Expression<Func<T, bool>> DayOfIsBefore<T>(Expression<Func<T, DateTime>> utc, Expression<Func<T, DateOnly?>> day, DateTime fromUtc, DateTime toUtc)
    {
        var row = utc.Parameters[0];
        var instant = utc.Body;
        var fromDateTime = typeof(DateOnly).GetMethod(nameof(DateOnly.FromDateTime), [typeof(DateTime)])!;
        Expression Shifted(TimeSpan offset) => Expression.Call(fromDateTime,
            Expression.Call(instant, nameof(DateTime.AddMinutes), null, Expression.Constant(offset.TotalMinutes)));
        var (stretches, last) = Stretches(fromUtc, toUtc);
        var localDay = Shifted(last);
        for (var i = stretches.Count - 1; i >= 0; i--)
        {
            localDay = Expression.Condition(Expression.LessThan(instant, Expression.Constant(stretches[i].Until)), Shifted(stretches[i].Offset), localDay);
        }
        var other = new ReplaceParameter(day.Parameters[0], row).Visit(day.Body);
        return Expression.Lambda<Func<T, bool>>(Expression.LessThan(Expression.Convert(localDay, typeof(DateOnly?)), other), row);
    }

    /// <summary>The stretches of one UTC offset between the two instants (each until the change that ends it), and the offset after the last change.</summary>
    private (List<(DateTime Until, TimeSpan Offset)> Stretches, TimeSpan Last) Stretches(DateTime fromUtc, DateTime toUtc)
    {
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
        return (stretches, offset);
    }

    private sealed class ReplaceParameter(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }

    public static TimeZoneInfo FindZone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
}
