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

        /// <summary>What is wrong with the units typed for this line, shown at its field; 0 means none of it came.</summary>
        public string? Problem => Qty < 0 ? "Can't be negative: enter 0 if none came." : null;
    }

    /// <summary>What is wrong with the units typed for a scan, shown at the field: a scan adds at least one unit.</summary>
    public static string? ScanUnitsProblem(int units) => units < 1 ? "Enter at least 1 unit." : null;

    public string Key { get; private set; } = NewKey();

    public int? PurchaseOrderId { get; private set; }

    public List<Line> Lines { get; private set; } = [];

    public bool AllowOver { get; set; }

    /// <summary>The units received now, over the lines with a valid count.</summary>
    public int Units => Lines.Where(l => l.Qty > 0).Sum(l => l.Qty);

    /// <summary>Some line's count is refused: the receipt can't be previewed or committed until it is corrected.</summary>
    public bool HasProblems => Lines.Any(l => l.Problem is not null);

    /// <summary>Why the receipt can't be previewed or committed yet, as the page says next to its buttons; null when it can.</summary>
    public string? NotReadyBecause =>
        HasProblems ? "Correct the quantities marked in red to preview."
        : Units == 0 ? "Enter a quantity to preview."
        : null;

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
        if (ScanUnitsProblem(units) is { } problem)
        {
            return new(false, problem);
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

    /// <summary>
    /// The receipt as the service takes it: lines with nothing received now are left out; a refused count is sent as
    /// typed, so the service refuses it too rather than the page quietly dropping it.
    /// </summary>
    public ReceiptInput Input() => new()
    {
        IdempotencyKey = Key, PurchaseOrderId = PurchaseOrderId, AllowOverReceipt = AllowOver,
        Lines = Lines.Where(l => l.Qty != 0).Select(l => new ReceiptLineInput { Sku = l.Sku, Qty = l.Qty }).ToList(),
    };
}
