using System.Globalization;

namespace BackorderDashboard.Domain;

/// <summary>
/// A day backordered units must ship by to be in time for an occasion (Dec 24, "Christmas"). The one rule of whether a
/// ship date misses it: the badge, the new-order page and the confirmation all ask here.
/// </summary>
public sealed record HolidayCutoff(DateOnly Date, string Label)
{
    /// <summary>The cutoff while it still matters (today on or before it); null once it has passed.</summary>
    public HolidayCutoff? ActiveOn(DateOnly today) => today <= Date ? this : null;

    /// <summary>Whether a unit shipping on <paramref name="shipDate"/> ships after the cutoff, while the cutoff is still ahead.</summary>
    public bool Misses(DateOnly? shipDate, DateOnly today) => shipDate is { } ship && today <= Date && ShipsAfter(ship);

    /// <summary>Whether a unit shipping that day ships after the cutoff.</summary>
    public bool ShipsAfter(DateOnly shipDate) => shipDate > Date;

    /// <summary>What the badge adds: "after Christmas"; "may ship after Christmas" when only the late end of a range misses it.</summary>
    public string? BadgeNote(DateOnly? shipDate, DateOnly? latest, DateOnly today) =>
        Misses(shipDate, today) ? $"after {Label}"
        : Misses(latest, today) ? $"may ship after {Label}"
        : null;

    /// <summary>How a line that misses it is described: "won't ship before Christmas (Dec 24)".</summary>
    public string WontShipBefore(CultureInfo? culture = null) => $"won't ship before {Label} ({MerchantClock.ShortDate(Date, culture)})";

    /// <summary>Both set, or no cutoff at all.</summary>
    public static HolidayCutoff? From(DateOnly? date, string? label) =>
        date is { } d && !string.IsNullOrWhiteSpace(label) ? new HolidayCutoff(d, label.Trim()) : null;
}
