using System.ComponentModel.DataAnnotations;

namespace BackorderDashboard.Data;

public enum BackorderPolicy
{
    NotAllowed = 0,
    Allowed = 1,
    AllowedAndNotify = 2,
}

public class Category
{
    public int Id { get; set; }

    [MaxLength(100)]
    public required string Name { get; set; }
}

public class Supplier
{
    public int Id { get; set; }

    [MaxLength(200)]
    public required string Name { get; set; }

    [MaxLength(200)]
    public string? ContactName { get; set; }

    [MaxLength(256)]
    public string? Email { get; set; }

    [MaxLength(50)]
    public string? Phone { get; set; }

    /// <summary>Quoted lead time; the supplier's receipt history refines it where there is one.</summary>
    public int DefaultLeadTimeDays { get; set; }
}

public class Product
{
    public int Id { get; set; }

    [MaxLength(64)]
    public required string Sku { get; set; }

    [MaxLength(300)]
    public required string Name { get; set; }

    public int CategoryId { get; set; }
    public Category Category { get; set; } = null!;

    public int SupplierId { get; set; }
    public Supplier Supplier { get; set; } = null!;

    public long PriceCents { get; set; }

    /// <summary>Units in the warehouse; always equal to the sum of the ledger's on-hand deltas.</summary>
    public int OnHand { get; set; }

    /// <summary>On-hand units promised to order lines and not yet shipped; equal to the ledger's allocated deltas.</summary>
    public int Allocated { get; set; }

    public BackorderPolicy BackorderPolicy { get; set; }

    /// <summary>At most this many units may wait on backorder; null means no cap.</summary>
    public int? BackorderCap { get; set; }

    /// <summary>Null means the merchant's default threshold applies.</summary>
    public int? LowStockThreshold { get; set; }

    /// <summary>Null means the merchant's default handling days apply.</summary>
    public int? HandlingDays { get; set; }

    /// <summary>Null means the supplier's lead time applies.</summary>
    public int? LeadTimeDays { get; set; }

    public DateOnly? PreorderReleaseDate { get; set; }

    public bool Discontinued { get; set; }

    /// <summary>
    /// When the merchant archived it: an archived product leaves the listings and takes no new orders, while its
    /// orders, ledger and history stay. Null while it is sold. Its SKU stays taken.
    /// </summary>
    public DateTime? ArchivedAt { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>The last time its details (not its stock) were changed.</summary>
    public DateTime? UpdatedAt { get; set; }

    /// <summary>Bumped by every write that reads then changes stock, so two writers cannot both win.</summary>
    [ConcurrencyCheck]
    public int Version { get; set; }

    /// <summary>
    /// The status and badge last announced to webhook subscribers ("in-stock|In stock"), so a write that changes the
    /// badge tells them in its own transaction; null until one was announced.
    /// </summary>
    [MaxLength(400)]
    public string? AnnouncedAvailability { get; set; }
}
