using System.Globalization;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;

namespace BackorderDashboard.Tests.Domain;

/// <summary>
/// The badge rule at its boundaries, each expected date worked out by hand from today (Sun Nov 22 2026): the backorder
/// cap reached exactly and one over, a pre-order released today or tomorrow, and the daily shipping capacity used up
/// on the day goods arrive or are estimated to arrive.
/// </summary>
public class AvailabilityEdgeTests
{
    private static readonly CultureInfo EnUs = CultureInfo.GetCultureInfo("en-US");
    private static readonly DateOnly Today = new(2026, 11, 22);
    private static readonly DateOnly Tomorrow = new(2026, 11, 23);
    private static readonly DateOnly Dec1 = new(2026, 12, 1);

    private static ProductStockFacts Facts(
        int onHand = 0, int? cap = null, int handling = 1, LeadTimeRange? lead = null, DateOnly? release = null, int queued = 0,
        params InboundSupply[] inbound) =>
        new(1, onHand, 0, BackorderPolicy.Allowed, cap, 5, handling, lead, release, false, queued, inbound);

    private static Availability Evaluate(ProductStockFacts facts, int? capacity = null) => AvailabilityRule.Evaluate(facts, Today, capacity, EnUs);

    [Theory]
    [InlineData(9, AvailabilityStatus.Backordered)] // one unit of room left
    [InlineData(10, AvailabilityStatus.OutOfStock)] // the cap reached exactly
    [InlineData(11, AvailabilityStatus.OutOfStock)] // one over (the cap was lowered under a longer queue)
    public void Cap_AtTheLimitAndOneOver_TakesNoMore(int queued, AvailabilityStatus expected)
    {
        var a = Evaluate(Facts(cap: 10, queued: queued, inbound: [new(Dec1, 50)]));

        Assert.Equal(expected, a.Status);
        Assert.Equal(expected == AvailabilityStatus.OutOfStock ? (DateOnly?)null : new DateOnly(2026, 12, 2), a.ShipDate);
    }

    [Fact]
    public void Cap_Zero_TakesNoBackorderAtAll()
    {
        Assert.Equal("Out of stock", Evaluate(Facts(cap: 0, inbound: [new(Dec1, 50)])).BadgeText);
    }

    [Fact]
    public void Cap_Reached_StockOnTheShelfStillSells()
    {
        var a = Evaluate(Facts(onHand: 3, cap: 10, queued: 10));

        Assert.Equal("Low stock – 3 left", a.BadgeText);
        Assert.Equal(Tomorrow, a.ShipDate);
    }

    [Fact]
    public void Cap_Reached_NoEstimateFromTheLeadTimeEither()
    {
        var a = Evaluate(Facts(cap: 10, queued: 10, lead: new LeadTimeRange(14, 21)));

        Assert.Equal(AvailabilityStatus.OutOfStock, a.Status);
        Assert.Null(a.ShipDate);
    }

    [Theory]
    [InlineData(4, AvailabilityStatus.PreOrder)]
    [InlineData(5, AvailabilityStatus.OutOfStock)]
    public void Cap_OnAPreOrder_CountsTheQueueToo(int queued, AvailabilityStatus expected)
    {
        Assert.Equal(expected, Evaluate(Facts(cap: 5, queued: queued, release: new DateOnly(2026, 12, 20))).Status);
    }

    [Fact]
    public void PreOrder_ReleasedToday_IsSoldByTheNormalRules()
    {
        var backordered = Evaluate(Facts(release: Today, inbound: [new(Dec1, 10)]));
        var inStock = Evaluate(Facts(onHand: 30, release: Today));

        Assert.Equal("Backordered – ships Dec 2", backordered.BadgeText);
        Assert.Equal("In stock", inStock.BadgeText);
    }

