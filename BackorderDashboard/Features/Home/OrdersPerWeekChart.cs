using BackorderDashboard.Domain;

namespace BackorderDashboard.Features.Home;

/// <summary>ApexCharts options for the manager's orders-per-week chart.</summary>
public static class OrdersPerWeekChart
{
    public static object Options(IReadOnlyList<WeekPoint> weeks) => new
    {
        chart = new { type = "bar", toolbar = new { show = false }, animations = new { enabled = false } },
        series = new object[]
        {
            new { name = "Orders", data = weeks.Select(w => w.Orders).ToArray() },
            new { name = "With a backordered line", data = weeks.Select(w => w.BackorderedOrders).ToArray() },
        },
        xaxis = new { categories = weeks.Select(w => MerchantClock.ShortDate(w.WeekStart)).ToArray(), title = new { text = "Week of" } },
        yaxis = new { title = new { text = "Orders" }, min = 0, forceNiceScale = true },
        colors = new[] { "#1f5fa8", "#d97706" },
        plotOptions = new { bar = new { columnWidth = "70%" } },
        dataLabels = new { enabled = false },
        legend = new { position = "top" },
    };
}
