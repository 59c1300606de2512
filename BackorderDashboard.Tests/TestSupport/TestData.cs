using BackorderDashboard.Data;
using BackorderDashboard.Domain;

namespace BackorderDashboard.Tests.TestSupport;

/// <summary>Small hand-built stores for tests whose expected figures are worked out by hand.</summary>
public static class TestData
{
    public static async Task<(Category Category, Supplier Supplier)> AddCatalogAsync(AppDbContext db)
    {
        var category = new Category { Name = "Kitchen" };
        var supplier = new Supplier { Name = "Northwind", DefaultLeadTimeDays = 14 };
        db.AddRange(category, supplier);
        await db.SaveChangesAsync();
        return (category, supplier);
    }

    public static Product Product(Category category, Supplier supplier, string sku, int onHand = 0, int allocated = 0) => new()
    {
        Sku = sku,
        Name = $"Product {sku}",
        Category = category,
        Supplier = supplier,
        PriceCents = 1000,
        OnHand = onHand,
        Allocated = allocated,
        BackorderPolicy = BackorderPolicy.Allowed,
    };

    public static Customer Customer(string name, string email, string? phone = null) =>
        new() { Name = name, Email = email, Phone = phone };

    public static Order Order(Customer customer, string number, DateTime placedAt) => new()
    {
        Number = number,
        Customer = customer,
        PlacedAt = placedAt,
        PaymentAuthorizedAt = placedAt,
        PaymentAuthorizationExpiresAt = placedAt.AddDays(7),
        TrackingToken = TrackingTokens.New(),
    };
}
