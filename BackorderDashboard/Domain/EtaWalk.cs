namespace BackorderDashboard.Domain;

/// <summary>Units still to arrive on one open purchase order line, on the day the supplier expects them.</summary>
public readonly record struct InboundSupply(DateOnly ExpectedDate, int Quantity);

/// <summary>
/// The one rule behind every promised date: walk a product's open purchase orders by expected date,
/// accumulating inbound units, until they cover the units the queue has already claimed plus the ones asked about.
/// The badge date is the walk for "whole queue + 1"; a queued line's ETA is the walk for its own position.
/// </summary>
public static class EtaWalk
{
    /// <summary>
    /// Ship date for each queued line, given the lines' unfilled quantities in queue order.
    /// Null where the open purchase orders do not cover the line (the caller falls back to lead time).
    /// </summary>
    public static DateOnly?[] ForQueue(
        IReadOnlyList<int> unfilledInQueueOrder,
        IReadOnlyList<InboundSupply> inbound,
        DateOnly today,
        int handlingDays,
        int? dailyCapacity)
    {
        var supplies = Sorted(inbound);
        var result = new DateOnly?[unfilledInQueueOrder.Count];
        long claimed = 0;
        var poIndex = 0;
        long covered = 0;
        for (var i = 0; i < unfilledInQueueOrder.Count; i++)
        {
            claimed += Math.Max(0, unfilledInQueueOrder[i]);
            // The queue only grows down the list, so the PO pointer only moves forward: one pass for the whole queue.
            while (poIndex < supplies.Length && covered < claimed)
            {
                covered += supplies[poIndex].Quantity;
                poIndex++;
            }
            if (covered < claimed || poIndex == 0)
            {
                // Nothing inbound covers this line, so nothing behind it is covered either.
                break;
            }
            result[i] = ShipDate(supplies[poIndex - 1].ExpectedDate, claimed, today, handlingDays, dailyCapacity);
        }
        return result;
    }

    /// <summary>Ship date of the next unit sold: the walk for (all unfilled queue units + 1).</summary>
    public static DateOnly? NextUnit(
        long unfilledQueueUnits,
        IReadOnlyList<InboundSupply> inbound,
        DateOnly today,
        int handlingDays,
        int? dailyCapacity)
    {
        var needed = unfilledQueueUnits + 1;
        long covered = 0;
        foreach (var supply in Sorted(inbound))
        {
            covered += supply.Quantity;
            if (covered >= needed)
            {
                return ShipDate(supply.ExpectedDate, needed, today, handlingDays, dailyCapacity);
            }
        }
        return null;
    }

    /// <summary>
    /// Which inbound supply (index into <paramref name="inbound"/>) brings unit number <paramref name="unitNumber"/> of
    /// the queue, by the same walk as the dates; null when what is on order does not reach it.
    /// </summary>
    public static int? CoveringIndex(long unitNumber, IReadOnlyList<InboundSupply> inbound)
    {
        long covered = 0;
        // Stable by date, as the walk: supplies due the same day are taken in the order given.
        foreach (var i in Enumerable.Range(0, inbound.Count).Where(i => inbound[i].Quantity > 0).OrderBy(i => inbound[i].ExpectedDate))
        {
            covered += inbound[i].Quantity;
            if (covered >= unitNumber)
            {
                return i;
            }
        }
        return null;
    }

    private static InboundSupply[] Sorted(IReadOnlyList<InboundSupply> inbound) =>
        inbound.Where(s => s.Quantity > 0).OrderBy(s => s.ExpectedDate).ToArray();

    private static DateOnly ShipDate(DateOnly arrival, long unitNumber, DateOnly today, int handlingDays, int? dailyCapacity)
    {
        // An overdue purchase order can't arrive in the past: the earliest it can come is today.
        var start = arrival < today ? today : arrival;
        var capacityDays = dailyCapacity is > 0 ? (int)((unitNumber - 1) / dailyCapacity.Value) : 0;
        return start.AddDays(Math.Max(0, handlingDays) + capacityDays);
    }
}
