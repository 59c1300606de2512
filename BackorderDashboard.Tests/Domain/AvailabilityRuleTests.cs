using System.Globalization;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Tests.TestSupport;

namespace BackorderDashboard.Tests.Domain;

public class AvailabilityRuleTests
{
    private static readonly CultureInfo EnUs = CultureInfo.GetCultureInfo("en-US");
    private static readonly DateOnly Today = new(2026, 11, 22);
    private static readonly DateOnly Dec1 = new(2026, 12, 1);
    private static readonly DateOnly Dec10 = new(2026, 12, 10);

    private static ProductStockFacts Facts(
        int onHand = 0, int allocated = 0, BackorderPolicy policy = BackorderPolicy.Allowed, int? cap = null, int threshold = 5,
        int handling = 1, LeadTimeRange? lead = null, DateOnly? release = null, bool discontinued = false, int queued = 0,
        params InboundSupply[] inbound) =>
        new(1, onHand, allocated, policy, cap, threshold, handling, lead, release, discontinued, queued, inbound);

    private static Availability Evaluate(ProductStockFacts facts, int? capacity = null) =>
        AvailabilityRule.Evaluate(facts, Today, capacity, EnUs);

    [Fact]
    public void InStock_MoreAvailableThanTheThreshold()
    {
        var a = Evaluate(Facts(onHand: 20, allocated: 4, threshold: 5));

        Assert.Equal(AvailabilityStatus.InStock, a.Status);
        Assert.Equal("In stock", a.BadgeText);
        Assert.Equal(16, a.Available);
        Assert.Equal(Today.AddDays(1), a.ShipDate);
    }

    [Theory]
    [InlineData(5, "Low stock – 5 left")]
    [InlineData(1, "Low stock – 1 left")]
    public void LowStock_AtOrBelowTheThreshold_SaysHowManyAreLeft(int available, string badge)
    {
        var a = Evaluate(Facts(onHand: available + 2, allocated: 2, threshold: 5));

        Assert.Equal(AvailabilityStatus.LowStock, a.Status);
        Assert.Equal(badge, a.BadgeText);
    }

    [Fact]
    public void Backordered_EmptyQueue_ShipsWithTheFirstPurchaseOrder()
    {
        var a = Evaluate(Facts(handling: 2, inbound: [new(Dec10, 10), new(Dec1, 3)]));

        Assert.Equal(AvailabilityStatus.Backordered, a.Status);
        Assert.Equal("Backordered – ships Dec 3", a.BadgeText);
        Assert.Equal(Dec1.AddDays(2), a.ShipDate);
    }

    [Fact]
    public void Backordered_QueueLongerThanFirstPurchaseOrder_MovesToTheSecond()
    {
        var a = Evaluate(Facts(queued: 4, handling: 0, inbound: [new(Dec1, 3), new(Dec10, 10)]));

        Assert.Equal("Backordered – ships Dec 10", a.BadgeText);
    }

    [Fact]
    public void Backordered_PurchaseOrderCoversExactlyTheQueue_NextUnitNeedsTheNextOrder()
    {
        var exactly = Evaluate(Facts(queued: 3, handling: 0, inbound: [new(Dec1, 3), new(Dec10, 10)]));
        var oneShort = Evaluate(Facts(queued: 2, handling: 0, inbound: [new(Dec1, 3), new(Dec10, 10)]));

        Assert.Equal(Dec10, exactly.ShipDate);
        Assert.Equal(Dec1, oneShort.ShipDate);
    }

    [Fact]
    public void Backordered_DailyCapacity_AddsDaysForTheQueueAhead()
    {
        // 25 units queued, 10 shipped a day: the 26th unit leaves two days after the goods arrive (+1 handling).
        var a = Evaluate(Facts(queued: 25, handling: 1, inbound: [new(Dec1, 100)]), capacity: 10);

        Assert.Equal(Dec1.AddDays(3), a.ShipDate);
    }

    [Fact]
    public void Estimated_NoPurchaseOrderButLeadTimeKnown_ShowsARange()
    {
        var a = Evaluate(Facts(handling: 1, lead: new LeadTimeRange(14, 21)));

        Assert.Equal(AvailabilityStatus.BackorderedEstimated, a.Status);
        Assert.Equal(Today.AddDays(15), a.ShipDate);
        Assert.Equal(Today.AddDays(22), a.ShipDateLatest);
        Assert.Equal("Backordered – ships Dec 7–14", a.BadgeText);
    }

    [Fact]
    public void Estimated_QueueBeyondWhatIsOnOrder_UsesLeadTime()
    {
        var a = Evaluate(Facts(queued: 10, handling: 0, lead: LeadTimeRange.FromQuote(20), inbound: [new(Dec1, 10)]));

        Assert.Equal(AvailabilityStatus.BackorderedEstimated, a.Status);
        Assert.Equal(Today.AddDays(20), a.ShipDate);
        Assert.Equal(Today.AddDays(25), a.ShipDateLatest);
    }

