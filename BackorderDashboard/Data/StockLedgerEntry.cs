using System.ComponentModel.DataAnnotations;
using BackorderDashboard.Domain;

namespace BackorderDashboard.Data;

public enum StockReason
{
    Receipt = 0,
    Allocation = 1,
    Shipment = 2,
    Cancellation = 3,
    Adjustment = 4,
    Import = 5,
}

/// <summary>
/// One change of a product's on-hand or allocated units. The product's totals always equal the sums of these rows,
/// which is how a merchant can trust (and audit) every stock figure on screen.
/// </summary>
public class StockLedgerEntry
{
    public long Id { get; set; }

    public int ProductId { get; set; }
    public Product Product { get; set; } = null!;

    public int OnHandDelta { get; set; }
    public int AllocatedDelta { get; set; }

    public StockReason Reason { get; set; }

    /// <summary>What caused it: an order number, a PO number, a receipt key.</summary>
    [MaxLength(100)]
    public string? Reference { get; set; }

    public int? OrderLineId { get; set; }
    public int? PurchaseOrderLineId { get; set; }

    /// <summary>Who did it (<see cref="Domain.Actor.DisplayName"/>).</summary>
    [MaxLength(256)]
    public string? UserName { get; set; }

    /// <summary>The way it came in; null on rows older than the column.</summary>
    public ActorChannel? Channel { get; set; }

    public DateTime At { get; set; }
}
