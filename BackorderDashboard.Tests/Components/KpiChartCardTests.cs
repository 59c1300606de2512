using BackorderDashboard.Components.Shared;
using BackorderDashboard.Features.Kpi;
using BackorderDashboard.Domain;
using BackorderDashboard.Tests.TestSupport;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Components;

/// <summary>A KPI chart card: the options it hands the chart, its table view, and where a click on a point leads.</summary>
public class KpiChartCardTests : BunitTestContext
{
    private readonly BunitJSModuleInterop _module;

    public KpiChartCardTests()
    {
        _module = JSInterop.SetupModule("./Components/Shared/ApexChart.razor.js");
        _module.SetupVoid("create", _ => true).SetVoidResult();
        _module.SetupVoid("update", _ => true).SetVoidResult();
        _module.SetupVoid("destroy", _ => true).SetVoidResult();
    }

    /// <summary>Two weeks: 1 backordered of 20 orders, then 3 of 12; no orders at all in the third.</summary>
    private static KpiReport Report(int? category = null)
    {
        KpiFigures Rate(long backordered, long orders) => KpiFigures.Empty with { BackorderRate = new(backordered, orders) };
        var query = new KpiQuery(new(2026, 11, 2), new(2026, 11, 22), KpiGrouping.Week, CategoryId: category);
        var points = new[]
        {
            new KpiPoint(new(2026, 11, 2), new(2026, 11, 8), Rate(1, 20), 0),
            new KpiPoint(new(2026, 11, 9), new(2026, 11, 15), Rate(3, 12), 0),
            new KpiPoint(new(2026, 11, 16), new(2026, 11, 22), KpiFigures.Empty, 0),
        };
        var aging = QueueAges.All.Select(b => new AgingBucket(b.Label, b.MinDays, b.MaxDays, 2, 3)).ToList();
        return new KpiReport(query, Rate(4, 32), Rate(0, 0), points, aging, null, 0, [], [], []);
    }

    private IRenderedComponent<KpiChartCard> Card(string id, KpiReport report) => Render<KpiChartCard>(p => p
        .Add(c => c.Id, id).Add(c => c.Report, report).Add(c => c.Caption, "caption").Add(c => c.CsvHref, "/kpi/export/x.csv"));

    [Fact]
    public void BackorderRate_ChartsThePercentPerWeek_WithTheFivePercentLine_AndAGapForAnEmptyWeek()
    {
        Card("backorder-rate", Report());

        var json = Assert.IsType<string>(Assert.Single(_module.Invocations, i => i.Identifier == "create").Arguments[2]);
        Assert.Contains("\"series\":[{\"name\":\"Backorder rate %\",\"data\":[5,25,null]}]", json);
        Assert.Contains("\"categories\":[\"Nov 2\",\"Nov 9\",\"Nov 16\"]", json);
        Assert.Contains("\"annotations\":{\"yaxis\":[{\"y\":5,", json);
        Assert.Contains("5% benchmark", json);
        // Clicks are wanted: the chart is created with a listener.
        Assert.NotNull(Assert.Single(_module.Invocations, i => i.Identifier == "create").Arguments[5]);
    }

    [Fact]
    public void TableView_ShowsTheSameFigures_EachRowLinkingToTheQueue()
    {
        var card = Card("backorder-rate", Report(category: 4));

        card.Find("input[data-testid=kpi-table-toggle-backorder-rate]").Change(true);

        var rows = card.FindAll("[data-testid=kpi-table-backorder-rate] tbody tr");
        Assert.Equal(3, rows.Count);
        Assert.Equal(["Week of Nov 9", "2026-11-09", "2026-11-15", "12", "3", "25.0"], rows[1].QuerySelectorAll("td").Select(td => td.TextContent.Trim()));
        Assert.Equal("–", rows[2].QuerySelectorAll("td")[5].TextContent.Trim());
        Assert.Equal("/backorders?category=4", rows[1].QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public async Task ClickOnAnAgingBar_OpensTheQueueFilteredToThatAge()
    {
        var card = Card("aging", Report());
        var navigation = Services.GetRequiredService<NavigationManager>();

        await card.InvokeAsync(() => card.FindComponent<ApexChart>().Instance.OnPointClicked(0, 2));

        Assert.EndsWith("/backorders?age=15-30", navigation.Uri);
    }

    [Fact]
    public void Csv_HasAHeaderAndOneQuotedRowPerPoint()
    {
        var csv = KpiCharts.Table("backorder-rate", Report()).ToCsv();

        Assert.Equal("Period,From,To,Orders,Backordered orders,Backorder rate %\r\n"
            + "Week of Nov 2,2026-11-02,2026-11-08,20,1,5.0\r\n"
            + "Week of Nov 9,2026-11-09,2026-11-15,12,3,25.0\r\n"
            + "Week of Nov 16,2026-11-16,2026-11-22,0,0,\r\n", csv);
        Assert.Equal("\"Kettle, \"\"blue\"\"\"\r\n", new KpiTable("x", "x", ["Kettle, \"blue\""], []).ToCsv());
    }
}
