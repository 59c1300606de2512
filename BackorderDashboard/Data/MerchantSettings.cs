using System.ComponentModel.DataAnnotations;

namespace BackorderDashboard.Data;

/// <summary>The merchant's settings: one row, edited by an admin.</summary>
public class MerchantSettings
{
    public const int SingletonId = 1;

    /// <summary>The demo store's name, and the name a new store starts with until an admin sets its own.</summary>
    public const string DefaultStoreName = "Northwind Outfitters";

    public const int StoreNameMaxLength = 80;

    public int Id { get; set; } = SingletonId;

    /// <summary>The name customers know the store by: the tracking page and every e-mail carry it.</summary>
    [MaxLength(StoreNameMaxLength)]
    public string StoreName { get; set; } = DefaultStoreName;

    /// <summary>IANA time zone in which dates are shown and days are counted.</summary>
    [MaxLength(100)]
    public string TimeZoneId { get; set; } = "America/New_York";

    public int DefaultHandlingDays { get; set; } = 1;

    /// <summary>Units the warehouse can ship per day; null means no limit.</summary>
    public int? DailyFulfilmentCapacity { get; set; }

    public int DefaultLowStockThreshold { get; set; } = 5;

    public bool VipFirstInQueue { get; set; }

    public const int HolidayCutoffLabelMaxLength = 40;

    /// <summary>
    /// A day backordered units must ship by to arrive in time for an occasion (Dec 24, "Christmas"); the badge, the
    /// new-order page and the confirmation say when a unit will not ship before it. Null: no cutoff.
    /// </summary>
    public DateOnly? HolidayCutoffDate { get; set; }

    [MaxLength(HolidayCutoffLabelMaxLength)]
    public string? HolidayCutoffLabel { get; set; }

    public const int StorefrontOriginsMaxLength = 2000;

    /// <summary>
    /// The shop sites allowed to show the live badge (<c>/embed/badge.js</c>), one origin a line
    /// (<c>https://shop.example.com</c>); together with the configured <c>Storefront:AllowedOrigins</c>.
    /// </summary>
    [MaxLength(StorefrontOriginsMaxLength)]
    public string? StorefrontOrigins { get; set; }

    public DateTime UpdatedAt { get; set; }

    [MaxLength(256)]
    public string? UpdatedBy { get; set; }
}
