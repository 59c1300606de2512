namespace BackorderDashboard.Data;

/// <summary>
/// The counts behind the order and line KPIs for the orders placed on one merchant day through one channel: for all
/// orders, and again per category, per supplier and per category × supplier (the page's filters; an order with lines
/// of two categories counts in both). Rebuilt
/// per day from the orders, their lines and shipments whenever one of them changes (see <c>KpiStaleDay</c>).
/// </summary>
public class KpiDay
{
    public DateOnly Day { get; set; }
    public OrderChannel Channel { get; set; }

    /// <summary>0: orders of every category; otherwise the orders with a line of this category.</summary>
    public int CategoryId { get; set; }

    /// <summary>0: orders of every supplier; otherwise the orders with a line of this supplier (of the category, when both are set).</summary>
    public int SupplierId { get; set; }

    public int Orders { get; set; }
    public int BackorderedOrders { get; set; }
    public int ShippedOrders { get; set; }
    public int FirstShipmentComplete { get; set; }
    public long FirstShipmentUnits { get; set; }
    public long ShippedOrderUnits { get; set; }
    public int ClosedOrders { get; set; }
    public int PerfectOrders { get; set; }
    public int ShippedLines { get; set; }
    public int FirstShipmentCompleteLines { get; set; }
    public int BackorderedClosed { get; set; }
    public int BackorderedCancelled { get; set; }
    public int BackorderedShipped { get; set; }
    public int BackorderedOnTime { get; set; }
}

/// <summary>Per product, channel and placement day: units backordered at placement, and the waits of its backordered lines shipped in full.</summary>
public class KpiProductDay
{
    public DateOnly Day { get; set; }
    public int ProductId { get; set; }
    public OrderChannel Channel { get; set; }

    public long BackorderedUnits { get; set; }
    public int WaitLines { get; set; }
    public double WaitDays { get; set; }
}

/// <summary>How many times a product's available stock fell to zero or below on one merchant day (from the stock ledger).</summary>
public class KpiStockoutDay
{
    public DateOnly Day { get; set; }
    public int ProductId { get; set; }
    public int Stockouts { get; set; }
}

/// <summary>What a stale mark covers: orders placed that day (and their lines and parcels), or the stock ledger of that day.</summary>
public enum KpiSource
{
    Orders = 0,
    Ledger = 1,
}

/// <summary>
/// A UTC calendar day whose rollup rows no longer match the data. The database marks it itself (triggers on orders,
/// lines, shipments, products and the ledger), so no writer can forget to; the rollup refresh rebuilds the merchant
/// days that overlap it and removes the mark.
/// </summary>
public class KpiStaleDay
{
    public required string UtcDay { get; set; }
    public KpiSource Source { get; set; }
}

/// <summary>The time zone the rollups were built in: a store that changes zone gets them rebuilt, since its days change.</summary>
public class KpiRollupState
{
    public int Id { get; set; }
    public required string TimeZoneId { get; set; }
    public DateTime BuiltAt { get; set; }
}
