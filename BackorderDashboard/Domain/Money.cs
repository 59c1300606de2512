using System.Globalization;

namespace BackorderDashboard.Domain;

/// <summary>Money is stored as integer cents (exact sums in SQL); it is shown in the reader's number format.</summary>
public static class Money
{
    public const string CurrencySymbol = "$";

    public static string Format(long cents, CultureInfo? culture = null)
    {
        var format = (NumberFormatInfo)(culture ?? CultureInfo.CurrentCulture).NumberFormat.Clone();
        format.CurrencySymbol = CurrencySymbol;
        return (cents / 100m).ToString("C", format);
    }
}
