using System.Globalization;
using System.Text;

namespace BackorderDashboard.Domain;

/// <summary>One CSV cell: a number (written as it is) or text (neutralised when a spreadsheet would run it).</summary>
public readonly record struct CsvCell(string Value, bool IsNumber)
{
    public static CsvCell Text(string? value) => new(value ?? "", false);

    public static CsvCell Number(long value) => new(value.ToString(CultureInfo.InvariantCulture), true);

    public static CsvCell Number(decimal value, string format = "0.##") => new(value.ToString(format, CultureInfo.InvariantCulture), true);

    /// <summary>
    /// A value already written as an invariant number ("12.5", "-3") or left empty (no figure): a number cell. Anything
    /// else is not a number and is written as text, neutralised.
    /// </summary>
    public static CsvCell Numeric(string? value) =>
        string.IsNullOrEmpty(value) || decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _)
            ? new(value ?? "", true)
            : Text(value);
}

/// <summary>
/// The one CSV writer of every export: RFC 4180 (comma, CRLF, fields quoted when they hold a comma, quote or line
/// break), and text cells that a spreadsheet would read as a formula (starting with <c>=</c>, <c>+</c>, <c>-</c>,
/// <c>@</c>, tab or carriage return; OWASP's CSV injection) get a leading apostrophe, so a supplier called
/// <c>=HYPERLINK(…)</c> stays a name. Number cells are written as numbers, so a genuine -3 stays -3.
/// </summary>
public static class Csv
{
    public const string ContentType = "text/csv; charset=utf-8";

    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];
    private static readonly char[] NeedsQuotes = [',', '"', '\n', '\r'];

    public static string Write(IEnumerable<string> header, IEnumerable<IEnumerable<CsvCell>> rows)
    {
        var csv = new StringBuilder();
        AppendRow(csv, header.Select(CsvCell.Text));
        foreach (var row in rows)
        {
            AppendRow(csv, row);
        }
        return csv.ToString();
    }

    /// <summary>One cell as it goes into the file.</summary>
    public static string Field(CsvCell cell)
    {
        var value = !cell.IsNumber && cell.Value.Length > 0 && Array.IndexOf(FormulaStarts, cell.Value[0]) >= 0 ? "'" + cell.Value : cell.Value;
        return value.IndexOfAny(NeedsQuotes) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
    }

    /// <summary>One row as it goes into the file, line break included: for exports that write each row as they read it.</summary>
    public static string Row(IEnumerable<CsvCell> cells) => string.Join(',', cells.Select(Field)) + "\r\n";

    private static void AppendRow(StringBuilder csv, IEnumerable<CsvCell> cells) =>
        csv.AppendJoin(',', cells.Select(Field)).Append("\r\n");
}
