using System.Globalization;
using System.Text;
using BackorderDashboard.Data;
using CsvHelper;

namespace BackorderDashboard.Features.Import;

/// <summary>One column of a kind of file: its header name, whether a file of that kind must have it, and a value for the template.</summary>
public sealed record ImportColumn(string Name, bool Required, string Example);

/// <summary>The four kinds of spreadsheet and their columns, as the import page and its templates name them.</summary>
public static class ImportKinds
{
    public static readonly IReadOnlyDictionary<ImportKind, IReadOnlyList<ImportColumn>> Columns = new Dictionary<ImportKind, IReadOnlyList<ImportColumn>>
    {
        [ImportKind.Products] =
        [
            new("sku", true, "KET-100"), new("name", true, "Blue Kettle"), new("category", false, "Kitchen"), new("supplier", false, "Northwind"),
            new("price", false, "39.90"), new("on_hand", false, "12"), new("backorder_policy", false, "allow"), new("backorder_cap", false, ""),
            new("low_stock_threshold", false, "5"), new("lead_time_days", false, "14"),
        ],
        [ImportKind.StockCounts] = [new("sku", true, "KET-100"), new("on_hand", true, "12"), new("reason", false, "stocktake")],
        [ImportKind.PurchaseOrders] =
        [
            new("po_number", true, "PO-2041"), new("supplier", true, "Northwind"), new("expected_date", true, "2027-01-15"), new("sku", true, "KET-100"),
            new("quantity", true, "24"), new("unit_cost", false, "18.50"),
        ],
        [ImportKind.Orders] =
        [
            new("order_number", true, "1001"), new("placed_at", true, "2026-11-20 14:30"), new("customer_email", true, "ada@example.com"),
            new("customer_name", true, "Ada Lovelace"), new("sku", true, "KET-100"), new("quantity", true, "2"), new("unit_price", true, "39.90"),
            new("ship_policy", false, "ship_available"), new("customer_phone", false, "+1 555 0100"), new("shipped_at", false, ""),
        ],
    };

    /// <summary>The name of a kind in the address of its template (<c>/import/templates/stock-counts.csv</c>).</summary>
    public static string Slug(ImportKind kind) => kind switch
    {
        ImportKind.Products => "products",
        ImportKind.StockCounts => "stock-counts",
        ImportKind.PurchaseOrders => "purchase-orders",
        _ => "orders",
    };

    public static ImportKind? FromSlug(string? slug) =>
        Enum.GetValues<ImportKind>().Cast<ImportKind?>().FirstOrDefault(k => string.Equals(Slug(k!.Value), slug, StringComparison.OrdinalIgnoreCase));

    public static string Title(ImportKind kind) => kind switch
    {
        ImportKind.Products => "Products",
        ImportKind.StockCounts => "Stock counts",
        ImportKind.PurchaseOrders => "Purchase orders",
        _ => "Orders",
    };

    /// <summary>
    /// The kind whose required columns the header has; when several have them (a products file also has sku and
    /// on_hand), the one that recognises most of the header's columns. Null when none fits or two fit alike.
    /// </summary>
    public static ImportKind? Detect(IReadOnlyList<string> header)
    {
        var names = header.Select(h => h.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var fits = Columns
            .Where(k => k.Value.Where(c => c.Required).All(c => names.Contains(c.Name)))
            .Select(k => (Kind: k.Key, Known: k.Value.Count(c => names.Contains(c.Name))))
            .OrderByDescending(f => f.Known)
            .ToList();
        return fits.Count == 0 || (fits.Count > 1 && fits[0].Known == fits[1].Known) ? null : fits[0].Kind;
    }

    /// <summary>A template: the header row and one example row.</summary>
    public static string Template(ImportKind kind) =>
        string.Join(",", Columns[kind].Select(c => c.Name)) + "\r\n" + string.Join(",", Columns[kind].Select(c => c.Example.Contains(',') ? $"\"{c.Example}\"" : c.Example)) + "\r\n";
}

/// <summary>One record of the file, numbered as a spreadsheet shows it (the header is row 1).</summary>
public sealed record ImportRecord(int Row, string[] Cells);

/// <summary>
/// A CSV file read into rows of text: UTF-8 with or without a byte-order mark, comma or semicolon (whichever the
/// header row uses), quoted fields with commas, quotes and line breaks inside. Cells are trimmed; blank records are
/// skipped (they still count as spreadsheet rows).
/// </summary>
public sealed class ImportFile
{
    private readonly Dictionary<string, int> _index;

    private ImportFile(string[] header, char delimiter, List<ImportRecord> records)
    {
        Header = header;
        Delimiter = delimiter;
        Records = records;
        _index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Length; i++)
        {
            _index.TryAdd(header[i], i);
        }
    }

    public string[] Header { get; }
    public char Delimiter { get; }
    public IReadOnlyList<ImportRecord> Records { get; }

    public bool Has(string column) => _index.ContainsKey(column);

    /// <summary>The cell of the named column; empty when the file has no such column or the record is short.</summary>
    public string Cell(ImportRecord record, string column) =>
        _index.TryGetValue(column, out var i) && i < record.Cells.Length ? record.Cells[i] : "";

    /// <summary>Reads the file, or says why it can't be read.</summary>
    public static (ImportFile? File, string? Problem) Read(byte[] bytes, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        string text;
        try
        {
            var bom = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, bom, bytes.Length - bom);
        }
        catch (DecoderFallbackException)
        {
            return (null, "The file is not UTF-8 text. Save it from the spreadsheet as “CSV UTF-8” and upload it again.");
        }
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, "The file is empty.");
        }
        var delimiter = DelimiterOf(text);
        var options = CsvReaderOptions.Default with
        {
            Separator = delimiter,
            HasHeader = true,
            TrimWhitespace = true,
            TrimInsideQuotes = true,
            SkipEmptyLines = false,
            DetectSeparatorHint = false,
            MalformedData = CsvMalformedDataHandling.Recover,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MissingField = CsvMissingFieldHandling.ReturnEmpty,
        };
        var start = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        using var csv = CsvReader.Create(new ReadOnlyMemory<byte>(bytes, start, bytes.Length - start), options);
        var header = csv.Headers.Select(h => h.Trim()).ToArray();
        var records = new List<ImportRecord>();
        while (csv.Read())
        {
            // A spreadsheet shows the header as row 1 and a cell with line breaks in one row.
            var row = (int)csv.RowNumber + 1;
            var cells = new string[csv.FieldCount];
            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] = csv.GetString(i);
            }
            if (row % 5000 == 0)
            {
                ct.ThrowIfCancellationRequested();
                progress?.Report(new ImportProgress("Reading the file", row, 0));
            }
            if (cells.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }
            records.Add(new ImportRecord(row, cells));
        }
        return header.All(string.IsNullOrWhiteSpace) ? (null, "The file has no header row.") : (new ImportFile(header, delimiter, records), null);
    }

    /// <summary>Semicolon when the header row has more semicolons than commas (spreadsheets in comma-decimal countries), else comma.</summary>
    private static char DelimiterOf(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        var first = end < 0 ? text : text[..end];
        return first.Count(c => c == ';') > first.Count(c => c == ',') ? ';' : ',';
    }
}

/// <summary>How far a preview or an import has come; <see cref="Total"/> is 0 while the total is not known.</summary>
public sealed record ImportProgress(string Stage, int Done, int Total)
{
    public double Percent => Total <= 0 ? 0 : Math.Min(100, 100.0 * Done / Total);
}
