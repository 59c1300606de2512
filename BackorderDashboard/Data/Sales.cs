using System.ComponentModel.DataAnnotations;
using BackorderDashboard.Domain;

namespace BackorderDashboard.Data;

public enum CustomerTier
{
    Standard = 0,
    Vip = 1,
}

public enum OrderChannel
{
    Web = 0,
    Phone = 1,
    Email = 2,
    Api = 3,
    Import = 4,
    Shopify = 5,
    WooCommerce = 6,
}

public enum ShipPolicy
{
    /// <summary>Ship what is available now; later items ship as they arrive.</summary>
    ShipAvailable = 0,

    /// <summary>Hold the order until every line is allocated.</summary>
    ShipComplete = 1,
}

public class Customer
{
    public int Id { get; set; }

    [MaxLength(200)]
    public required string Name { get; set; }

    [MaxLength(256)]
    public required string Email { get; set; }

    [MaxLength(50)]
    public string? Phone { get; set; }

    public CustomerTier Tier { get; set; }

    public DateTime CreatedAt { get; set; }
}

public class Order
{
    public int Id { get; set; }

    [MaxLength(32)]
    public required string Number { get; set; }

    public int CustomerId { get; set; }
    public Customer Customer { get; set; } = null!;

    /// <summary>
    /// The order's number in the system it came from (a spreadsheet's order_number, a shop's order name); it is
    /// searchable and makes a second delivery of the same order a no-op. Null for orders taken here.
    /// </summary>
    [MaxLength(64)]
    public string? ExternalNumber { get; set; }

    public DateTime PlacedAt { get; set; }

    public OrderChannel Channel { get; set; }

    public ShipPolicy ShipPolicy { get; set; }

    public DateTime PaymentAuthorizedAt { get; set; }

    /// <summary>Card authorizations lapse; a line whose ETA is later must be re-authorized before it ships.</summary>
    public DateTime PaymentAuthorizationExpiresAt { get; set; }

    public DateTime? PaymentCapturedAt { get; set; }

    public long ShippingCents { get; set; }

    /// <summary>Private token of the customer's tracking link (128+ random bits, URL-safe).</summary>
    [MaxLength(64)]
    public required string TrackingToken { get; set; }

    public List<OrderLine> Lines { get; set; } = [];

    [ConcurrencyCheck]
    public int Version { get; set; }
}

public class OrderLine
{
    public int Id { get; set; }

    public int OrderId { get; set; }
    public Order Order { get; set; } = null!;

    public int ProductId { get; set; }
    public Product Product { get; set; } = null!;

    public int Qty { get; set; }
    public long UnitPriceCents { get; set; }

    public int QtyAllocated { get; set; }
    public int QtyShipped { get; set; }
    public int QtyCancelled { get; set; }

    /// <summary>Qty − allocated − shipped − cancelled, kept by the database so the queue can be indexed on it.</summary>
    public int QtyUnfilled { get; private set; }

    /// <summary>Units that stock could not fill when the order was placed (drives the backorder rate).</summary>
    public int QtyBackorderedAtPlacement { get; set; }

    /// <summary>When the line joined its product's backorder queue; null if it never waited.</summary>
    public DateTime? QueuedAt { get; set; }

    /// <summary>Higher goes first in the queue (expedite, VIP by setting).</summary>
    public QueuePriority Priority { get; set; }

    /// <summary>The ship date first promised to the customer (the merchant's calendar day).</summary>
    public DateOnly? PromisedShipDate { get; set; }

    /// <summary>The ship date the queue walk gives today; later than the promise means late.</summary>
    public DateOnly? CurrentEta { get; set; }

    [ConcurrencyCheck]
    public int Version { get; set; }
}

public class Shipment
{
    public int Id { get; set; }

    public int OrderId { get; set; }
    public Order Order { get; set; } = null!;

    public DateTime ShippedAt { get; set; }

    [MaxLength(100)]
    public string? Carrier { get; set; }

    [MaxLength(100)]
    public string? TrackingNumber { get; set; }

    [MaxLength(256)]
    public string? ShippedBy { get; set; }

    public List<ShipmentLine> Lines { get; set; } = [];
}

public class ShipmentLine
{
    public int Id { get; set; }

    public int ShipmentId { get; set; }
    public Shipment Shipment { get; set; } = null!;

    public int OrderLineId { get; set; }
    public OrderLine OrderLine { get; set; } = null!;

    public int Qty { get; set; }
}

/// <summary>A customer waiting to hear when a product is back, with no order held.</summary>
public class WaitlistEntry
{
    public int Id { get; set; }

    public int ProductId { get; set; }
    public Product Product { get; set; } = null!;

    public int CustomerId { get; set; }
    public Customer Customer { get; set; } = null!;

    public DateTime CreatedAt { get; set; }

    public DateTime? NotifiedAt { get; set; }
}

public enum ConsolationKind
{
    PercentDiscount = 0,
    AmountDiscount = 1,
    FreeShipping = 2,
}

/// <summary>Something given to a customer for the wait: recorded on the order and told to the customer.</summary>
public class OrderConsolation
{
    public int Id { get; set; }

    public int OrderId { get; set; }
    public Order Order { get; set; } = null!;

    public ConsolationKind Kind { get; set; }

    public int? Percent { get; set; }

    public long? AmountCents { get; set; }

    [MaxLength(500)]
    public required string Reason { get; set; }

    [MaxLength(256)]
    public string? CreatedBy { get; set; }

    public DateTime CreatedAt { get; set; }
}
