using System.ComponentModel.DataAnnotations;

namespace BackorderDashboard.Data;

/// <summary>The merchant's settings: one row, edited by an admin.</summary>
public class MerchantSettings
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    /// <summary>IANA time zone in which dates are shown and days are counted.</summary>
    [MaxLength(100)]
    public string TimeZoneId { get; set; } = "America/New_York";

    public int DefaultHandlingDays { get; set; } = 1;

    /// <summary>Units the warehouse can ship per day; null means no limit.</summary>
    public int? DailyFulfilmentCapacity { get; set; }

    public int DefaultLowStockThreshold { get; set; } = 5;

    public bool VipFirstInQueue { get; set; }

    public DateTime UpdatedAt { get; set; }

    [MaxLength(256)]
    public string? UpdatedBy { get; set; }
}
