using BackorderDashboard.Domain;

namespace BackorderDashboard.Features.Kpi;

public static class KpiExportEndpoint
{
    /// <summary>Each KPI chart's data as CSV, with the same filters as the page (the page links here).</summary>
    public static IEndpointConventionBuilder MapKpiExport(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/kpi/export/{chart}.csv", async (string chart, string? range, string? from, string? to, string? group, int? category,
                int? supplier, string? channel, KpiService kpi, SettingsService settings) =>
            {
                if (!KpiCharts.Ids.Contains(chart))
                {
                    return Results.NotFound();
                }
                var query = KpiQueryText.Parse((await settings.GetClockAsync()).Today, range, from, to, group, category, supplier, channel, out _);
                var table = KpiCharts.Table(chart, await kpi.GetAsync(query));
                return Results.File(System.Text.Encoding.UTF8.GetBytes(table.ToCsv()), "text/csv; charset=utf-8",
                    $"{chart}-{query.From:yyyy-MM-dd}-{query.To:yyyy-MM-dd}.csv");
            })
            .RequireAuthorization(Policies.Analytics);
}
