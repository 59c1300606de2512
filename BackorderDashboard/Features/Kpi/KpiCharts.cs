using System.Globalization;
using BackorderDashboard.Domain;

namespace BackorderDashboard.Features.Kpi;

/// <summary>A chart's data as rows: the accessible table under each chart, its CSV export, and where a click on each point leads.</summary>
/// <param name="TextColumns">How many leading columns hold text (period, dates, names); the rest hold figures.</param>
public sealed record KpiTable(string Id, string Title, IReadOnlyList<string> Columns, IReadOnlyList<KpiRow> Rows, int TextColumns = 1)
{
    /// <summary>The CSV export: names as text (never run as a formula), figures as numbers.</summary>
    public string ToCsv() => Csv.Write(Columns,
        Rows.Select(row => row.Cells.Select((cell, i) => i < TextColumns ? CsvCell.Text(cell) : CsvCell.Numeric(cell))));
}

/// <summary>One point: its cells as shown (and exported), and the page that lists what is behind it.</summary>
public sealed record KpiRow(IReadOnlyList<string> Cells, string? Link);

/// <summary>
/// The KPI page's charts: for each, the table of its data (with the drill-down link of every point) and the ApexCharts
/// options drawn from the same report. Percentages and money are written with the invariant culture in the CSV and
/// the table alike, so an export opens the same everywhere.
/// </summary>
public static class KpiCharts
{
    public const double Benchmark = 5.0;

    public static readonly string[] Ids = ["backorder-rate", "fill-rates", "cancellations", "backorder-value", "aging", "top-backordered", "top-stockouts", "suppliers"];

    public static string Label(KpiQuery query, KpiPoint point) => query.Group switch
    {
        KpiGrouping.Month => point.Start.ToString("MMM yyyy", CultureInfo.InvariantCulture),
        KpiGrouping.Week => $"Week of {point.Start.ToString("MMM d", CultureInfo.InvariantCulture)}",
        _ => point.Start.ToString("MMM d", CultureInfo.InvariantCulture),
    };

