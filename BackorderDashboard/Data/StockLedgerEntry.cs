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

/// <summary>Why a merchant corrected a stock figure by hand (a <see cref="StockReason.Adjustment"/> row).</summary>
public enum StockCorrectionReason
{
    /// <summary>A count replaced the figure (stocktake, or a stock-count import).</summary>
    Stocktake = 0,
    Damaged = 1,
    Lost = 2,
    Found = 3,
    Returned = 4,
    Correction = 5,
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

    /// <summary>The kind of hand correction, on adjustment and import rows that changed on hand.</summary>
    public StockCorrectionReason? Correction { get; set; }

    /// <summary>The merchant's own words on a correction ("water damage in aisle 4").</summary>
    [MaxLength(200)]
    public string? Note { get; set; }

    public int? OrderLineId { get; set; }
    public int? PurchaseOrderLineId { get; set; }

    /// <summary>Who did it (<see cref="Domain.Actor.DisplayName"/>).</summary>
    [MaxLength(256)]
    public string? UserName { get; set; }

    /// <summary>The way it came in; null on rows older than the column.</summary>
    public ActorChannel? Channel { get; set; }

    public DateTime At { get; set; }
}
