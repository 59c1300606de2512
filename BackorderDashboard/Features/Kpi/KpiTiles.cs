using BackorderDashboard.Domain;

namespace BackorderDashboard.Features.Kpi;

/// <summary>One figure at the top of the KPI page: its label, the figure and a line under it, a colour class, and the formula its tooltip shows.</summary>
public sealed record KpiTileView(string Id, string Label, string Figure, string? Detail, string? Class, string Formula);

/// <summary>The KPI page's tiles from a report: each share as a percentage with what it counts, coloured against its benchmark.</summary>
public static class KpiTiles
{
    public static string Percent(Ratio r) => r.Percent is { } p ? $"{p:0.0}%" : "–";

    public static string Counted(Ratio r, string of) => r.Denominator == 0 ? $"No {of} in the period" : $"{r.Numerator:N0} of {r.Denominator:N0} {of}";

    public static IEnumerable<KpiTileView> For(KpiReport r)
    {
        var rate = r.Period.BackorderRate;
        var before = r.PreviousPeriod.BackorderRate;
        var change = rate.Percent is { } now && before.Percent is { } then
            ? $"{(now > then ? "▲" : now < then ? "▼" : "=")} {Math.Abs(now - then):0.0} pts vs previous {r.Query.Days} days · benchmark 5%"
            : Counted(rate, "orders") + " · benchmark 5%";
        yield return new("backorder-rate", "Backorder rate", Percent(rate), change,
            rate.Percent is { } p ? (p > KpiCharts.Benchmark ? "mud-error-text" : "mud-success-text") : null,
            "Orders placed in the period with at least one line stock could not fill at placement ÷ all orders placed in the period × 100. Benchmark: 5%.");
        yield return new("order-fill", "Order fill rate", Percent(r.Period.OrderFillRate), Counted(r.Period.OrderFillRate, "shipped orders"), null,
            "Orders whose first parcel held every unit ordered ÷ orders with at least one parcel × 100 (orders placed in the period).");
        yield return new("line-fill", "Line fill rate", Percent(r.Period.LineFillRate), $"Units: {Percent(r.Period.UnitFillRate)} in the first parcel", null,
            "Shipped lines sent whole in one parcel ÷ shipped lines × 100. Units: units in each order's first parcel ÷ units of shipped orders.");
        yield return new("perfect-order", "Perfect orders", Percent(r.Period.PerfectOrder), Counted(r.Period.PerfectOrder, "closed orders"), null,
            "Closed orders (nothing left to ship) shipped complete in one parcel, by every promised date, nothing cancelled ÷ closed orders × 100.");
        yield return new("on-time", "On time to promise", Percent(r.Period.OnTimeToPromise), Counted(r.Period.OnTimeToPromise, "backordered lines shipped"), null,
            "Backordered lines shipped in full whose last parcel left on or before the date first promised ÷ backordered lines shipped in full × 100.");
        yield return new("cancellation", "Backorder cancellations", Percent(r.Period.CancellationRate), Counted(r.Period.CancellationRate, "backordered lines closed"),
            r.Period.CancellationRate.Percent > 10 ? "mud-error-text" : null,
            "Backordered lines with units cancelled ÷ backordered lines closed (nothing left to fill or ship) × 100.");
        yield return new("wait", "Average wait", r.AverageWaitDays is { } w ? $"{w:0.0} days" : "–", "Placed → shipped, backordered lines", null,
            "Mean days from placing the order to the last parcel of the line, for lines backordered at placement, placed in the period and shipped in full.");
        yield return new("value", "Backorder value", Money.Format(r.OpenValueCents), $"{r.Aging.Sum(a => a.Lines):N0} lines waiting now", null,
            "Price × units still to fill of every open backordered line, now: revenue waiting for stock.");
    }
}
