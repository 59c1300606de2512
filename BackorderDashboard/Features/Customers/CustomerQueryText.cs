using BackorderDashboard.Components.Shared;
using BackorderDashboard.Data;
using Microsoft.AspNetCore.WebUtilities;

namespace BackorderDashboard.Features.Customers;

/// <summary>The customers list's filters as an address (q, tier, open), read the same by the page and its export.</summary>
public static class CustomerQueryText
{
    public static CustomerQuery Parse(string? search, string? tier, string? open, QueryParameters address) => new(
        address.Text("q", search, "search", "showing every customer"),
        address.Enum<CustomerTier>("tier", tier, "tier", "showing every tier"),
        address.Flag("open", open, "with open backorders"));

    public static string Url(string path, CustomerQuery query)
    {
        var parameters = new Dictionary<string, string?>();
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            parameters["q"] = query.Search.Trim();
        }
        if (query.Tier is { } tier)
        {
            parameters["tier"] = tier.ToString().ToLowerInvariant();
        }
        if (query.OpenBackordersOnly)
        {
            parameters["open"] = "true";
        }
        return QueryHelpers.AddQueryString(path, parameters);
    }
}
