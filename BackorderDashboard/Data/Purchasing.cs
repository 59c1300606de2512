using System.ComponentModel.DataAnnotations;

namespace BackorderDashboard.Data;

public enum PurchaseOrderStatus
{
    Draft = 0,
    Ordered = 1,
    PartiallyReceived = 2,
    Received = 3,
    Cancelled = 4,
}

public class PurchaseOrder
{
    public int Id { get; set; }

    [MaxLength(32)]
    public required string Number { get; set; }

    public int SupplierId { get; set; }
    public Supplier Supplier { get; set; } = null!;

    public PurchaseOrderStatus Status { get; set; }

    public DateTime? OrderedAt { get; set; }

    /// <summary>The merchant's calendar day the supplier says the goods arrive; the ETA walk uses it for open orders.</summary>
    public DateOnly ExpectedDate { get; set; }

    /// <summary>The expected date first agreed, kept to measure slips and supplier reliability.</summary>
    public DateOnly? OriginalExpectedDate { get; set; }

    public DateTime? ReceivedAt { get; set; }

    public DateTime CreatedAt { get; set; }

    [MaxLength(1000)]
    public string? Notes { get; set; }

    public List<PurchaseOrderLine> Lines { get; set; } = [];

    [ConcurrencyCheck]
    public int Version { get; set; }
}

public class PurchaseOrderLine
{
    public int Id { get; set; }

    public int PurchaseOrderId { get; set; }
    public PurchaseOrder PurchaseOrder { get; set; } = null!;

    public int ProductId { get; set; }
    public Product Product { get; set; } = null!;

    public int QtyOrdered { get; set; }
    public int QtyReceived { get; set; }
    public long UnitCostCents { get; set; }
}

/// <summary>
/// Goods received, against a purchase order or ad hoc. The key comes from the receiving form, so the same receipt
/// posted twice (double click, retry, a second browser) finds this row and shows its result instead of adding stock again.
/// </summary>
public class Receipt
{
    public int Id { get; set; }

    [MaxLength(64)]
    public required string IdempotencyKey { get; set; }

    public int? PurchaseOrderId { get; set; }
    public PurchaseOrder? PurchaseOrder { get; set; }

    public DateTime ReceivedAt { get; set; }

    [MaxLength(256)]
    public string? ReceivedBy { get; set; }

    public int UnitsReceived { get; set; }

    /// <summary>What the receipt did (which orders it filled), as shown to whoever committed it.</summary>
    public required string ResultJson { get; set; }

    public List<ReceiptLine> Lines { get; set; } = [];
}

public class ReceiptLine
{
    public int Id { get; set; }

    public int ReceiptId { get; set; }
    public Receipt Receipt { get; set; } = null!;

    public int ProductId { get; set; }
    public Product Product { get; set; } = null!;

    public int? PurchaseOrderLineId { get; set; }
    public PurchaseOrderLine? PurchaseOrderLine { get; set; }

    public int Qty { get; set; }
}
