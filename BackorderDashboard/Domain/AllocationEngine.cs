namespace BackorderDashboard.Domain;

/// <summary>A waiting line of the product being allocated, in queue order.</summary>
public readonly record struct QueueEntry(int LineId, int OrderId, int Unfilled, bool ShipComplete);

/// <summary>Another line of a ship-complete order, on another product, with what it still needs.</summary>
public readonly record struct SiblingLine(int LineId, int OrderId, int ProductId, int Unfilled);

/// <summary>Units of a product given to one order line.</summary>
public readonly record struct Allocation(int LineId, int ProductId, int Qty);

/// <summary>
/// Shares newly available units of a product among its queue, in queue order: the one place that decides who gets
/// stock, used when a restock is received and when a cancellation frees units.
/// A ship-an-available-quantity order takes what there is, even part of a line. A ship-complete order is held until
/// all of it can be allocated at once; while held it takes nothing, so it never blocks the customers behind it, and
/// when it can be completed it takes every line together (its other products from their free stock).
/// </summary>
public static class AllocationEngine
{
    /// <param name="productId">The product whose units became available.</param>
    /// <param name="available">Units of it free to allocate (on hand − allocated).</param>
    /// <param name="queue">Its waiting lines in queue order (priority, then time queued, then line id).</param>
    /// <param name="siblings">For ship-complete orders in the queue: their lines on other products.</param>
    /// <param name="freeStock">Free units of those other products; lowered as sibling lines take them.</param>
    public static List<Allocation> Allocate(
        int productId,
        int available,
        IReadOnlyList<QueueEntry> queue,
        ILookup<int, SiblingLine> siblings,
        IDictionary<int, int> freeStock)
    {
        var allocations = new List<Allocation>();
        var completed = new HashSet<int>();
        var left = Math.Max(0, available);
        foreach (var line in queue)
        {
            if (left == 0)
            {
                break;
            }
            if (line.Unfilled <= 0 || completed.Contains(line.LineId))
            {
                continue;
            }
            if (!line.ShipComplete)
            {
                var qty = Math.Min(left, line.Unfilled);
                allocations.Add(new Allocation(line.LineId, productId, qty));
                left -= qty;
                continue;
            }
            // Ship complete: all or nothing, for this line and the order's lines on other products.
            var others = siblings[line.OrderId].Where(s => s.LineId != line.LineId && s.Unfilled > 0).ToList();
            var otherNeeds = others.GroupBy(s => s.ProductId).ToDictionary(g => g.Key, g => g.Sum(s => s.Unfilled));
            var sameProductNeed = otherNeeds.GetValueOrDefault(productId);
            var canComplete = line.Unfilled + sameProductNeed <= left
                && otherNeeds.Where(n => n.Key != productId).All(n => freeStock.TryGetValue(n.Key, out var free) && free >= n.Value);
            if (!canComplete)
            {
                continue;
            }
            allocations.Add(new Allocation(line.LineId, productId, line.Unfilled));
            left -= line.Unfilled;
            foreach (var other in others)
            {
                completed.Add(other.LineId);
                allocations.Add(new Allocation(other.LineId, other.ProductId, other.Unfilled));
                if (other.ProductId == productId)
                {
                    left -= other.Unfilled;
                }
                else
                {
                    freeStock[other.ProductId] -= other.Unfilled;
                }
            }
        }
        return allocations;
    }
}
