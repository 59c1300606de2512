using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net.Mail;

namespace BackorderDashboard.Domain;

/// <summary>
/// The business limits of every input, in one place: what a store of this kind can mean (no order line of two billion
/// units, no purchase order dated 9999), so a careless or hostile value is refused at the field instead of reaching
/// the sums, the ETA walk or the database. Services check them; forms use the same numbers for their fields.
/// </summary>
public static class Limits
{
    /// <summary>Units on one order line: far above any real order, far below what 64-bit sums of many lines could not hold.</summary>
    public const int MaxUnitsPerOrderLine = 100_000;

    /// <summary>Units on one purchase-order line, received at once, or shipped in one parcel line.</summary>
    public const int MaxUnitsPerPoLine = 1_000_000;

    /// <summary>Units of one product in the warehouse, as a stock count or correction may set them.</summary>
    public const int MaxOnHand = 10_000_000;

    /// <summary>The merchant's note on a stock correction (the ledger's column).</summary>
    public const int MaxCorrectionNoteLength = 200;

    /// <summary>A price, cost, discount or consolation: at most $10,000,000.00, in cents.</summary>
    public const long MaxMoneyCents = 1_000_000_000;

    public const int MaxPercent = 100;

    public const int MaxHandlingDays = 60;
    public const int MaxLeadTimeDays = 730;
    public const int MaxDailyCapacity = 1_000_000;
    public const int MaxBackorderCap = 1_000_000;
    public const int MaxThreshold = 100_000;

    /// <summary>Names of people, customers, suppliers, products.</summary>
    public const int MaxNameLength = 200;

    /// <summary>RFC 5321's longest forward path.</summary>
    public const int MaxEmailLength = 254;

    public const int MaxPhoneLength = 50;
    public const int MaxNoteLength = 2_000;
    public const int MaxSubjectLength = 200;
    public const int MaxBodyLength = 10_000;
    public const int MaxTrackingNumberLength = 100;
    public const int MaxSkuLength = 64;

    /// <summary>The earliest date a user may enter (a release, an expected delivery): nothing in this store is older.</summary>
    public static readonly DateOnly EarliestDate = new(2000, 1, 1);

    /// <summary>How far ahead a date may be: a purchase order or release five years out is already a guess.</summary>
    public const int YearsAhead = 5;

    /// <summary>The latest date a user may enter, counted from the store's today.</summary>
    public static DateOnly LatestDate(DateOnly today) => today.AddYears(YearsAhead);

    /// <summary>Why the date is outside the sane range; null when it is inside.</summary>
    public static string? DateProblem(DateOnly date, DateOnly today) =>
        date < EarliestDate ? $"Enter a date from {EarliestDate.ToString("MMM d, yyyy", CultureInfo.InvariantCulture)} on."
        : date > LatestDate(today) ? $"Enter a date at most {YearsAhead} years ahead (until {LatestDate(today).ToString("MMM d, yyyy", CultureInfo.InvariantCulture)})."
        : null;

    /// <summary>Why the count is outside [min, max]; null when it is inside.</summary>
    public static string? RangeProblem(long value, long min, long max, string what) =>
        value < min || value > max ? $"{what} must be between {min:N0} and {max:N0}." : null;

    /// <summary>Why the text is longer than allowed; null when it is not (spaces around it do not count: they are trimmed).</summary>
    public static string? LengthProblem(string? text, int max, string what) =>
        (text?.Trim().Length ?? 0) > max ? $"{what} can be at most {max:N0} characters long." : null;

    /// <summary>
    /// The one e-mail rule (customers, users, suppliers, the sender address): at most 254 characters, one address with
    /// a local part and a dotted domain, nothing around it. Null when the address is valid.
    /// </summary>
    public static string? EmailProblem(string? email)
    {
        var text = email?.Trim() ?? "";
        if (text.Length == 0)
        {
            return "Enter an e-mail address.";
        }
        if (text.Length > MaxEmailLength)
        {
            return $"An e-mail address can be at most {MaxEmailLength} characters long.";
        }
        var at = text.LastIndexOf('@');
        var valid = at is > 0 and <= 64 && at < text.Length - 1
            && text.IndexOf('@') == at
            && !text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '(' or ')' or ',' or ';' or ':' or '"' or '[' or ']' or '\\')
            && text[(at + 1)..] is var domain && domain.Contains('.') && !domain.StartsWith('.') && !domain.EndsWith('.') && !domain.Contains("..")
            && MailAddress.TryCreate(text, out var parsed) && parsed.Address == text && string.IsNullOrEmpty(parsed.DisplayName);
        return valid ? null : "That is not a valid e-mail address (like name@example.com).";
    }

    /// <summary>Whether <paramref name="email"/> passes <see cref="EmailProblem"/>.</summary>
    public static bool IsEmail(string? email) => EmailProblem(email) is null;
}

/// <summary>Data-annotation form of <see cref="Limits.EmailProblem"/> for input classes; an empty value is left to [Required].</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class EmailRuleAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is not string text || string.IsNullOrWhiteSpace(text))
        {
            return ValidationResult.Success;
        }
        return Limits.EmailProblem(text) is { } problem
            ? new ValidationResult(problem, validationContext.MemberName is { } member ? [member] : null)
            : ValidationResult.Success;
    }
}
