namespace BackorderDashboard.Domain;

/// <summary>
/// The payment rule (DESIGN.md): the customer's card is authorized when the order is placed, and the payment is
/// captured only at shipment, for what ships. A cancelled unit never ships, so nothing is ever captured for it, and
/// its part of the authorization is released. These are the words every page and answer uses for it.
/// </summary>
public static class Payment
{
    /// <summary>The amount a cancellation takes off the card authorization.</summary>
    public static long ReleasedCents(int cancelledUnits, long unitPriceCents) => cancelledUnits * unitPriceCents;

    /// <summary>For staff, before a cancellation (the dialog): what happens to the payment.</summary>
    public const string BeforeCancelling =
        "Payment: nothing is charged for cancelled items (the card is only charged when items ship), and the card authorization for them is released.";

    /// <summary>For staff, on a line with cancelled units (the order page, the cancellation's result).</summary>
    public static string Cancelled(int cancelledUnits, long unitPriceCents) =>
        $"Nothing charged for the {Words.Count(cancelledUnits, "cancelled unit")}; the authorization for {Money.Format(ReleasedCents(cancelledUnits, unitPriceCents))} is released.";

    /// <summary>For the customer (the suggested answer): "you are not charged for it, and the hold on your card for it is released".</summary>
    public static string CancelledForCustomer(bool plural) =>
        plural ? "you are not charged for them, and the hold on your card for them is released"
        : "you are not charged for it, and the hold on your card for it is released";
}
