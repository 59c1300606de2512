using BackorderDashboard.Data;
using BackorderDashboard.Domain;

namespace BackorderDashboard.Features.Products;

/// <summary>
/// The product form as the merchant fills it in: the price in dollars like every money field, the release date as a
/// calendar day. <see cref="ToInput"/> turns it into the service's input, where an empty optional field means "none".
/// </summary>
public sealed class ProductFormModel
{
    public string Sku { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Category { get; set; }
    public string? Supplier { get; set; }
    public int? NewSupplierLeadTimeDays { get; set; }
    public decimal? Price { get; set; }
    public BackorderPolicy BackorderPolicy { get; set; } = BackorderPolicy.Allowed;
    public int? BackorderCap { get; set; }
    public int? LowStockThreshold { get; set; }
    public int? HandlingDays { get; set; }
    public int? LeadTimeDays { get; set; }
    public DateTime? PreorderReleaseDate { get; set; }
    public bool Discontinued { get; set; }
    public int? OnHand { get; set; }

    /// <summary>The largest price the field takes, in dollars.</summary>
    public static decimal MaxPrice => Limits.MaxMoneyCents / 100m;

    public ProductInput ToInput() => new()
    {
        Sku = Sku,
        Name = Name,
        Category = Category,
        Supplier = Supplier,
        NewSupplierLeadTimeDays = NewSupplierLeadTimeDays,
        // The field reads at most two decimals, so the cents are exact.
        PriceCents = Price is { } dollars ? (long)Math.Round(dollars * 100m, MidpointRounding.AwayFromZero) : 0,
        BackorderPolicy = BackorderPolicy,
        BackorderCap = BackorderCap,
        LowStockThreshold = LowStockThreshold,
        HandlingDays = HandlingDays,
        LeadTimeDays = LeadTimeDays,
        PreorderReleaseDate = PreorderReleaseDate is { } release ? DateOnly.FromDateTime(release) : null,
        Discontinued = Discontinued,
        OnHand = OnHand,
        EmptyClears = true,
    };

    public static ProductFormModel From(ProductEditDetails product) => new()
    {
        Sku = product.Sku,
        Name = product.Name,
        Category = product.Category,
        Supplier = product.Supplier,
        Price = product.PriceCents / 100m,
        BackorderPolicy = product.Policy,
        BackorderCap = product.BackorderCap,
        LowStockThreshold = product.LowStockThreshold,
        HandlingDays = product.HandlingDays,
        LeadTimeDays = product.LeadTimeDays,
        PreorderReleaseDate = product.PreorderReleaseDate?.ToDateTime(TimeOnly.MinValue),
        Discontinued = product.Discontinued,
    };
}
