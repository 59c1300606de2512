using System.Text;
using BackorderDashboard.Data;

namespace BackorderDashboard.Domain;

/// <summary>What a message says, before the greeting and the footer with the tracking link are added.</summary>
public sealed record MessageContent(MessageKind Kind, string Subject, string Body, int? OrderLineId = null);

/// <summary>
/// Every message the store writes to a customer, in one place, so the same event always reads the same way and a
/// change of wording is made once. Dates are the customer's ship dates ("Dec 5"); the e-mail footer (tracking link,
/// cancel link for a delay) is added when the message is sent, see <see cref="MessageComposer"/>.
/// </summary>
public static class MessageTemplates
{
    /// <summary>One line of an order as a message lists it.</summary>
    public sealed record ItemStatus(string Product, int Qty, string Status);

    /// <param name="cutoff">The store's holiday cutoff still ahead (<see cref="HolidayCutoff.ActiveOn"/>): the items on backorder that ship after it are named.</param>
    public static MessageContent Confirmation(string number, IEnumerable<(string Name, int Qty, int FromStock, int Backordered, DateOnly? Eta)> lines,
        HolidayCutoff? cutoff = null)
    {
        var text = new StringBuilder($"thank you for your order {number}.\n\n");
        var late = new List<string>();
        foreach (var line in lines)
        {
            // Past the cutoff it is no longer news; a line with no date yet can't be promised before it either.
            if (cutoff is not null && line.Backordered > 0 && (line.Eta is not { } eta || cutoff.ShipsAfter(eta)))
            {
                late.Add(line.Name);
            }
            text.Append($"- {line.Qty} × {line.Name}: ");
            text.AppendLine(line.Backordered == 0 ? "in stock, ships now"
                : line.FromStock > 0 ? $"{line.FromStock} ship now, {line.Backordered} on backorder, expected to ship {Date(line.Eta, "when stock arrives")}"
                : $"on backorder, expected to ship {Date(line.Eta, "when stock arrives")}");
        }
        if (late.Count > 0)
        {
            text.Append($"\nPlease note: {string.Join(", ", late)} {cutoff!.WontShipBefore(Culture)}.\n");
        }
        text.Append("\nWe will write again if a date changes. You can cancel a backordered item at any time before it ships.");
        return new(MessageKind.BackorderConfirmation, $"Your order {number}: ship dates for the items on backorder", text.ToString());
    }

    public static MessageContent Delay(string product, string number, int lineId, DateOnly? newEta, DateOnly? promised) =>
        new(MessageKind.Delay, $"{product} from order {number} is delayed",
            $"we're sorry: {product} from your order {number} now ships around {Date(newEta)}, later than the {Date(promised)} we promised.\n"
            + "If you'd rather not wait, you can cancel this item at no cost from your tracking page or by replying to this e-mail.",
            lineId);

    public static MessageContent ReadyToShip(string number, IReadOnlyList<(string Product, int Qty)> reserved, bool orderComplete) =>
        new(MessageKind.ReadyToShip, $"Your order {number} is being packed",
            "good news: " + string.Join(", ", reserved.Select(r => $"{r.Qty} × {r.Product}"))
            + $" from your order {number} {(orderComplete ? "are" : "is")} reserved for you and will ship shortly.");

    public static MessageContent Shipped(string number, IReadOnlyList<(string Product, int Qty)> items, string? carrier, string? trackingNumber) =>
        new(MessageKind.Shipped, $"Your order {number} has shipped",
            $"{Items(items)} from your order {number} {(items.Count == 1 && items[0].Qty == 1 ? "is" : "are")} on the way."
            + (string.IsNullOrWhiteSpace(trackingNumber) ? "" : $"\nTracking: {carrier} {trackingNumber}".TrimEnd())
            + (CarrierTracking.UrlFor(carrier, trackingNumber) is { } url ? $"\nFollow the parcel: {url}" : ""));

    public static MessageContent Cancelled(string product, string number, int qty, string reason, bool waitlisted) =>
        new(MessageKind.Cancelled, $"{product} cancelled from order {number}",
            $"{qty} × {product} from your order {number} is cancelled ({reason.Trim()}). You will not be charged for it."
            + (waitlisted ? $"\nWe'll e-mail you as soon as {product} is back in stock." : ""));

    public static MessageContent ShippingChanged(string number, string howItShips) =>
        new(MessageKind.Update, $"Your order {number}: shipping changed", $"as agreed, we will now ship your order {number} {howItShips}.");

    public static MessageContent Consolation(string number, string what) =>
        new(MessageKind.Consolation, $"A thank-you for waiting on order {number}",
            $"thank you for your patience with order {number}. We've added {what} to it.");

    public static MessageContent BackInStock(string product, string sku) =>
        new(MessageKind.BackInStock, $"{product} is back in stock",
            $"{product} ({sku}) is back in stock. It is not reserved for you: order soon if you still want it.");

    /// <summary>The status update support sends on request: where each item stands, in the customer's words.</summary>
    public static MessageContent StatusUpdate(string number, IReadOnlyList<ItemStatus> items)
    {
        var text = new StringBuilder($"here is where your order {number} stands:\n\n");
        foreach (var item in items)
        {
            text.AppendLine($"- {item.Qty} × {item.Product}: {item.Status}");
        }
        text.Append("\nWe will write again as soon as anything changes.");
        return new(MessageKind.Update, $"An update on your order {number}", text.ToString());
    }

    public static string Items(IEnumerable<(string Product, int Qty)> items) => string.Join(", ", items.Select(i => $"{i.Qty} × {i.Product}"));

    /// <summary>
    /// Messages are written in English, so their dates are too ("Dec 5"), whatever the format of the colleague whose
    /// action wrote them.
    /// </summary>
    public static readonly System.Globalization.CultureInfo Culture = System.Globalization.CultureInfo.GetCultureInfo("en-US");

    public static string Date(DateOnly? date, string unknown = "an unknown date") => date is { } d ? MerchantClock.ShortDate(d, Culture) : unknown;
}
