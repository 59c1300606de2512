using System.Globalization;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;

namespace BackorderDashboard.Tests.Domain;

/// <summary>The holiday cutoff on the badge and in the confirmation: said while it is ahead, about dates after it only.</summary>
public class HolidayCutoffTests
{
    private static readonly CultureInfo EnUs = CultureInfo.GetCultureInfo("en-US");
    private static readonly DateOnly Today = new(2026, 12, 3);
    private static readonly HolidayCutoff Christmas = new(new DateOnly(2026, 12, 24), "Christmas");

    /// <summary>Sold out, allowed on backorder, one purchase order arriving <paramref name="arrives"/>; handling 1 day.</summary>
    private static ProductStockFacts SoldOut(DateOnly? arrives, LeadTimeRange? lead = null) =>
        new(1, 0, 0, BackorderPolicy.Allowed, null, 5, 1, lead, null, false, 0, arrives is { } d ? [new InboundSupply(d, 10)] : []);

    private static Availability Evaluate(ProductStockFacts facts, DateOnly today, HolidayCutoff? cutoff = null) =>
        AvailabilityRule.Evaluate(facts, today, null, EnUs, cutoff);

    [Fact]
    public void Badge_ShipsAfterTheCutoff_SaysSo()
    {
        var badge = Evaluate(SoldOut(new DateOnly(2026, 12, 27)), Today, Christmas);

        Assert.Equal("Backordered – ships Dec 28 · after Christmas", badge.BadgeText);
        Assert.Equal(AvailabilityStatus.Backordered, badge.Status);
    }

    [Fact]
    public void Badge_ShipsOnTheCutoffDay_SaysNothingMore()
    {
        var badge = Evaluate(SoldOut(new DateOnly(2026, 12, 23)), Today, Christmas);

        Assert.Equal("Backordered – ships Dec 24", badge.BadgeText);
    }

    [Fact]
    public void Badge_WithoutACutoff_IsThePlainDate()
    {
        Assert.Equal("Backordered – ships Dec 28", Evaluate(SoldOut(new DateOnly(2026, 12, 27)), Today).BadgeText);
    }

    [Fact]
    public void Badge_OnceTheCutoffHasPassed_SaysNothingMore()
    {
        var afterChristmas = new DateOnly(2026, 12, 26);

        Assert.Equal("Backordered – ships Dec 28", Evaluate(SoldOut(new DateOnly(2026, 12, 27)), afterChristmas, Christmas).BadgeText);
        Assert.Null(Christmas.ActiveOn(afterChristmas));
        Assert.Same(Christmas, Christmas.ActiveOn(Christmas.Date));
    }

    [Fact]
    public void Badge_EstimatedRangeAcrossTheCutoff_MayShipAfterIt()
    {
        // Nothing on order: lead time 18 days (to 23) + 1 day handling → Dec 22–27.
        var badge = Evaluate(SoldOut(null, new LeadTimeRange(18, 23)), Today, Christmas);

        Assert.Equal("Backordered – ships Dec 22–27 · may ship after Christmas", badge.BadgeText);
    }

    [Fact]
    public void Badge_InStock_NeverMentionsTheCutoff()
    {
        var facts = SoldOut(null) with { OnHand = 20 };

        Assert.Equal("In stock", Evaluate(facts, Today, Christmas).BadgeText);
    }

    [Fact]
    public void Confirmation_NamesTheItemsThatWontShipBeforeTheCutoff()
    {
        var message = MessageTemplates.Confirmation("SO-7", [
            ("Blue Kettle", 2, 0, 2, new DateOnly(2026, 12, 28)),
            ("Mug", 1, 0, 1, new DateOnly(2026, 12, 10)),
            ("Teapot", 1, 1, 0, null),
        ], Christmas);

        Assert.Contains("Please note: Blue Kettle won't ship before Christmas (Dec 24).", message.Body);
        Assert.DoesNotContain("Mug won't", message.Body);
        Assert.DoesNotContain("Teapot won't", message.Body);
    }

    [Fact]
    public void Confirmation_WithoutACutoff_SaysNothingOfIt()
    {
        var message = MessageTemplates.Confirmation("SO-7", [("Blue Kettle", 2, 0, 2, new DateOnly(2026, 12, 28))]);

        Assert.DoesNotContain("Christmas", message.Body);
        Assert.DoesNotContain("Please note", message.Body);
    }
}
