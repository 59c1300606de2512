using System.Globalization;
using BackorderDashboard.Data;

namespace BackorderDashboard.Domain;

public enum AvailabilityStatus
{
    InStock = 0,
    LowStock = 1,
    Backordered = 2,
    BackorderedEstimated = 3,
    OutOfStock = 4,
    PreOrder = 5,
    Discontinued = 6,
}

/// <summary>How long a supplier takes from order to receipt: the typical case and a bad-but-normal one.</summary>
public readonly record struct LeadTimeRange(int TypicalDays, int LateDays)
{
    /// <summary>
    /// A quoted lead time with no receipts behind it: suppliers miss quotes by a few days often enough that the
    /// range allows a quarter more (at least two days).
    /// </summary>
    public static LeadTimeRange FromQuote(int days) => new(days, days + Math.Max(2, (days + 3) / 4));
}

/// <summary>Everything the rule needs to know about one product, read in one go for a page of products.</summary>
public sealed record ProductStockFacts(
    int ProductId,
    int OnHand,
    int Allocated,
    BackorderPolicy Policy,
    int? BackorderCap,
    int LowStockThreshold,
    int HandlingDays,
    LeadTimeRange? LeadTime,
    DateOnly? PreorderReleaseDate,
    bool Discontinued,
    int QueuedUnits,
    IReadOnlyList<InboundSupply> Inbound)
{
    public int Available => Math.Max(0, OnHand - Allocated);
    public int InboundUnits => Inbound.Sum(s => s.Quantity);
}

/// <summary>A product's status, the badge a customer reads, and the ship date of the next unit sold.</summary>
public sealed record Availability(AvailabilityStatus Status, string BadgeText, DateOnly? ShipDate, DateOnly? ShipDateLatest, int Available)
{
    public bool CanBeOrdered => Status is not (AvailabilityStatus.OutOfStock or AvailabilityStatus.Discontinued);
}

/// <summary>
/// The badge rule of the whole product, in one place: the products page, the detail page, the queue and the
/// storefront API all ask this class. The ship date of the next unit walks the open purchase orders by expected date
/// against every unit the queue has already claimed plus one, so a badge never promises a unit an earlier customer owns.
/// </summary>
public static class AvailabilityRule
{
    /// <param name="cutoff">The store's holiday cutoff: a backordered unit that ships after it says so on its badge.</param>
    public static Availability Evaluate(ProductStockFacts p, DateOnly today, int? dailyCapacity, CultureInfo? culture = null, HolidayCutoff? cutoff = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        var available = p.Available;

        if (p.Discontinued)
        {
            return new(AvailabilityStatus.Discontinued, "Discontinued", null, null, available);
        }
        if (p.PreorderReleaseDate is { } release && release > today)
        {
            if (CapReached(p))
            {
                return OutOfStock(available);
            }
            // A pre-order ships on release, or later if the stock for it arrives after the release date.
            var walked = EtaWalk.NextUnit(p.QueuedUnits, p.Inbound, today, p.HandlingDays, dailyCapacity);
            var ships = walked is { } w && w > release ? w : release;
            return new(AvailabilityStatus.PreOrder, $"Pre-order – releases {MerchantClock.ShortDate(release, culture)}", ships, null, available);
        }
        if (available > p.LowStockThreshold)
        {
            return new(AvailabilityStatus.InStock, "In stock", today.AddDays(p.HandlingDays), null, available);
        }
        if (available > 0)
        {
            return new(AvailabilityStatus.LowStock, $"Low stock – {available} left", today.AddDays(p.HandlingDays), null, available);
        }
        if (p.Policy == BackorderPolicy.NotAllowed || CapReached(p))
        {
            return OutOfStock(available);
        }
        if (EtaWalk.NextUnit(p.QueuedUnits, p.Inbound, today, p.HandlingDays, dailyCapacity) is { } date)
        {
            return new(AvailabilityStatus.Backordered,
                WithNote($"Backordered – ships {MerchantClock.ShortDate(date, culture)}", cutoff?.BadgeNote(date, null, today)), date, null, available);
        }
        if (Estimate(p, p.QueuedUnits + 1, today, dailyCapacity) is var (from, to))
        {
            return new(AvailabilityStatus.BackorderedEstimated,
                WithNote($"Backordered – ships {DateRange(from, to, culture)}", cutoff?.BadgeNote(from, to, today)), from, to, available);
        }
        return OutOfStock(available);
    }

