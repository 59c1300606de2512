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
    /// <summary>The LIKE pattern of a text, its wildcards escaped with a backslash.</summary>
    public static string Pattern(string text) => $"%{text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_")}%";

    public static IQueryable<Customer> Matching(this IQueryable<Customer> customers, string text)
    {
        var q = text.Trim();
        var pattern = Pattern(q);
        var digits = new string(q.Where(char.IsAsciiDigit).ToArray());
        var phoneLike = digits.Length >= 3 && q.All(c => char.IsAsciiDigit(c) || c is ' ' or '-' or '(' or ')' or '+' or '.' or '/');
        var digitsPattern = $"%{digits}%";
        return customers.Where(c => EF.Functions.Like(c.Email, pattern, "\\")
            || EF.Functions.Like(c.Name, pattern, "\\")
            || (c.Phone != null && EF.Functions.Like(c.Phone, pattern, "\\"))
            || (phoneLike && c.Phone != null && EF.Functions.Like(
                c.Phone.Replace(" ", "").Replace("-", "").Replace("(", "").Replace(")", "").Replace("+", "").Replace(".", "").Replace("/", ""),
                digitsPattern)));
    }
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
        var customers = db.Customers.Matching(q).Select(c => c.Id);
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
