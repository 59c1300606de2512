using BackorderDashboard.Domain;

namespace BackorderDashboard.Tests.Domain;

public class EtaWalkTests
{
    private static readonly DateOnly Today = new(2026, 11, 22);
    private static readonly DateOnly Dec1 = new(2026, 12, 1);
    private static readonly DateOnly Dec10 = new(2026, 12, 10);

    [Fact]
    public void NextUnit_EmptyQueue_ShipsFromFirstPurchaseOrderPlusHandling()
    {
        var date = EtaWalk.NextUnit(0, [new(Dec10, 5), new(Dec1, 5)], Today, handlingDays: 2, dailyCapacity: null);

        Assert.Equal(Dec1.AddDays(2), date);
    }

    [Fact]
    public void NextUnit_QueueClaimsFirstPurchaseOrder_MovesToNextOne()
    {
        // Five units on the Dec 1 PO are all claimed by the queue: the sixth unit comes on Dec 10.
        var date = EtaWalk.NextUnit(5, [new(Dec1, 5), new(Dec10, 20)], Today, handlingDays: 1, dailyCapacity: null);

        Assert.Equal(Dec10.AddDays(1), date);
    }

    [Fact]
    public void NextUnit_NotEnoughInbound_ReturnsNull()
    {
        Assert.Null(EtaWalk.NextUnit(10, [new(Dec1, 10)], Today, 1, null));
        Assert.Null(EtaWalk.NextUnit(0, [], Today, 1, null));
    }

    [Fact]
    public void ForQueue_EachLineGetsThePurchaseOrderCoveringItsLastUnit()
    {
        var etas = EtaWalk.ForQueue([3, 2, 4, 10], [new(Dec10, 6), new(Dec1, 4)], Today, handlingDays: 0, dailyCapacity: null);

        // Cumulative need 3, 5, 9, 19 against cumulative inbound 4 (Dec 1), 10 (Dec 10).
        Assert.Equal(new DateOnly?[] { Dec1, Dec10, Dec10, null }, etas);
    }

    [Fact]
    public void ForQueue_OverduePurchaseOrder_CountsFromToday()
    {
        var etas = EtaWalk.ForQueue([1], [new(Today.AddDays(-5), 3)], Today, handlingDays: 1, dailyCapacity: null);

        Assert.Equal(Today.AddDays(1), etas[0]);
    }

    [Fact]
    public void ForQueue_DailyCapacity_AddsDaysForTheUnitsAhead()
    {
        // 10 units a day: units 1-10 ship on day 0, 11-20 on day 1, 21-25 on day 2.
        var etas = EtaWalk.ForQueue([10, 10, 5], [new(Dec1, 100)], Today, handlingDays: 0, dailyCapacity: 10);

        Assert.Equal(new DateOnly?[] { Dec1, Dec1.AddDays(1), Dec1.AddDays(2) }, etas);
    }

    [Fact]
    public void NextUnit_MatchesTheWalkForOneMoreLineAtTheEnd()
    {
        IReadOnlyList<InboundSupply> inbound = [new(Dec1, 7), new(Dec10, 7), new(Dec10.AddDays(7), 30)];
        int[] queue = [2, 5, 3, 1];

        var next = EtaWalk.NextUnit(queue.Sum(), inbound, Today, 2, 4);
        var walked = EtaWalk.ForQueue([.. queue, 1], inbound, Today, 2, 4);

        Assert.Equal(walked[^1], next);
    }
}