    /// <summary>Query string of the queue page for this report's filters, plus any extra ones.</summary>
    public static string QueueLink(KpiQuery query, params (string Name, string? Value)[] extra)
    {
        var parts = new List<(string, string?)> { ("category", query.CategoryId?.ToString(CultureInfo.InvariantCulture)), ("supplier", query.SupplierId?.ToString(CultureInfo.InvariantCulture)) };
        parts.AddRange(extra);
        var q = string.Join("&", parts.Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));
        return q.Length == 0 ? "/backorders" : $"/backorders?{q}";
    }

    /// <param name="range">The page's named range (30, 90, 365 or custom), kept in the links to products for their way back.</param>
    public static KpiTable Table(string id, KpiReport report, string range = "custom")
    {
        var q = report.Query;
        string P(Ratio r) => r.Percent is { } p ? p.ToString("0.0", CultureInfo.InvariantCulture) : "";
        string N(long n) => n.ToString(CultureInfo.InvariantCulture);
        string Money(long cents) => (cents / 100m).ToString("0.00", CultureInfo.InvariantCulture);
        string D(double? d) => d is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "";
        return id switch
        {
            "backorder-rate" => new(id, "Backorder rate", ["Period", "From", "To", "Orders", "Backordered orders", "Backorder rate %"],
                report.Points.Select(p => new KpiRow([Label(q, p), Day(p.Start), Day(p.End), N(p.Figures.BackorderRate.Denominator),
                    N(p.Figures.BackorderRate.Numerator), P(p.Figures.BackorderRate)], QueueLink(q))).ToList(), TextColumns: 3),
            "fill-rates" => new(id, "Fill rates and perfect orders", ["Period", "Order fill rate %", "Line fill rate %", "Unit fill rate %", "Perfect order %"],
                report.Points.Select(p => new KpiRow([Label(q, p), P(p.Figures.OrderFillRate), P(p.Figures.LineFillRate), P(p.Figures.UnitFillRate),
                    P(p.Figures.PerfectOrder)], QueueLink(q))).ToList()),
            "cancellations" => new(id, "Cancellations and promises kept", ["Period", "Backorder cancellation rate %", "On time to promise %"],
                report.Points.Select(p => new KpiRow([Label(q, p), P(p.Figures.CancellationRate), P(p.Figures.OnTimeToPromise)],
                    QueueLink(q, ("late", "true")))).ToList()),
            "backorder-value" => new(id, "Backorder value", ["Period", "Money held at the end ($)"],
                report.Points.Select(p => new KpiRow([Label(q, p), Money(p.BackorderValueCents)], QueueLink(q))).ToList()),
            "aging" => new(id, "Open backorders by days waiting", ["Waiting", "Lines", "Units"],
                report.Aging.Select((a, i) => new KpiRow([a.Label, N(a.Lines), N(a.Units)],
                    QueueLink(q, ("age", QueueAges.All[i].Parameter)))).ToList()),
            "top-backordered" => new(id, "Top 10 SKUs by units backordered", ["SKU", "Product", "Units backordered"],
                report.TopBackorderedUnits.Select(s => new KpiRow([s.Sku, s.Name, N(s.Value)], KpiQueryText.ProductUrl(s.Sku, q, range))).ToList(), TextColumns: 2),
            "top-stockouts" => new(id, "Top 10 SKUs by stockouts", ["SKU", "Product", "Times out of stock"],
                report.TopStockouts.Select(s => new KpiRow([s.Sku, s.Name, N(s.Value)], KpiQueryText.ProductUrl(s.Sku, q, range))).ToList(), TextColumns: 2),
            "suppliers" => new(id, "Supplier lead time", ["Supplier", "Receipts", "Mean days", "Spread (sd) days", "On time %"],
                report.Suppliers.Select(s => new KpiRow([s.Supplier, N(s.Receipts), D(s.MeanDays), D(s.StdDevDays), D(s.OnTimePercent)],
                    $"/products?supplier={s.SupplierId}&status=backordered")).ToList()),
            _ => throw new ArgumentException($"There is no chart “{id}”.", nameof(id)),
        };
    }

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static double? Round(double? v) => v is { } x ? Math.Round(x, 1) : null;

    private static object Base(string type) => new
    {
        type,
        toolbar = new { show = false },
        animations = new { enabled = false },
        zoom = new { enabled = false },
    };

    private static object PercentAxis(double? max = null) => new { min = 0, max, forceNiceScale = true, decimalsInFloat = 0, title = new { text = "%" } };

    public static object Options(string id, KpiReport report)
    {
        var q = report.Query;
        // Short labels under the axis ("Nov 2"); the axis title says whether a point is a day, a week or a month.
        var labels = report.Points.Select(p => q.Group == KpiGrouping.Week ? p.Start.ToString("MMM d", CultureInfo.InvariantCulture) : Label(q, p)).ToArray();
        var axisTitle = q.Group switch { KpiGrouping.Week => "Week of", KpiGrouping.Month => "Month", _ => "Day" };
        object Line(string name, Func<KpiPoint, double?> value) => new { name, data = report.Points.Select(p => Round(value(p))).ToArray() };
        return id switch
        {
            "backorder-rate" => new
            {
                chart = Base("line"),
                series = new[] { Line("Backorder rate %", p => p.Figures.BackorderRate.Percent) },
                xaxis = new { categories = labels, title = new { text = axisTitle } },
                yaxis = PercentAxis(),
                colors = new[] { "#d97706" },
                stroke = new { width = 3, curve = "straight" },
                markers = new { size = 4 },
                dataLabels = new { enabled = false },
                // The benchmark: most merchants aim to keep backordered orders under 5%.
                annotations = new
                {
                    yaxis = new[]
                    {
                        new { y = Benchmark, borderColor = "#c62828", strokeDashArray = 6, label = new { text = "5% benchmark", borderColor = "#c62828",
                            style = new { color = "#fff", background = "#c62828" } } },
                    },
                },
                tooltip = new { shared = true, intersect = false },
            },
            "fill-rates" => new
            {
                chart = Base("line"),
                series = new[]
                {
                    Line("Order fill rate %", p => p.Figures.OrderFillRate.Percent), Line("Line fill rate %", p => p.Figures.LineFillRate.Percent),
                    Line("Perfect order %", p => p.Figures.PerfectOrder.Percent),
                },
                xaxis = new { categories = labels, title = new { text = axisTitle } },
                yaxis = PercentAxis(100),
                colors = new[] { "#1f5fa8", "#0d9488", "#7c3aed" },
                stroke = new { width = 2, curve = "straight" },
                markers = new { size = 3 },
                dataLabels = new { enabled = false },
                legend = new { position = "top" },
                tooltip = new { shared = true, intersect = false },
            },
            "cancellations" => new
            {
                chart = Base("line"),
                series = new[]
                {
                    Line("Backorder cancellation rate %", p => p.Figures.CancellationRate.Percent),
                    Line("On time to promise %", p => p.Figures.OnTimeToPromise.Percent),
                },
                xaxis = new { categories = labels, title = new { text = axisTitle } },
                yaxis = PercentAxis(100),
                colors = new[] { "#c62828", "#15803d" },
                stroke = new { width = 2, curve = "straight" },
                markers = new { size = 3 },
                dataLabels = new { enabled = false },
                legend = new { position = "top" },
                tooltip = new { shared = true, intersect = false },
            },
            "backorder-value" => new
            {
                chart = Base("area"),
                series = new[] { new { name = "Money held in backorders ($)", data = report.Points.Select(p => Math.Round(p.BackorderValueCents / 100.0, 2)).ToArray() } },
                xaxis = new { categories = labels, title = new { text = axisTitle } },
                yaxis = new { min = 0, forceNiceScale = true, title = new { text = "$" } },
                colors = new[] { "#1f5fa8" },
                stroke = new { width = 2, curve = "straight" },
                dataLabels = new { enabled = false },
                tooltip = new { shared = true, intersect = false },
            },
            "aging" => new
            {
                chart = Base("bar"),
                series = new[] { new { name = "Open lines", data = report.Aging.Select(a => a.Lines).ToArray() } },
                xaxis = new { categories = report.Aging.Select(a => a.Label).ToArray(), title = new { text = "Waiting" } },
                yaxis = new { min = 0, forceNiceScale = true, title = new { text = "Lines" } },
                colors = new[] { "#0d9488", "#d97706", "#ea580c", "#c62828" },
                plotOptions = new { bar = new { distributed = true, columnWidth = "55%" } },
                legend = new { show = false },
                dataLabels = new { enabled = true },
            },
            "top-backordered" or "top-stockouts" => TopBars(id == "top-backordered" ? report.TopBackorderedUnits : report.TopStockouts,
                id == "top-backordered" ? "Units backordered" : "Times out of stock", id == "top-backordered" ? "#d97706" : "#c62828"),
            "suppliers" => new
            {
                chart = Base("bar"),
                series = new[]
                {
                    new { name = "Mean lead time (days)", data = report.Suppliers.Select(s => Round(s.MeanDays)).ToArray() },
                    new { name = "Spread, sd (days)", data = report.Suppliers.Select(s => Round(s.StdDevDays)).ToArray() },
                },
                xaxis = new { categories = report.Suppliers.Select(s => s.Supplier).ToArray() },
                yaxis = new { min = 0, forceNiceScale = true, title = new { text = "Days" } },
                colors = new[] { "#1f5fa8", "#94a3b8" },
                plotOptions = new { bar = new { columnWidth = "60%" } },
                dataLabels = new { enabled = false },
                legend = new { position = "top" },
            },
            _ => throw new ArgumentException($"There is no chart “{id}”.", nameof(id)),
        };
    }

    /// <summary>A product's points as rows: the table under its chart.</summary>
    public static KpiTable ProductTable(ProductKpiSeries series)
    {
        var q = series.Query with { Group = series.Grouping };
        string N(long n) => n.ToString(CultureInfo.InvariantCulture);
        return new KpiTable("product", $"{series.Sku}: demand, stockouts and backorders", ["Period", "From", "To", "Demand (units)", "Stockouts", "Units backordered"],
            series.Points.Select(p => new KpiRow([Label(q, new KpiPoint(p.Start, p.End, KpiFigures.Empty, 0)), Day(p.Start), Day(p.End), N(p.Demand), N(p.Stockouts),
                N(p.BackorderedUnits)], null)).ToList(), TextColumns: 3);
    }

    /// <summary>A product's chart: units ordered and units backordered as columns, stockouts as a line on their own axis.</summary>
    public static object ProductOptions(ProductKpiSeries series)
    {
        var axisTitle = series.Grouping == KpiGrouping.Week ? "Week of" : "Day";
        const string demand = "Demand (units ordered)";
        return new
        {
            chart = Base("line"),
            series = new object[]
            {
                new { name = demand, type = "column", data = series.Points.Select(p => p.Demand).ToArray() },
                new { name = "Units backordered", type = "column", data = series.Points.Select(p => p.BackorderedUnits).ToArray() },
                new { name = "Stockouts", type = "line", data = series.Points.Select(p => p.Stockouts).ToArray() },
            },
            xaxis = new { categories = series.Points.Select(p => p.Start.ToString("MMM d", CultureInfo.InvariantCulture)).ToArray(), title = new { text = axisTitle } },
            yaxis = new object[]
            {
                new { seriesName = demand, min = 0, forceNiceScale = true, decimalsInFloat = 0, title = new { text = "Units" } },
                new { seriesName = demand, show = false, min = 0, forceNiceScale = true, decimalsInFloat = 0 },
                new { seriesName = "Stockouts", opposite = true, min = 0, forceNiceScale = true, decimalsInFloat = 0, title = new { text = "Stockouts" } },
            },
            colors = new[] { "#1f5fa8", "#d97706", "#c62828" },
            stroke = new { width = new[] { 0, 0, 3 }, curve = "straight" },
            markers = new { size = new[] { 0, 0, 4 } },
            plotOptions = new { bar = new { columnWidth = "60%" } },
            dataLabels = new { enabled = false },
            legend = new { position = "top" },
            tooltip = new { shared = true, intersect = false },
        };
    }

    private static object TopBars(IReadOnlyList<SkuFigure> skus, string name, string colour) => new
    {
        chart = Base("bar"),
        series = new[] { new { name, data = skus.Select(s => s.Value).ToArray() } },
        xaxis = new { categories = skus.Select(s => s.Sku).ToArray() },
        colors = new[] { colour },
        plotOptions = new { bar = new { horizontal = true, barHeight = "70%" } },
        dataLabels = new { enabled = true },
    };
}
