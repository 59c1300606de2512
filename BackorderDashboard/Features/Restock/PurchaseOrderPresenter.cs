using BackorderDashboard.Components.Shared;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using MudBlazor;

namespace BackorderDashboard.Features.Restock;

/// <summary>What a purchase order change is about to do, while the merchant edits it.</summary>
public enum PurchaseOrderChangeMode
{
    None,
    Date,
    Cancel,
}

/// <summary>How a purchase order and the impact of changing it read: status colours, the impact's summary, the snackbar after a change.</summary>
public static class PurchaseOrderPresenter
{
    public static Color StatusColor(PurchaseOrderStatus status) => status switch
    {
        PurchaseOrderStatus.Draft => Color.Default,
        PurchaseOrderStatus.Ordered => Color.Info,
        PurchaseOrderStatus.PartiallyReceived => Color.Warning,
        PurchaseOrderStatus.Received => Color.Success,
        _ => Color.Default,
    };

    /// <summary>A waiting line's ship date before and after the change; "unknown" when it has none.</summary>
    public static string Date(DateOnly? date) => date is { } d ? MerchantClock.ShortDate(d) : "unknown";

    public static string Moved(ImpactLine line) =>
        $"{Date(line.From)} → {Date(line.To)} ({(line.DaysMoved > 0 ? "+" : "")}{line.DaysMoved} d)";

    /// <summary>"3 waiting lines of 2 orders move: 2 later (up to 4 days), 1 earlier."</summary>
    public static string Summary(PoImpact impact) =>
        $"{Words.Count(impact.Lines.Count, "waiting line")} of {Words.Count(impact.Customers, "order")} {(impact.Lines.Count == 1 ? "moves" : "move")}: {impact.Later} later"
        + (impact.MaxDaysLater > 0 ? $" (up to {Words.Count(impact.MaxDaysLater, "day")})" : "") + $", {impact.Earlier} earlier.";

    /// <summary>The lines the impact table shows: those becoming late first, then the ones moved furthest.</summary>
    public static IReadOnlyList<ImpactLine> MostAffected(PoImpact impact, int count = 100) =>
        impact.Lines.OrderByDescending(l => l.BecomesLate).ThenByDescending(l => l.DaysMoved).Take(count).ToList();

    /// <summary>After a saved date change or cancellation; a refusal shows in the panel instead, not in the snackbar.</summary>
    public static Notice? Saved(PoImpact result)
    {
        if (!result.Succeeded)
        {
            return null;
        }
        var late = result.BecomingLate.Count;
        return Notice.Success($"{result.Message} {Words.Count(result.Lines.Count, "waiting line")} moved{(late > 0 ? $", {Words.Count(late, "delay message")} queued" : "")}.");
    }

    public static Notice Placed(PoImpact result) => result.Succeeded
        ? Notice.Success($"{result.Message} {Words.Count(result.Lines.Count, "waiting line")} {(result.Lines.Count == 1 ? "gets" : "get")} an earlier date.")
        : Notice.Warning(result.Message);
}
