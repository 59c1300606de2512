using BackorderDashboard.Components.Shared;
using BackorderDashboard.Domain;

namespace BackorderDashboard.Features.Kpi;

public static class KpiExportEndpoint
{
    /// <summary>
    /// Each KPI chart's data as CSV, with the same filters as the page (the page links here). A filter that cannot be
    /// read, or a period outside <see cref="KpiLimits"/>, is answered 400 with problem details naming the parameter:
    /// a file of other figures than the address asks for would be mistaken for the ones asked for.
    /// </summary>
    public static IEndpointConventionBuilder MapKpiExport(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/kpi/export/{chart}.csv", async (string chart, string? range, string? from, string? to, string? group, string? category,
                string? supplier, string? channel, KpiService kpi, SettingsService settings) =>
            {
                if (!KpiCharts.Ids.Contains(chart))
                {
                    return Results.NotFound();
                }
                var address = new QueryParameters();
                var query = KpiQueryText.Parse((await settings.GetClockAsync()).Today, range, from, to, group, category, supplier, channel, out _, address);
                if (address.HasProblems)
                {
                    return Results.ValidationProblem(
                        address.Problems.GroupBy(p => p.Parameter).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray()),
                        title: "The export's filters cannot be read.");
                }
                var table = KpiCharts.Table(chart, await kpi.GetAsync(query));
                return Results.File(System.Text.Encoding.UTF8.GetBytes(table.ToCsv()), Csv.ContentType,
                    $"{chart}-{query.From:yyyy-MM-dd}-{query.To:yyyy-MM-dd}.csv");
            })
            .RequireAuthorization(Policies.Analytics);
}
