using System.Globalization;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;

namespace BackorderDashboard.Features.Import;

/// <summary>One problem of a file: the spreadsheet row (header = 1), the column, and what is wrong.</summary>
public sealed record ImportProblem(int Row, string Column, string Message);

/// <summary>
/// Reads the cells of one record into values, adding a problem (row and column) for each cell that is missing,
/// not a number, not a date, unknown or past the store's <see cref="Limits"/>. A bad cell reads as null.
/// </summary>
internal sealed class CellReader(ImportFile file, List<ImportProblem> problems, MerchantClock clock)
{
    private static readonly string[] LocalFormats =
        ["yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"];

    private static readonly string[] ZonedFormats =
        ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-dd HH:mmK"];

    public ImportRecord Record { get; set; } = null!;

    public void Problem(string column, string message) => problems.Add(new ImportProblem(Record.Row, column, message));

    public string Raw(string column) => file.Cell(Record, column);

    /// <summary>The text of the cell, trimmed; null when empty (a problem when required) or longer than <paramref name="max"/>.</summary>
    public string? Text(string column, int max, bool required)
    {
        var text = Raw(column).Trim();
        if (text.Length == 0)
        {
            if (required)
            {
                Problem(column, "This cell is empty; it needs a value.");
            }
            return null;
        }
        if (text.Length > max)
        {
            Problem(column, $"At most {max:N0} characters (this one has {text.Length:N0}).");
            return null;
        }
        return text;
    }

    /// <summary>A whole number within [min, max]; null when empty or bad.</summary>
    public int? Int(string column, int min, int max, bool required)
    {
        var text = Text(column, 32, required);
        if (text is null)
        {
            return null;
        }
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value))
        {
            Problem(column, $"“{text}” is not a whole number.");
            return null;
        }
        if (Limits.RangeProblem(value, min, max, "The number") is { } range)
        {
            Problem(column, range);
            return null;
        }
        return (int)value;
    }

    /// <summary>An amount of money in cents ("39.90", "39,90", "$1,234.50"), from 0 to <see cref="Limits.MaxMoneyCents"/>.</summary>
    public long? Money(string column, bool required)
    {
        var text = Text(column, 32, required);
        if (text is null)
        {
            return null;
        }
        var number = text.TrimStart('$').Replace(" ", "", StringComparison.Ordinal);
        number = number.Contains(',') && number.Contains('.') ? number.Replace(",", "", StringComparison.Ordinal) : number.Replace(',', '.');
        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount))
        {
            Problem(column, $"“{text}” is not an amount (like 39.90).");
            return null;
        }
        var cents = amount * 100;
        if (cents != decimal.Truncate(cents))
        {
            Problem(column, $"“{text}” has more than two decimals.");
            return null;
        }
        if (cents < 0 || cents > Limits.MaxMoneyCents)
        {
            Problem(column, $"The amount must be between {BackorderDashboard.Domain.Money.Format(0, CultureInfo.InvariantCulture)} and {BackorderDashboard.Domain.Money.Format(Limits.MaxMoneyCents, CultureInfo.InvariantCulture)}.");
            return null;
        }
        return (long)cents;
    }

    /// <summary>A calendar day written YYYY-MM-DD, within the store's date limits.</summary>
    public DateOnly? Date(string column, bool required)
    {
        var text = Text(column, 32, required);
        if (text is null)
        {
            return null;
        }
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            Problem(column, $"“{text}” is not a date: write it as YYYY-MM-DD (like 2027-01-15).");
            return null;
        }
        if (Limits.DateProblem(date, clock.Today) is { } range)
        {
            Problem(column, range);
            return null;
        }
        return date;
    }

    /// <summary>
    /// A moment, as UTC: YYYY-MM-DD with an optional time, in the store's time zone unless it carries its own
    /// offset (2026-11-20T14:30:00Z). Never in the future.
    /// </summary>
    public DateTime? Moment(string column, bool required)
    {
        var text = Text(column, 40, required);
        if (text is null)
        {
            return null;
        }
        DateTime utc;
        // "K" also matches no offset at all (then the machine's zone): only a text that carries one is read with it.
        var hasOffset = text.EndsWith('Z') || text.EndsWith('z') || text.LastIndexOfAny(['+', '-']) > 10;
        if (hasOffset && DateTimeOffset.TryParseExact(text, ZonedFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var zoned))
        {
            utc = zoned.UtcDateTime;
        }
        else if (DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            && !clock.Zone.IsInvalidTime(local))
        {
            utc = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), clock.Zone);
        }
        else
        {
            Problem(column, $"“{text}” is not a date and time: write it as YYYY-MM-DD or YYYY-MM-DD HH:MM (like 2026-11-20 14:30).");
            return null;
        }
        var day = clock.DayOf(utc);
        if (day < Limits.EarliestDate)
        {
            Problem(column, $"Enter a date from {Limits.EarliestDate.ToString("MMM d, yyyy", CultureInfo.InvariantCulture)} on.");
            return null;
        }
        if (utc > clock.UtcNow)
        {
            Problem(column, $"“{text}” is in the future.");
            return null;
        }
        return utc;
    }

    /// <summary>One of the named values (any case); null when empty or unknown.</summary>
    public T? Choice<T>(string column, IReadOnlyDictionary<string, T> values, bool required) where T : struct
    {
        var text = Text(column, 64, required);
        if (text is null)
        {
            return null;
        }
        if (values.TryGetValue(text.ToLowerInvariant(), out var value))
        {
            return value;
        }
        Problem(column, $"“{text}” is not one of: {string.Join(", ", values.Keys)}.");
        return null;
    }

    public string? Email(string column)
    {
        var text = Text(column, Limits.MaxEmailLength, required: true);
        if (text is not null && Limits.EmailProblem(text) is { } problem)
        {
            Problem(column, problem);
            return null;
        }
        return text;
    }
}

/// <summary>The words of the files for the store's choices.</summary>
public static class ImportWords
{
    public static readonly IReadOnlyDictionary<string, BackorderPolicy> Policies = new Dictionary<string, BackorderPolicy>
    {
        ["deny"] = BackorderPolicy.NotAllowed, ["allow"] = BackorderPolicy.Allowed, ["allow_notify"] = BackorderPolicy.AllowedAndNotify,
    };

    public static readonly IReadOnlyDictionary<string, StockCorrectionReason> Reasons = new Dictionary<string, StockCorrectionReason>
    {
        ["stocktake"] = StockCorrectionReason.Stocktake, ["damaged"] = StockCorrectionReason.Damaged, ["lost"] = StockCorrectionReason.Lost,
        ["found"] = StockCorrectionReason.Found, ["returned"] = StockCorrectionReason.Returned, ["correction"] = StockCorrectionReason.Correction,
    };

    public static readonly IReadOnlyDictionary<string, ShipPolicy> ShipPolicies = new Dictionary<string, ShipPolicy>
    {
        ["ship_available"] = ShipPolicy.ShipAvailable, ["ship_complete"] = ShipPolicy.ShipComplete,
    };
}
