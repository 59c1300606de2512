using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Features.Restock;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.TestSupport;

/// <summary>
/// What the browser tests add to the shared demo store through the app's own services: a product of their own (its
/// SKU after the demo SKUs), purchase orders for it, and customers' orders.
/// </summary>
public static class AppStore
{
    /// <summary>A new product of the first demo category and supplier, backorders allowed, with stock when asked (and a name of its own, say a long one).</summary>
    public static async Task<string> AddProductAsync(this AppFactory app, int onHand = 0, string? name = null)
    {
        var sku = $"{AppFactory.TestSkuPrefix}{Guid.NewGuid():N}"[..10].ToUpperInvariant();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var product = new Product
        {
            Sku = sku, Name = name ?? $"Product {sku}", CategoryId = await db.Categories.Select(c => c.Id).FirstAsync(),
            SupplierId = await db.Suppliers.Select(s => s.Id).FirstAsync(), PriceCents = 2500, OnHand = onHand,
            BackorderPolicy = BackorderPolicy.Allowed, CreatedAt = app.Clock.GetUtcNow().UtcDateTime,
        };
        db.Products.Add(product);
        if (onHand != 0)
        {
            db.StockLedger.Add(new StockLedgerEntry { Product = product, OnHandDelta = onHand, Reason = StockReason.Import, At = app.Clock.GetUtcNow().UtcDateTime });
        }
        await db.SaveChangesAsync();
        return sku;
    }

    /// <summary>A purchase order placed with the product's supplier for <paramref name="qty"/> units, due in <paramref name="days"/> store days.</summary>
    public static async Task<(int Id, string Number, DateOnly Expected)> PlacePurchaseOrderAsync(this AppFactory app, string sku, int qty, int days)
    {
        using var scope = app.Services.CreateScope();
        var (today, _) = await app.StoreDayAsync();
        int supplierId;
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            supplierId = await db.Products.Where(p => p.Sku == sku).Select(p => p.SupplierId).SingleAsync();
        }
        var purchaseOrders = scope.ServiceProvider.GetRequiredService<PurchaseOrderService>();
        var (id, errors) = await purchaseOrders.CreateAsync(supplierId, today.AddDays(days), [new PoLineInput(sku, qty)], place: true, null, TestActors.Merchant);
        Assert.Empty(errors);
        return (id!.Value, (await purchaseOrders.GetAsync(id.Value))!.Number, today.AddDays(days));
    }

    /// <summary>The store's today and its default handling days (a backordered line ships that long after its stock arrives).</summary>
    public static async Task<(DateOnly Today, int HandlingDays)> StoreDayAsync(this AppFactory app)
    {
        var settings = app.Services.GetRequiredService<SettingsService>();
        return ((await settings.GetClockAsync()).Today, (await settings.GetAsync()).DefaultHandlingDays);
    }

    /// <summary>An order taken by support (as on the New order page); returns its number.</summary>
    public static async Task<string> PlaceOrderAsync(this AppFactory app, string name, string email, string sku,
        ShipPolicy policy = ShipPolicy.ShipAvailable, int qty = 1)
    {
        using var scope = app.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<OrderIntakeService>().PlaceAsync(new NewOrderInput
        {
            CustomerName = name, CustomerEmail = email, ShipPolicy = policy, Lines = [new NewOrderLineInput { Sku = sku, Qty = qty }],
        }, TestActors.Support);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors));
        return result.OrderNumber!;
    }
}