    [Fact]
    public void OutOfStock_NoPurchaseOrderAndNoLeadTime()
    {
        var a = Evaluate(Facts(lead: null));

        Assert.Equal(AvailabilityStatus.OutOfStock, a.Status);
        Assert.Equal("Out of stock", a.BadgeText);
        Assert.Null(a.ShipDate);
        Assert.False(a.CanBeOrdered);
    }

    [Fact]
    public void OutOfStock_BackordersNotAllowed_EvenWithStockOnTheWay()
    {
        var a = Evaluate(Facts(policy: BackorderPolicy.NotAllowed, inbound: [new(Dec1, 50)]));

        Assert.Equal(AvailabilityStatus.OutOfStock, a.Status);
    }

    [Theory]
    [InlineData(10, AvailabilityStatus.OutOfStock)]
    [InlineData(9, AvailabilityStatus.Backordered)]
    public void Cap_ReachedWhenTheQueueHoldsIt(int queued, AvailabilityStatus expected)
    {
        var a = Evaluate(Facts(cap: 10, queued: queued, inbound: [new(Dec1, 50)]));

        Assert.Equal(expected, a.Status);
    }

    [Fact]
    public void AllowedAndNotify_PromisesLikeAllowed()
    {
        var a = Evaluate(Facts(policy: BackorderPolicy.AllowedAndNotify, handling: 0, inbound: [new(Dec1, 5)]));

        Assert.Equal("Backordered – ships Dec 1", a.BadgeText);
    }

    [Fact]
    public void PreOrder_ShowsTheReleaseDate_AndShipsNoEarlier()
    {
        var release = new DateOnly(2027, 1, 10);

        var a = Evaluate(Facts(release: release, inbound: [new(Dec1, 50)]));

        Assert.Equal(AvailabilityStatus.PreOrder, a.Status);
        Assert.Equal("Pre-order – releases Jan 10", a.BadgeText);
        Assert.Equal(release, a.ShipDate);
    }

    [Fact]
    public void PreOrder_ReleasePassed_FollowsTheNormalRules()
    {
        var a = Evaluate(Facts(onHand: 30, release: Today.AddDays(-1)));

        Assert.Equal(AvailabilityStatus.InStock, a.Status);
    }

    [Fact]
    public void Discontinued_WinsOverEverything()
    {
        var a = Evaluate(Facts(onHand: 30, discontinued: true));

        Assert.Equal(AvailabilityStatus.Discontinued, a.Status);
        Assert.Equal("Discontinued", a.BadgeText);
        Assert.False(a.CanBeOrdered);
    }

    [Fact]
    public void TimeZone_AtADayBoundary_CountsFromTheMerchantsToday()
    {
        // 02:00 UTC on Nov 23 is still Nov 22 in New York but already Nov 23 in Berlin.
        var now = new FixedTimeProvider(new DateTimeOffset(2026, 11, 23, 2, 0, 0, TimeSpan.Zero));
        var newYork = new MerchantClock(now, MerchantClock.FindZone("America/New_York")).Today;
        var berlin = new MerchantClock(now, MerchantClock.FindZone("Europe/Berlin")).Today;
        var facts = Facts(handling: 2, lead: new LeadTimeRange(10, 10));

        Assert.Equal("Backordered – ships Dec 4", AvailabilityRule.Evaluate(facts, newYork, null, EnUs).BadgeText);
        Assert.Equal("Backordered – ships Dec 5", AvailabilityRule.Evaluate(facts, berlin, null, EnUs).BadgeText);
    }

    [Theory]
    [InlineData("en-US", "2026-12-05", "2026-12-12", "Dec 5–12")]
    [InlineData("en-US", "2026-12-28", "2027-01-04", "Dec 28–Jan 4")]
    [InlineData("en-GB", "2026-12-05", "2026-12-12", "5 Dec–12 Dec")]
    public void DateRange_IsShortAndCultureAware(string culture, string from, string to, string expected)
    {
        Assert.Equal(expected, AvailabilityRule.DateRange(DateOnly.Parse(from), DateOnly.Parse(to), CultureInfo.GetCultureInfo(culture)));
    }

    [Fact]
    public void QueueEtas_CoveredLinesGetTheirPurchaseOrder_TheRestTheLeadTime()
    {
        var facts = Facts(queued: 9, handling: 0, lead: new LeadTimeRange(30, 40), inbound: [new(Dec1, 4), new(Dec10, 3)]);

        var etas = AvailabilityRule.QueueEtas(facts, [2, 2, 3, 2], Today, null);

        Assert.Equal(new DateOnly?[] { Dec1, Dec1, Dec10, Today.AddDays(30) }, etas);
    }

    [Fact]
    public void QueueEtas_LastLineMatchesTheBadgeOfTheUnitBeforeIt()
    {
        // The badge for "queue + 1" and the ETA of a line added at the end of the queue are the same walk.
        var inbound = new InboundSupply[] { new(Dec1, 4), new(Dec10, 6) };
        var badge = Evaluate(Facts(queued: 6, handling: 1, inbound: inbound));

        var etas = AvailabilityRule.QueueEtas(Facts(queued: 7, handling: 1, inbound: inbound), [3, 3, 1], Today, null);

        Assert.Equal(badge.ShipDate, etas[^1]);
    }
}
