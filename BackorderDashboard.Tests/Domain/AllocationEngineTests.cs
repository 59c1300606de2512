using BackorderDashboard.Domain;

namespace BackorderDashboard.Tests.Domain;

public class AllocationEngineTests
{
    private const int Kettle = 1;
    private const int Mug = 2;
    private static readonly ILookup<int, SiblingLine> NoSiblings = Array.Empty<SiblingLine>().ToLookup(s => s.OrderId);

    private static List<Allocation> Allocate(int available, QueueEntry[] queue, SiblingLine[]? siblings = null, Dictionary<int, int>? free = null) =>
        AllocationEngine.Allocate(Kettle, available, queue, (siblings ?? []).ToLookup(s => s.OrderId), free ?? []);

    [Fact]
    public void Allocate_FillsTheQueueInOrderUntilUnitsRunOut()
    {
        var result = Allocate(5, [new(10, 1, 2, false), new(11, 2, 2, false), new(12, 3, 2, false), new(13, 4, 1, false)]);

        // First two lines in full, the third gets the last unit; the fourth waits.
        Assert.Equal([new(10, Kettle, 2), new(11, Kettle, 2), new(12, Kettle, 1)], result);
    }

    [Fact]
    public void Allocate_FollowsTheQueueOrderItIsGiven_SoAnExpeditedLineComesFirst()
    {
        QueueEntry early = new(10, 1, 3, false), expedited = new(20, 2, 3, false);

        var result = Allocate(3, [expedited, early]);

        Assert.Equal([new(20, Kettle, 3)], result);
    }

    [Fact]
    public void Allocate_NothingAvailable_AllocatesNothing()
    {
        Assert.Empty(Allocate(0, [new(10, 1, 2, false)]));
        Assert.Empty(Allocate(-3, [new(10, 1, 2, false)]));
    }

    [Fact]
    public void ShipComplete_NotEnoughForTheWholeLine_IsHeldWithoutBlockingTheLinesBehind()
    {
        var result = Allocate(2, [new(10, 1, 3, true), new(11, 2, 1, false), new(12, 3, 1, false)]);

        Assert.Equal([new(11, Kettle, 1), new(12, Kettle, 1)], result);
    }

    [Fact]
    public void ShipComplete_OtherProductMissing_IsHeld()
    {
        SiblingLine[] siblings = [new(10, 1, Kettle, 1), new(15, 1, Mug, 2)];

        var result = Allocate(5, [new(10, 1, 1, true), new(11, 2, 1, false)], siblings, new() { [Mug] = 1 });

        Assert.Equal([new(11, Kettle, 1)], result);
    }

    [Fact]
    public void ShipComplete_WholeOrderCoverable_TakesEveryLineAtOnce()
    {
        SiblingLine[] siblings = [new(10, 1, Kettle, 1), new(15, 1, Mug, 2)];
        var free = new Dictionary<int, int> { [Mug] = 5 };

        var result = Allocate(5, [new(10, 1, 1, true), new(11, 2, 1, false)], siblings, free);

        Assert.Equal([new(10, Kettle, 1), new(15, Mug, 2), new(11, Kettle, 1)], result);
        Assert.Equal(3, free[Mug]);
    }

    [Fact]
    public void ShipComplete_TwoLinesOnTheSameProduct_AreAllocatedOnce()
    {
        SiblingLine[] siblings = [new(10, 1, Kettle, 2), new(11, 1, Kettle, 1)];

        var result = Allocate(4, [new(10, 1, 2, true), new(11, 1, 1, true), new(12, 2, 5, false)], siblings);

        Assert.Equal([new(10, Kettle, 2), new(11, Kettle, 1), new(12, Kettle, 1)], result);
    }

    [Fact]
    public void Allocate_NeverGivesMoreThanAvailableOrMoreThanALineNeeds()
    {
        var random = new Random(7);
        var (allocations, shipCompleteAllocations) = (0, 0);
        for (var run = 0; run < 200; run++)
        {
            var queue = Enumerable.Range(0, random.Next(1, 12))
                .Select(i => new QueueEntry(100 + i, i, random.Next(1, 6), random.NextDouble() < 0.3)).ToArray();
            var available = random.Next(0, 20);

            var result = AllocationEngine.Allocate(Kettle, available, queue, NoSiblings, new Dictionary<int, int>());

            Assert.True(result.Sum(a => a.Qty) <= available);
            Assert.All(result, a => Assert.InRange(a.Qty, 1, queue.Single(q => q.LineId == a.LineId).Unfilled));
            Assert.Equal(result.Count, result.Select(a => a.LineId).Distinct().Count());
            // A ship-complete line is all or nothing.
            var shipComplete = result.Where(a => queue.Single(q => q.LineId == a.LineId).ShipComplete).ToList();
            Assert.All(shipComplete, a => Assert.Equal(queue.Single(q => q.LineId == a.LineId).Unfilled, a.Qty));
            allocations += result.Count;
            shipCompleteAllocations += shipComplete.Count;
        }
        // The runs did check something: allocations were made, ship-complete lines among them.
        Assert.True(allocations > 100, $"{allocations} allocations");
        Assert.True(shipCompleteAllocations > 10, $"{shipCompleteAllocations} ship-complete allocations");
    }
}
