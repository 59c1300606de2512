namespace BackorderDashboard.Domain;

/// <summary>How the app counts things in its sentences: "1 unit", "12 units", "1 ship date", "3 ship dates".</summary>
public static class Words
{
    /// <summary>
    /// The count with the noun in the number it needs; <paramref name="plural"/> for nouns that do not just add an "s"
    /// ("1 delivery" / "2 deliveries"). The count is written in the reader's number format ("1,200 units").
    /// </summary>
    public static string Count(int count, string singular, string? plural = null) =>
        $"{count:N0} {Noun(count, singular, plural)}";

    /// <summary>The noun alone, for sentences that put the count elsewhere ("3 of 5 lines").</summary>
    public static string Noun(int count, string singular, string? plural = null) =>
        count is 1 or -1 ? singular : plural ?? singular + "s";
}