    [Fact]
    public void PreOrder_ReleasedTomorrow_IsStillAPreOrderAndShipsOnRelease()
    {
        var a = Evaluate(Facts(onHand: 30, release: Tomorrow));

        Assert.Equal(AvailabilityStatus.PreOrder, a.Status);
        Assert.Equal("Pre-order – releases Nov 23", a.BadgeText);
        Assert.Equal(Tomorrow, a.ShipDate);
    }

    [Fact]
    public void PreOrder_StockArrivesAfterRelease_ShipsWhenItArrives()
    {
        // Released Nov 23, but the units come on Dec 1: they ship Dec 2 (one handling day); the badge still names the release.
        var a = Evaluate(Facts(release: Tomorrow, inbound: [new(Dec1, 10)]));

        Assert.Equal("Pre-order – releases Nov 23", a.BadgeText);
        Assert.Equal(new DateOnly(2026, 12, 2), a.ShipDate);
    }

    [Fact]
    public void PreOrder_QueuedLines_ShipNoEarlierThanRelease()
    {
        // Release Dec 20: the first line's units arrive Dec 1 but wait for the release; the second line's come Dec 25.
        var facts = Facts(handling: 0, release: new DateOnly(2026, 12, 20), queued: 4, inbound: [new(Dec1, 3), new(new DateOnly(2026, 12, 25), 5)]);

        var etas = AvailabilityRule.QueueEtas(facts, [2, 2], Today, null);

        Assert.Equal(new DateOnly?[] { new(2026, 12, 20), new(2026, 12, 25) }, etas);
    }

    [Theory]
    [InlineData(9, "Backordered – ships Dec 2")]  // the 10th unit: the last one the day of arrival can ship
    [InlineData(10, "Backordered – ships Dec 3")] // the 11th: capacity used up, the next day
    [InlineData(19, "Backordered – ships Dec 3")]
    [InlineData(20, "Backordered – ships Dec 4")]
    public void Capacity_UsedUpOnTheArrivalDay_NextUnitShipsADayLater(int queued, string badge)
    {
        Assert.Equal(badge, Evaluate(Facts(queued: queued, inbound: [new(Dec1, 100)]), capacity: 10).BadgeText);
    }

    [Theory]
    [InlineData(9, "Backordered – ships Dec 7–14")]  // lead 14 days + 1 handling: Dec 7, the late end a week later
    [InlineData(10, "Backordered – ships Dec 8–15")] // the 11th unit past the estimate day's capacity
    public void Capacity_WithAnEstimate_UsedUpOnTheEstimatedDay(int queued, string badge)
    {
        Assert.Equal(badge, Evaluate(Facts(queued: queued, lead: new LeadTimeRange(14, 21)), capacity: 10).BadgeText);
    }

    [Theory]
    [InlineData(4, AvailabilityStatus.Backordered, "Backordered – ships Dec 2")]              // the 5th unit is the PO's last
    [InlineData(14, AvailabilityStatus.BackorderedEstimated, "Backordered – ships Dec 7–14")] // 10th unit past the PO
    [InlineData(15, AvailabilityStatus.BackorderedEstimated, "Backordered – ships Dec 8–15")] // 11th unit past the PO
    public void Capacity_WithAnEstimateBeyondWhatIsOnOrder_CountsOnlyTheUnitsPastIt(int queued, AvailabilityStatus status, string badge)
    {
        var a = Evaluate(Facts(queued: queued, lead: new LeadTimeRange(14, 21), inbound: [new(Dec1, 5)]), capacity: 10);

        Assert.Equal((status, badge), (a.Status, a.BadgeText));
    }

    [Fact]
    public void Capacity_NoneSet_NeverAddsDays()
    {
        Assert.Equal("Backordered – ships Dec 7–14", Evaluate(Facts(queued: 500, lead: new LeadTimeRange(14, 21)), capacity: 0).BadgeText);
        Assert.Equal("Backordered – ships Dec 2", Evaluate(Facts(queued: 99, inbound: [new(Dec1, 100)])).BadgeText);
    }
}
