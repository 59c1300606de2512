using System.ComponentModel.DataAnnotations;

namespace BackorderDashboard.Data;

/// <summary>The kinds of spreadsheet the import page reads.</summary>
public enum ImportKind
{
    Products = 0,
    StockCounts = 1,
    PurchaseOrders = 2,
    Orders = 3,
}

/// <summary>One committed import: what came in, from which file, by whom, and what it changed.</summary>
public class ImportRun
{
    public int Id { get; set; }

    public ImportKind Kind { get; set; }

    [MaxLength(260)]
    public required string FileName { get; set; }

    /// <summary>SHA-256 of the file's bytes (hex), so the page can say a file was imported before.</summary>
    [MaxLength(64)]
    public required string FileSha256 { get; set; }

    public int Rows { get; set; }
    public int Created { get; set; }
    public int Updated { get; set; }
    public int Unchanged { get; set; }

    public DateTime At { get; set; }

    [MaxLength(256)]
    public string? UserName { get; set; }
}
