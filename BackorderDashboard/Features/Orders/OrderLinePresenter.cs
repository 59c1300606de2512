using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using MudBlazor;

namespace BackorderDashboard.Features.Orders;

/// <summary>How an order line reads on the order page: its status in a word and a colour, and what its columns say.</summary>
public static class OrderLinePresenter
{
    public static string StatusText(LineStatus status) => status switch
    {
        LineStatus.Backordered => "Backordered",
        LineStatus.HeldForRest => "Set aside, waiting for the rest",
        LineStatus.ReadyToShip => "Ready to ship",
        LineStatus.Shipped => "Shipped",
        _ => "Cancelled",
    };

    public static Color StatusColor(LineStatus status) => status switch
    {
        LineStatus.Backordered => Color.Warning,
        LineStatus.HeldForRest or LineStatus.ReadyToShip => Color.Info,
        LineStatus.Shipped => Color.Success,
        _ => Color.Default,
    };

    /// <summary>"1 shipped · 1 waiting" when the units of a line are in more than one state.</summary>
    public static string Breakdown(OrderLineView line)
    {
        var parts = new[] { (line.Shipped, "shipped"), (line.Allocated, "set aside"), (line.Unfilled, "waiting"), (line.Cancelled, "cancelled") }
            .Where(p => p.Item1 > 0).ToList();
        return parts.Count > 1 ? string.Join(" · ", parts.Select(p => $"{p.Item1} {p.Item2}")) : "";
    }

    /// <summary>The "Ships" column: the ETA while units wait, "being packed" once all are set aside.</summary>
    public static string Ships(OrderLineView line) =>
        line.Unfilled > 0 ? Date(line.Eta) : line.Status is LineStatus.ReadyToShip or LineStatus.HeldForRest ? "being packed" : "–";

    /// <summary>The purchase order a line waits on is past its expected date.</summary>
    public static bool Overdue(WaitingOn waitingOn, DateOnly? today) => waitingOn.Expected < today;

    public static string Date(DateOnly? date) => date is { } d ? MerchantClock.ShortDate(d) : "–";

    public static string ShipPolicyText(ShipPolicy policy) =>
        policy == ShipPolicy.ShipComplete ? "Ships complete" : "Ships each item when ready";

    /// <summary>The switch button offers the other policy.</summary>
    public static string SwitchShipPolicy(ShipPolicy policy) =>
        policy == ShipPolicy.ShipComplete ? "Ship each item when ready" : "Ship everything together";

    public static ShipPolicy Other(ShipPolicy policy) =>
        policy == ShipPolicy.ShipComplete ? ShipPolicy.ShipAvailable : ShipPolicy.ShipComplete;
}
