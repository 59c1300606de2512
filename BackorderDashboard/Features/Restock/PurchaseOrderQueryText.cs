using BackorderDashboard.Components.Shared;
using BackorderDashboard.Data;
using Microsoft.AspNetCore.WebUtilities;

namespace BackorderDashboard.Features.Restock;

/// <summary>
/// The purchase order list's filters as an address (q, supplier, status, overdue), as its export reads them, and
/// where the page starts (after or before an order's id), as the list's Previous and Next links write it.
/// </summary>
public static class PurchaseOrderQueryText
{
    public static PurchaseOrderQuery Parse(string? search, string? supplier, string? status, string? overdue, QueryParameters address,
        string? after = null, string? before = null)
    {
        var query = new PurchaseOrderQuery(
            SupplierId: address.Id("supplier", supplier, "supplier", "showing every supplier"),
            Status: address.Enum<PurchaseOrderStatus>("status", status, "status", "showing every status"),
            OverdueOnly: address.Flag("overdue", overdue, "overdue only"),
            Search: address.Text("q", search, "search", "showing every purchase order"),
            After: address.Id("after", after, "purchase order to start after", "showing the first page"));
        // Both read, so a bad one is noted; after wins when both are given.
        var ending = address.Id("before", before, "purchase order to end before", "showing the first page");
        return query.After is null ? query with { Before = ending } : query;
    }

    public static string Url(string path, PurchaseOrderQuery query)
    {
        var parameters = new Dictionary<string, string?>();
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            parameters["q"] = query.Search.Trim();
        }
        if (query.SupplierId is { } supplier)
        {
            parameters["supplier"] = supplier.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (query.Status is { } status)
        {
            parameters["status"] = status.ToString().ToLowerInvariant();
        }
        if (query.OverdueOnly)
        {
            parameters["overdue"] = "true";
        }
        if (query.After is { } after)
        {
            parameters["after"] = after.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (query.Before is { } before)
        {
            parameters["before"] = before.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return QueryHelpers.AddQueryString(path, parameters);
    }
}
