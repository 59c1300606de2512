using System.Linq.Expressions;
using BackorderDashboard.Data;

namespace BackorderDashboard.Domain;

/// <summary>How long waiting lines have waited, in the buckets of the queue filter and the KPI aging chart.</summary>
public enum AgeBucket
{
    Any = 0,
    UpTo7Days,
    From8To14Days,
    From15To30Days,
    Over30Days,
}

/// <summary>One age bucket: its name on the page, its form in a link (?age=8-14) and its days (both ends included).</summary>
public sealed record QueueAge(AgeBucket Bucket, string Label, string Parameter, int MinDays, int? MaxDays);

/// <summary>
/// The age buckets, DESIGN.md "Backorder age": 0–7, 8–14, 15–30 and 30+ days waiting, counted in the store's calendar
/// days from the day the line was queued (today − queued day, as the queue's Days column shows it). A waiting line
/// without a queued-at has waited 0 days, so it is in the first bucket everywhere. Each bucket's test is a
/// comparison of queued-at with the UTC start of its oldest day, so the queue index serves it; the LINQ filter and
/// the SQL condition below are the same comparisons (a test checks the KPI aging counts equal the filtered queue).
/// </summary>
public static class QueueAges
{
    public static readonly IReadOnlyList<QueueAge> All =
    [
        new(AgeBucket.UpTo7Days, "0–7 days", "0-7", 0, 7),
        new(AgeBucket.From8To14Days, "8–14 days", "8-14", 8, 14),
        new(AgeBucket.From15To30Days, "15–30 days", "15-30", 15, 30),
        new(AgeBucket.Over30Days, "30+ days", "30+", 31, null),
    ];

    public static QueueAge? Of(AgeBucket bucket) => All.FirstOrDefault(a => a.Bucket == bucket);

    /// <summary>The bucket a link names (?age=8-14); Any for none or an unknown one.</summary>
    public static AgeBucket Parse(string? parameter) => All.FirstOrDefault(a => a.Parameter == parameter)?.Bucket ?? AgeBucket.Any;

    /// <summary>Whole store days a line queued at <paramref name="queuedAt"/> has waited today (0 without a queued-at).</summary>
    public static int DaysWaiting(MerchantClock clock, DateTime? queuedAt) =>
        queuedAt is { } q ? Math.Max(0, clock.Today.DayNumber - DateOnly.FromDateTime(clock.ToLocal(q)).DayNumber) : 0;

    /// <summary>The UTC instant from which a line queued is at most <paramref name="days"/> days old today.</summary>
    private static DateTime Since(MerchantClock clock, int days) => clock.StartOfDayUtc(clock.Today.AddDays(-days));

    /// <summary>The waiting lines of the bucket (Any: all of them).</summary>
    public static IQueryable<OrderLine> WhereAge(this IQueryable<OrderLine> lines, AgeBucket bucket, MerchantClock clock)
    {
        var index = All.ToList().FindIndex(a => a.Bucket == bucket);
        if (index < 0)
        {
            return lines;
        }
        DateTime? newest = index == 0 ? null : Since(clock, All[index - 1].MaxDays!.Value);
        DateTime? oldest = All[index].MaxDays is { } max ? Since(clock, max) : null;
        Expression<Func<OrderLine, bool>> inside = (newest, oldest) switch
        {
            (null, { } from) => l => l.QueuedAt == null || l.QueuedAt >= from,
            ({ } before, null) => l => l.QueuedAt < before,
            ({ } before, { } from) => l => l.QueuedAt < before && l.QueuedAt >= from,
            _ => l => true,
        };
        return lines.Where(inside);
    }

    /// <summary>SQL: the OrderLines row <paramref name="alias"/> is in bucket <paramref name="index"/> of <see cref="All"/> (bounds from <see cref="SqlBounds"/>).</summary>
    public static string InsideSql(int index, string alias) => (index, All[index].MaxDays) switch
    {
        (0, _) => $"({alias}.QueuedAt IS NULL OR {alias}.QueuedAt >= $age{index})",
        (_, null) => $"{alias}.QueuedAt < $age{index - 1}",
        _ => $"{alias}.QueuedAt < $age{index - 1} AND {alias}.QueuedAt >= $age{index}",
    };

    /// <summary>The parameters of <see cref="InsideSql"/>: $age{i} is the oldest instant of bucket i, in SQLite's stored form.</summary>
    public static (string Name, object? Value)[] SqlBounds(MerchantClock clock) =>
        All.Select((a, i) => (a, i)).Where(x => x.a.MaxDays is not null)
            .Select(x => ($"$age{x.i}", (object?)BulkWrites.Stamp(Since(clock, x.a.MaxDays!.Value)))).ToArray();
}
