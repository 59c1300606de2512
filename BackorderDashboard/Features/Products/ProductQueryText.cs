using BackorderDashboard.Components.Shared;

namespace BackorderDashboard.Features.Products;

/// <summary>The products list's filters as its address carries them (q, status, category, supplier), for its export.</summary>
public static class ProductQueryText
{
    public static ProductQuery Parse(string? search, string? status, string? category, string? supplier, QueryParameters address) => new(
        Search: address.Text("q", search, "search", "showing every product"),
        Filter: address.Enum<ProductFilter>("status", status, "status", "showing every status") ?? ProductFilter.All,
        CategoryId: address.Id("category", category, "category", "showing every category"),
        SupplierId: address.Id("supplier", supplier, "supplier", "showing every supplier"));
}
