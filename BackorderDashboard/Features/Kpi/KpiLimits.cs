using System.Globalization;

namespace BackorderDashboard.Features.Kpi;

/// <summary>
/// The periods a KPI report may cover. Each day of a period is read and each bucket drawn, so an address with a start
/// in year 1100 or a span of centuries by day would hold the database and the server's memory for seconds: the
/// page and the export refuse such a period with a message (and show the default one), and the service refuses to
/// compute or cache it.
/// </summary>
public static class KpiLimits
{
    /// <summary>The earliest day a period may start: before any order this app can hold.</summary>
    public static readonly DateOnly Earliest = new(2000, 1, 1);

    /// <summary>How far past today a period may end (a service caller's ends are clamped to today on the page).</summary>
    public const int MaxDaysAhead = 366;

    /// <summary>The longest period per grouping, in years: two by day, ten by week, thirty by month (a few hundred points at most per chart).</summary>
    public static int MaxYears(KpiGrouping grouping) => grouping switch
    {
        KpiGrouping.Day => 2,
        KpiGrouping.Week => 10,
        _ => 30,
    };

    /// <summary>Why the period cannot be reported, or null when it can.</summary>
    public static string? Problem(KpiQuery query, DateOnly today)
    {
        if (query.From > query.To)
        {
            return $"The period starts ({Day(query.From)}) after it ends ({Day(query.To)}).";
        }
        if (query.From < Earliest)
        {
            return $"The period starts ({Day(query.From)}) before {Day(Earliest)}, the earliest day figures are kept for.";
        }
        if (query.To > today.AddDays(MaxDaysAhead))
        {
            return $"The period ends ({Day(query.To)}) more than a year after today.";
        }
        return query.To >= query.From.AddYears(MaxYears(query.Group))
            ? $"The period ({Day(query.From)} – {Day(query.To)}) is longer than {MaxYears(query.Group)} years, the longest shown {Grouped(query.Group)}."
            : null;
    }

    /// <summary>"by day", "by week", "by month".</summary>
    public static string Grouped(KpiGrouping grouping) => $"by {grouping.ToString().ToLowerInvariant()}";

    private static string Day(DateOnly day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
}
