namespace BackorderDashboard.Domain;

/// <summary>Where a product's lead time comes from.</summary>
public enum LeadTimeSource
{
    /// <summary>Nothing is known: no estimate can be promised.</summary>
    None,
    Product,
    SupplierHistory,
    SupplierQuote,
}

/// <summary>The lead time a product's estimates use, and where it came from.</summary>
public readonly record struct LeadTimeChoice(LeadTimeRange? Range, LeadTimeSource Source)
{
    /// <summary>Typical days (0 when nothing is known), as the reorder point reads it.</summary>
    public int TypicalDays => Range?.TypicalDays ?? 0;

    public bool FromHistory => Source == LeadTimeSource.SupplierHistory;
}

public static class LeadTimes
{
    /// <summary>
    /// The product's own lead time when it has one, taken as given; else the supplier's receipt history when it has
    /// <see cref="SupplierLeadTimes.MinimumReceipts"/> or more (<paramref name="supplierHistory"/> is null otherwise); else
    /// the supplier's quote. A supplier without a quote gives no estimate, whatever its history (the badge's status
    /// filter in SQL reads the quote alone).
    /// </summary>
    public static LeadTimeChoice Choose(int? productDays, int supplierQuoteDays, LeadTimeRange? supplierHistory) =>
        productDays is { } own ? (own > 0 ? new(LeadTimeRange.FromQuote(own), LeadTimeSource.Product) : default)
        : supplierQuoteDays <= 0 ? default
        : supplierHistory is { } history ? new(history, LeadTimeSource.SupplierHistory)
        : new(LeadTimeRange.FromQuote(supplierQuoteDays), LeadTimeSource.SupplierQuote);
}
