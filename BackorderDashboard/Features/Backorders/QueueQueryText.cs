using BackorderDashboard.Components.Shared;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using Microsoft.AspNetCore.WebUtilities;

namespace BackorderDashboard.Features.Backorders;

/// <summary>
/// The queue's filters as an address (product, category, supplier, age, late, tier, ship, reauth): links from elsewhere
/// open the queue filtered, and the export reads the filters on screen the same way.
/// </summary>
public static class QueueQueryText
{
    private static readonly IReadOnlyDictionary<string, ShipPolicy> ShipPolicies = new Dictionary<string, ShipPolicy>(StringComparer.OrdinalIgnoreCase)
    {
        ["available"] = ShipPolicy.ShipAvailable,
        ["complete"] = ShipPolicy.ShipComplete,
    };

    public static QueueQuery Parse(string? product, string? category, string? supplier, string? age, string? late, string? tier, string? ship,
        string? reauth, QueryParameters address) => new(
        Product: address.Text("product", product, "product", "showing every product"),
        CategoryId: address.Id("category", category, "category", "showing every category"),
        SupplierId: address.Id("supplier", supplier, "supplier", "showing every supplier"),
        Age: address.Choice("age", age, "age", QueueAges.All.ToDictionary(a => a.Parameter, a => a.Bucket), "showing every age") ?? AgeBucket.Any,
        LateOnly: address.Flag("late", late, "late only"),
        Tier: address.Enum<CustomerTier>("tier", tier, "tier", "showing every tier"),
        ShipPolicy: address.Choice("ship", ship, "shipping", ShipPolicies, "showing every way of shipping"),
        AuthorizationExpiresBeforeEta: address.Flag("reauth", reauth, "card authorization expires before ETA"));

    /// <summary>The page's own address: the filters and where in the queue it is (the line it shows the lines after or before).</summary>
    public static string PageUrl(string path, QueueQuery query)
    {
        var url = Url(path, query);
        var cursor = query.After is { } after ? ("after", after) : query.Before is { } before ? ("before", before) : default((string, int)?);
        return cursor is { } c ? QueryHelpers.AddQueryString(url, c.Item1, c.Item2.ToString(System.Globalization.CultureInfo.InvariantCulture)) : url;
    }

    public static string Url(string path, QueueQuery query)
    {
        var parameters = new Dictionary<string, string?>();
        if (!string.IsNullOrWhiteSpace(query.Product))
        {
            parameters["product"] = query.Product.Trim();
        }
        if (query.CategoryId is { } category)
        {
            parameters["category"] = category.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (query.SupplierId is { } supplier)
        {
            parameters["supplier"] = supplier.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (QueueAges.Of(query.Age) is { } age)
        {
            parameters["age"] = age.Parameter;
        }
        if (query.LateOnly)
        {
            parameters["late"] = "true";
        }
        if (query.Tier is { } tier)
        {
            parameters["tier"] = tier.ToString().ToLowerInvariant();
        }
        if (query.ShipPolicy is { } policy)
        {
            parameters["ship"] = ShipPolicies.First(p => p.Value == policy).Key;
        }
        if (query.AuthorizationExpiresBeforeEta)
        {
            parameters["reauth"] = "true";
        }
        return QueryHelpers.AddQueryString(path, parameters);
    }
}
