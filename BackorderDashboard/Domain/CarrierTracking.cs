namespace BackorderDashboard.Domain;

/// <summary>A carrier whose tracking page the app links to: its name as shown, other names staff type for it, and its address.</summary>
public sealed record Carrier(string Name, string[] OtherNames, string UrlPattern)
{
    /// <summary>The carrier's tracking page for one parcel; the number is URL-encoded into the pattern's <c>{0}</c>.</summary>
    public string UrlFor(string trackingNumber) => string.Format(UrlPattern, Uri.EscapeDataString(trackingNumber.Trim()));
}

/// <summary>
/// Where a parcel's tracking number leads: one table of the common carriers, used by the order page, the customer's
/// tracking page and the shipped e-mail alike. A carrier not in the table gets no link; its number is shown as typed.
/// </summary>
public static class CarrierTracking
{
    public static readonly IReadOnlyList<Carrier> Carriers =
    [
        new("UPS", ["United Parcel Service"], "https://www.ups.com/track?tracknum={0}"),
        new("USPS", ["US Postal Service", "U.S. Postal Service", "United States Postal Service"], "https://tools.usps.com/go/TrackConfirmAction?tLabels={0}"),
        new("FedEx", ["Fed Ex", "Federal Express"], "https://www.fedex.com/fedextrack/?trknbr={0}"),
        new("DHL", ["DHL Express"], "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id={0}"),
        new("Canada Post", ["Postes Canada"], "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={0}"),
        new("Royal Mail", [], "https://www.royalmail.com/track-your-item#/tracking-results/{0}"),
        new("OnTrac", [], "https://www.ontrac.com/tracking/?number={0}"),
    ];

    /// <summary>The names the Ship dialog offers, in the table's order.</summary>
    public static IReadOnlyList<string> Names { get; } = Carriers.Select(c => c.Name).ToArray();

    /// <summary>The carrier a typed name means (case, spaces and dots aside), or null for one the table does not know.</summary>
    public static Carrier? Find(string? name)
    {
        var key = Key(name);
        return key.Length == 0 ? null : Carriers.FirstOrDefault(c => Key(c.Name) == key || c.OtherNames.Any(n => Key(n) == key));
    }

    /// <summary>The parcel's tracking page, or null when the carrier is unknown or there is no number.</summary>
    public static string? UrlFor(string? carrier, string? trackingNumber) =>
        string.IsNullOrWhiteSpace(trackingNumber) ? null : Find(carrier)?.UrlFor(trackingNumber);

    private static string Key(string? name) =>
        new((name ?? "").Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant).ToArray());
}
