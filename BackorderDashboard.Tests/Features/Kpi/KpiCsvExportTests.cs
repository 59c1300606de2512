using BackorderDashboard.Features.Kpi;

namespace BackorderDashboard.Tests.Features.Kpi;

/// <summary>Every KPI export with hostile supplier and product names: names stay text, figures stay numbers.</summary>
public class KpiCsvExportTests
{
    private const string HostileSupplier = "=HYPERLINK(\"http://evil.example\",\"Pinecrest\")";
    private const string HostileProduct = "+cmd|' /C calc'!A0";
    private const string HostileSku = "-SKU@1";

    private static KpiReport Report()
    {
        var query = new KpiQuery(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 14), KpiGrouping.Week);
        var figures = KpiFigures.Empty;
        return new KpiReport(query, figures, figures,
            [new KpiPoint(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 7), figures, -1250), new KpiPoint(new DateOnly(2026, 11, 8), new DateOnly(2026, 11, 14), figures, 990)],
            [new AgingBucket("0–7 days", 0, 7, 3, 5), new AgingBucket("8–14 days", 8, 14, 1, 1), new AgingBucket("15–30 days", 15, 30, 0, 0), new AgingBucket("30+ days", 31, null, 2, 9)],
            2.5, 1000,
            [new SkuFigure(1, HostileSku, HostileProduct, 12)],
            [new SkuFigure(2, "@STOCK", "=1+1 Kettle", 3)],
            [new SupplierLeadTime(7, HostileSupplier, 4, 12.5, 2.0, 75.0)]);
    }

    [Fact]
    public void SuppliersCsv_HostileName_IsText_FiguresAreNumbers()
    {
        var lines = KpiCharts.Table("suppliers", Report()).ToCsv().Split("\r\n");

        Assert.Equal("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Pinecrest\"\")\",4,12.5,2.0,75.0", lines[1]);
    }

    [Theory]
    [InlineData("top-backordered", "'-SKU@1,'+cmd|' /C calc'!A0,12")]
    [InlineData("top-stockouts", "'@STOCK,'=1+1 Kettle,3")]
    public void TopSkusCsv_HostileSkuAndName_AreText(string chart, string row)
    {
        var lines = KpiCharts.Table(chart, Report()).ToCsv().Split("\r\n");

        Assert.Equal(row, lines[1]);
    }

    [Fact]
    public void BackorderValueCsv_ANegativeAmount_StaysANumber()
    {
        var lines = KpiCharts.Table("backorder-value", Report()).ToCsv().Split("\r\n");

        Assert.Equal("Week of Nov 1,-12.50", lines[1]);
    }

    [Theory]
    [InlineData("backorder-rate")]
    [InlineData("fill-rates")]
    [InlineData("cancellations")]
    [InlineData("aging")]
    public void FigureCsv_NoCellIsNeutralised(string chart)
    {
        var csv = KpiCharts.Table(chart, Report()).ToCsv();

        Assert.DoesNotContain("'", csv);
        Assert.True(csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length >= 3);
    }
}
