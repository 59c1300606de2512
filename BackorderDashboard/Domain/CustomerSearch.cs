using BackorderDashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Domain;

/// <summary>
/// How a typed text finds customers, the same in the support search and the customers list: part of the name, the
/// e-mail or the phone, in any case; a text that looks like a phone number also matches however the number was
/// written ("555 0199" finds "+1 555-0199").
/// </summary>
public static class CustomerSearch
{
    /// <summary>
    /// The trigram index over the customers' e-mail, name, phone and phone digits (an FTS5 table kept by triggers on
    /// Customers), which finds the customers holding a text of three characters or more without reading them all.
    /// </summary>
    public const string IndexTable = "CustomerSearch";

    /// <summary>Fills the index again from the customers (after a bulk fill that ran without the triggers).</summary>
    public const string RebuildSql = $"INSERT INTO {IndexTable}({IndexTable}) VALUES('rebuild')";

    /// <summary>The shortest text the index can look up: a trigram.</summary>
    public const int MinIndexedLength = 3;

    /// <summary>The LIKE pattern of a text, its wildcards escaped with a backslash.</summary>
    public static string Pattern(string text) => $"%{text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_")}%";

    /// <summary>The customers the text matches (the rule itself, read by scanning every customer).</summary>
    public static IQueryable<Customer> Matching(this IQueryable<Customer> customers, string text)
    {
        var q = text.Trim();
        var pattern = Pattern(q);
        var digits = Digits(q);
        var phoneLike = digits is not null;
        var digitsPattern = $"%{digits}%";
        return customers.Where(c => EF.Functions.Like(c.Email, pattern, "\\")
            || EF.Functions.Like(c.Name, pattern, "\\")
            || (c.Phone != null && EF.Functions.Like(c.Phone, pattern, "\\"))
            || (phoneLike && c.Phone != null && EF.Functions.Like(
                c.Phone.Replace(" ", "").Replace("-", "").Replace("(", "").Replace(")", "").Replace("+", "").Replace(".", "").Replace("/", ""),
                digitsPattern)));
    }

    /// <summary>
    /// The same customers as <see cref="Matching"/>, found through the trigram index when the text is long enough:
    /// the index names the candidates (it folds case more widely than LIKE does), and the rule keeps those it matches,
    /// so the answer is the rule's to the row.
    /// </summary>
    public static IQueryable<Customer> Matching(this IQueryable<Customer> customers, AppDbContext db, string text)
    {
        var q = text.Trim();
        if (IndexQuery(q) is not { } match)
        {
            return customers.Matching(q);
        }
        var candidates = db.Database.SqlQuery<int>($"SELECT rowid AS \"Value\" FROM CustomerSearch WHERE CustomerSearch MATCH {match}");
        return customers.Where(c => candidates.Contains(c.Id)).Matching(q);
    }

    /// <summary>
    /// The FTS5 query that finds every customer the text can match (the text as one phrase in the e-mail, name or
    /// phone; its digits in the phone's digits), or null when the text is too short for trigrams.
    /// </summary>
    public static string? IndexQuery(string text)
    {
        var q = text.Trim();
        if (q.EnumerateRunes().Count() < MinIndexedLength)
        {
            return null;
        }
        var query = $"{{Email Name Phone}} : {Phrase(q)}";
        return Digits(q) is { } digits ? $"{query} OR PhoneDigits : {Phrase(digits)}" : query;
    }

    /// <summary>The digits of a text that looks like a phone number (three digits or more, only phone punctuation besides), else null.</summary>
    private static string? Digits(string q)
    {
        var digits = new string(q.Where(char.IsAsciiDigit).ToArray());
        return digits.Length >= 3 && q.All(c => char.IsAsciiDigit(c) || c is ' ' or '-' or '(' or ')' or '+' or '.' or '/') ? digits : null;
    }

    private static string Phrase(string text) => $"\"{text.Replace("\"", "\"\"")}\"";
}

/// <summary>The orders the support search finds for a text: those of the customers it matches, and those whose number (ours or the shop's) holds it.</summary>
public static class OrderSearchRule
{
    /// <summary>Order numbers have digits and never an @ or a space: other texts are only looked for in customers.</summary>
    public static bool CouldBeOrderNumber(string text) => text.Any(char.IsAsciiDigit) && !text.Any(c => c == '@' || char.IsWhiteSpace(c));

    /// <summary>
    /// Every matching order, as one query: the customers' orders and the number matches as a union of ids (one OR
    /// across both would make SQLite read every order).
    /// </summary>
    public static IQueryable<Order> Matching(AppDbContext db, string text)
    {
        var q = text.Trim();
        var customers = db.Customers.Matching(db, q).Select(c => c.Id);
        var ids = db.Orders.Where(o => customers.Contains(o.CustomerId)).Select(o => o.Id);
        if (CouldBeOrderNumber(q))
        {
            var pattern = CustomerSearch.Pattern(q);
            ids = ids.Union(db.Orders.Where(o => EF.Functions.Like(o.Number, pattern, "\\")).Select(o => o.Id))
                // The shop's own order name ("#1001"), for orders that came from Shopify, WooCommerce or a spreadsheet.
                .Union(db.Orders.Where(o => o.ExternalNumber != null && EF.Functions.Like(o.ExternalNumber, pattern, "\\")).Select(o => o.Id));
        }
        return db.Orders.Where(o => ids.Contains(o.Id));
    }
}
