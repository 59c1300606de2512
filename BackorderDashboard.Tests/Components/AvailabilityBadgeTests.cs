using BackorderDashboard.Components.Shared;
using BackorderDashboard.Domain;
using BackorderDashboard.Tests.TestSupport;
using Bunit;

namespace BackorderDashboard.Tests.Components;

public class AvailabilityBadgeTests : BunitTestContext
{
    [Theory]
    [InlineData(AvailabilityStatus.InStock, "In stock", "success")]
    [InlineData(AvailabilityStatus.LowStock, "Low stock – 3 left", "warning")]
    [InlineData(AvailabilityStatus.Backordered, "Backordered – ships Dec 5", "info")]
    [InlineData(AvailabilityStatus.BackorderedEstimated, "Backordered – ships Dec 5–12", "info")]
    [InlineData(AvailabilityStatus.OutOfStock, "Out of stock", "error")]
    [InlineData(AvailabilityStatus.PreOrder, "Pre-order – releases Jan 10", "primary")]
    [InlineData(AvailabilityStatus.Discontinued, "Discontinued", "default")]
    public void Badge_ShowsTextColourAndAnAccessibleName(AvailabilityStatus status, string text, string colour)
    {
        var badge = Render<AvailabilityBadge>(p => p.Add(b => b.Availability, new Availability(status, text, null, null, 0)));

        var chip = badge.Find("[data-testid=availability-badge]");
        Assert.Equal(text, chip.TextContent.Trim());
        Assert.Contains($"mud-chip-color-{colour}", chip.ClassName);
        Assert.Equal($"Availability: {text}", chip.GetAttribute("aria-label"));
        Assert.Equal(status.ToString(), chip.GetAttribute("data-status"));
    }
}