    /// <summary>
    /// ETA of each queued line (unfilled units in queue order): the purchase order covering its last unit, or, past
    /// what is on order, the supplier's typical lead time from today. Null only when no lead time is known.
    /// </summary>
    public static DateOnly?[] QueueEtas(ProductStockFacts p, IReadOnlyList<int> unfilledInQueueOrder, DateOnly today, int? dailyCapacity)
    {
        var etas = EtaWalk.ForQueue(unfilledInQueueOrder, p.Inbound, today, p.HandlingDays, dailyCapacity);
        long claimed = 0;
        for (var i = 0; i < etas.Length; i++)
        {
            claimed += Math.Max(0, unfilledInQueueOrder[i]);
            if (etas[i] is null && Estimate(p, claimed, today, dailyCapacity) is var (from, _))
            {
                etas[i] = from;
            }
            if (p.PreorderReleaseDate is { } release && etas[i] < release)
            {
                etas[i] = release;
            }
        }
        return etas;
    }

    /// <summary>A capped product takes no more backorders once the queue holds the cap.</summary>
    public static bool CapReached(ProductStockFacts p) => p.BackorderCap is { } cap && p.QueuedUnits >= cap;

    private static (DateOnly From, DateOnly To)? Estimate(ProductStockFacts p, long unitNumber, DateOnly today, int? dailyCapacity)
    {
        if (p.LeadTime is not { TypicalDays: > 0 } lead)
        {
            return null;
        }
        // Units already on order arrive first; the estimate is for what must still be ordered.
        var beyondInbound = Math.Max(1, unitNumber - p.InboundUnits);
        var capacityDays = dailyCapacity is > 0 ? (int)((beyondInbound - 1) / dailyCapacity.Value) : 0;
        var from = today.AddDays(lead.TypicalDays + p.HandlingDays + capacityDays);
        return (from, from.AddDays(Math.Max(0, lead.LateDays - lead.TypicalDays)));
    }

    private static string WithNote(string text, string? note) => note is null ? text : $"{text} · {note}";

    private static Availability OutOfStock(int available) => new(AvailabilityStatus.OutOfStock, "Out of stock", null, null, available);

    /// <summary>"Dec 5–12" within a month, "Dec 28–Jan 4" across months, in the culture's own order.</summary>
    public static string DateRange(DateOnly from, DateOnly to, CultureInfo culture)
    {
        if (from == to)
        {
            return MerchantClock.ShortDate(from, culture);
        }
        var pattern = culture.DateTimeFormat.MonthDayPattern;
        if (from.Month == to.Month && from.Year == to.Year && pattern.TrimStart().StartsWith('M'))
        {
            return $"{MerchantClock.ShortDate(from, culture)}–{to.Day.ToString(culture)}";
        }
        return $"{MerchantClock.ShortDate(from, culture)}–{MerchantClock.ShortDate(to, culture)}";
    }

    /// <summary>The next ship date as a person reads it: a date, a range when estimated, or why there is none.</summary>
    public static string ShipDateText(Availability availability, CultureInfo? culture = null, string none = "–")
    {
        culture ??= CultureInfo.CurrentCulture;
        return availability switch
        {
            { ShipDate: { } from, ShipDateLatest: { } to } => DateRange(from, to, culture),
            { ShipDate: { } date } => MerchantClock.ShortDate(date, culture),
            _ => none,
        };
    }
}
