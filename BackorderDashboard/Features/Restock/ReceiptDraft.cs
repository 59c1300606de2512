namespace BackorderDashboard.Features.Restock;

/// <summary>What a scan did: whether units were added (the scan field then clears), and what to tell the person scanning.</summary>
public sealed record ScanOutcome(bool Added, string? Message)
{
    public static readonly ScanOutcome Nothing = new(false, null);
}

/// <summary>
/// The receipt being counted on the receiving page: its purchase order's lines (or the products scanned for an ad-hoc
/// receipt), the units received now, and the idempotency key that makes committing it twice apply it once.
/// </summary>
public sealed class ReceiptDraft
{
    public sealed class Line
    {
        public required string Sku { get; init; }
        public required string Name { get; init; }
        public int? Ordered { get; init; }
        public int? ReceivedBefore { get; init; }
        public int? ToCome { get; init; }
        public int Qty { get; set; }

        /// <summary>More than the purchase order still brings: refused unless the over-receipt is accepted.</summary>
        public bool Over => Qty > (ToCome ?? int.MaxValue);
    }

    public string Key { get; private set; } = NewKey();

    public int? PurchaseOrderId { get; private set; }

    public List<Line> Lines { get; private set; } = [];

    public bool AllowOver { get; set; }

    public int Units => Lines.Sum(l => l.Qty);

    public bool AnythingToCome => Lines.Any(l => l.ToCome > 0);

    /// <summary>The over-receipt question only arises against a purchase order.</summary>
    public bool AsksAboutOver => PurchaseOrderId is not null && Lines.Any(l => l.Over);

    private static string NewKey() => Guid.NewGuid().ToString("N");

    /// <summary>Counts against a purchase order (its lines listed with what is still to come), or ad hoc with none.</summary>
    public void Start(int? purchaseOrderId, PurchaseOrderDetail? po)
    {
        PurchaseOrderId = purchaseOrderId;
        AllowOver = false;
        Lines = po?.Lines.Select(l => new Line { Sku = l.Sku, Name = l.Name, Ordered = l.Ordered, ReceivedBefore = l.Received, ToCome = Math.Max(0, l.Ordered - l.Received) })
            .ToList() ?? [];
    }

    /// <summary>A new receipt: a new key, so it is not taken for the one just committed.</summary>
    public void StartAnother()
    {
        Key = NewKey();
        Start(null, null);
    }

    /// <summary>A scanned SKU adds units to its line (or a new line); <paramref name="find"/> names the product a SKU not yet listed belongs to.</summary>
    public async Task<ScanOutcome> ScanAsync(string? scanned, int units, Func<string, Task<(string Sku, string Name)?>> find)
    {
        var sku = scanned?.Trim();
        if (string.IsNullOrEmpty(sku))
        {
            return ScanOutcome.Nothing;
        }
        if (units < 1)
        {
            return new(false, "Scan at least one unit.");
        }
        string? note = null;
        var line = Lines.FirstOrDefault(l => string.Equals(l.Sku, sku, StringComparison.OrdinalIgnoreCase));
        if (line is null)
        {
            if (await find(sku) is not { } product)
            {
                return new(false, $"There is no product with SKU “{sku}”.");
            }
            line = Lines.FirstOrDefault(l => l.Sku == product.Sku);
            if (line is null)
            {
                if (PurchaseOrderId is not null)
                {
                    note = $"{product.Sku} is not on this purchase order; it is listed, but the receipt will be refused unless you remove it.";
                }
                line = new Line { Sku = product.Sku, Name = product.Name };
                Lines.Add(line);
            }
        }
        line.Qty += units;
        return new(true, note);
    }

    /// <summary>"Everything still to come arrived": each purchase order line gets what it still brings.</summary>
    public void FillOutstanding()
    {
        foreach (var line in Lines)
        {
            line.Qty = line.ToCome ?? line.Qty;
        }
    }

    public ReceiptInput Input() => new()
    {
        IdempotencyKey = Key, PurchaseOrderId = PurchaseOrderId, AllowOverReceipt = AllowOver,
        Lines = Lines.Where(l => l.Qty > 0).Select(l => new ReceiptLineInput { Sku = l.Sku, Qty = l.Qty }).ToList(),
    };
}
