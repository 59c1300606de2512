using System.Globalization;
using System.Text.RegularExpressions;

namespace BackorderDashboard.Components.Shared;

/// <summary>
/// Reads a number typed into a form, in the reader's culture, strictly: no exponent ("1e20"), no group separator
/// outside groups of three ("12,5" where a comma groups thousands), no more decimals than the field has, nothing
/// outside the field's range. What cannot be read is a message for the field, never a 0 or an empty value.
/// </summary>
public static partial class NumberText
{
    /// <summary>The outcome of reading one field: its value when readable, otherwise why not.</summary>
    public readonly record struct Reading(bool Readable, decimal? Value, string? Problem);

    public static Reading Read(string? text, decimal min, decimal max, int decimals = 0, bool required = true, CultureInfo? culture = null)
    {
        var format = (culture ?? CultureInfo.CurrentCulture).NumberFormat;
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return required ? new(false, null, "Enter a number.") : new(true, null, null);
        }
        var plain = WithoutGroupSeparators(trimmed, format);
        var styles = NumberStyles.AllowLeadingSign | (decimals > 0 ? NumberStyles.AllowDecimalPoint : NumberStyles.None);
        if (plain is null || !decimal.TryParse(plain, styles, format, out var value))
        {
            return new(false, null, LooksLikeHugeNumber(trimmed, format)
                ? $"That number is too large: enter at most {max.ToString("N0", format)}."
                : decimals > 0
                    ? $"“{Shorten(trimmed)}” is not a number: enter digits, with “{format.NumberDecimalSeparator}” before the cents."
                    : $"“{Shorten(trimmed)}” is not a whole number: enter digits only.");
        }
        if (decimal.Round(value, decimals) != value)
        {
            return new(false, null, decimals == 0 ? "Enter a whole number." : $"Enter at most {decimals} decimals.");
        }
        if (value < min || value > max)
        {
            var shown = decimals == 0 ? "N0" : "N" + decimals;
            return new(false, null, $"Enter a number from {min.ToString(shown, format)} to {max.ToString(shown, format)}.");
        }
        return new(true, value, null);
    }

    /// <summary>The value as the field shows it in the reader's culture (no grouping, so it reads back unchanged).</summary>
    public static string Format(decimal? value, int decimals = 0, CultureInfo? culture = null) =>
        value is { } v ? v.ToString(decimals == 0 ? "0" : "0." + new string('0', decimals), culture ?? CultureInfo.CurrentCulture) : "";

    /// <summary>The text without group separators when they separate groups of three digits; null when one is misplaced.</summary>
    private static string? WithoutGroupSeparators(string text, NumberFormatInfo format)
    {
        var group = format.NumberGroupSeparator;
        if (string.IsNullOrEmpty(group) || !text.Contains(group, StringComparison.Ordinal))
        {
            return text;
        }
        var integerPart = text.Split(format.NumberDecimalSeparator)[0].TrimStart('-', '+');
        var groups = integerPart.Split(group);
        var wellGrouped = groups[0].Length is >= 1 and <= 3 && groups[0].All(char.IsAsciiDigit)
            && groups.Skip(1).All(g => g.Length == 3 && g.All(char.IsAsciiDigit));
        return wellGrouped ? text.Replace(group, "", StringComparison.Ordinal) : null;
    }

    private static bool LooksLikeHugeNumber(string text, NumberFormatInfo format) =>
        AllDigits().IsMatch(text.Replace(format.NumberGroupSeparator, "", StringComparison.Ordinal)) && text.Length > 20;

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "…";

    [GeneratedRegex(@"^[+-]?\d+$")]
    private static partial Regex AllDigits();
}
