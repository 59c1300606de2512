using BackorderDashboard.Features.Restock;
using BackorderDashboard.Tests.TestSupport;
using Bunit;

namespace BackorderDashboard.Tests.Components;

/// <summary>What a purchase order change does to the customers waiting on it, as the merchant reads it before saving.</summary>
public class PoImpactPanelTests : BunitTestContext
{
    private static readonly DateOnly Dec5 = new(2026, 12, 5);

    [Fact]
    public void Panel_LinesBecomingLate_SummaryThenTheWarning_MostAffectedFirst()
    {
        var impact = new PoImpact(true, "", [
            new ImpactLine("SO-1", "Ada", "KET", Dec5, Dec5.AddDays(1), false),
            new ImpactLine("SO-2", "Ben", "KET", Dec5, Dec5.AddDays(4), true),
        ]);

        var panel = Render<PoImpactPanel>(p => p.Add(x => x.Impact, impact));

        Assert.Equal("2 waiting lines of 2 orders move: 2 later (up to 4 days), 0 earlier. 1 becomes late and will get a delay message with the new date and the option to cancel.",
            panel.Find("[data-testid=po-impact-summary] .mud-alert-message").TextContent.Trim());
        Assert.Contains("mud-alert-text-warning", panel.Find("[data-testid=po-impact-summary]").ClassName);
        var rows = panel.FindAll("[data-testid=po-impact-lines] tbody tr");
        Assert.Equal(["SO-2", "SO-1"], rows.Select(r => r.QuerySelector("td")!.TextContent.Trim()));
        Assert.Contains("becomes late", rows[0].TextContent);
        Assert.DoesNotContain("becomes late", rows[1].TextContent);
    }

    [Fact]
    public void Panel_NobodyMoves_SaysSo()
    {
        var panel = Render<PoImpactPanel>(p => p.Add(x => x.Impact, new PoImpact(true, "", [])));

        Assert.Contains("No waiting customer's date changes.", panel.Find("[data-testid=po-impact]").TextContent);
        Assert.Empty(panel.FindAll("[data-testid=po-impact-lines]"));
    }
}
