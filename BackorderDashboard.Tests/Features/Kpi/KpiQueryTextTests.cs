using BackorderDashboard.Data;
using BackorderDashboard.Features.Kpi;

namespace BackorderDashboard.Tests.Features.Kpi;

/// <summary>A query written into a log or a message: its period and filters, and nothing that never ends.</summary>
public class KpiQueryTextTests
{
    [Fact]
    public void ToString_WritesThePeriodAndFilters_NotThePreviousPeriodsWithoutEnd()
    {
        var query = new KpiQuery(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), KpiGrouping.Day, CategoryId: 3, SupplierId: 7, Channel: OrderChannel.Web);

        Assert.Equal("2026-11-01 – 2026-11-30 by day, category 3, supplier 7, channel web", query.ToString());
        Assert.Equal("2026-10-02 – 2026-10-31 by day, category 3, supplier 7, channel web", query.Previous.ToString());
        Assert.Equal("2026-11-01 – 2026-11-07 by week", new KpiQuery(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 7)).ToString());
    }
}
