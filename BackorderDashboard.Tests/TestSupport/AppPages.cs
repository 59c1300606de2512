using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.TestSupport;

/// <summary>One page of the app as a user opens it: a short name for reports and screenshots, and its address.</summary>
public sealed record AppPage(string Name, string Path);

/// <summary>
/// Every page of the app, per demo user, with its address filled in from the demo store (an order with a waiting
/// line, the product that line waits for, an open purchase order, the order's tracking link). Page-wide checks
/// (accessibility, layout at each width) walk this list, so a new page is checked once it is added here.
/// </summary>
public static class AppPages
{
    /// <summary>The demo logins, one per role.</summary>
    public static readonly string[] Users = ["admin@example.com", "merchant@example.com", "support@example.com", "manager@example.com"];

    private static readonly (string Name, string Path, string[] Roles)[] Staff =
    [
        ("home", "/", [Roles.Admin, Roles.Merchant, Roles.CustomerService, Roles.Manager]),
        ("products", "/products", [Roles.Admin, Roles.Merchant, Roles.CustomerService, Roles.Manager]),
        ("product", "/products/{sku}", [Roles.Admin, Roles.Merchant, Roles.CustomerService, Roles.Manager]),
        ("new-product", "/products/new", [Roles.Admin, Roles.Merchant]),
        ("edit-product", "/products/{sku}/edit", [Roles.Admin, Roles.Merchant]),
        ("backorders", "/backorders", [Roles.Admin, Roles.Merchant, Roles.CustomerService, Roles.Manager]),
        ("support", "/support", [Roles.Admin, Roles.Merchant, Roles.CustomerService, Roles.Manager]),
        ("customers", "/customers", [Roles.Admin, Roles.Merchant, Roles.CustomerService, Roles.Manager]),
        ("customer", "/customers/{customer}", [Roles.Admin, Roles.Merchant, Roles.CustomerService, Roles.Manager]),
        ("order", "/orders/{order}", [Roles.Admin, Roles.Merchant, Roles.CustomerService, Roles.Manager]),
        ("new-order", "/orders/new", [Roles.Admin, Roles.Merchant, Roles.CustomerService]),
        ("outbox", "/outbox", [Roles.Admin, Roles.CustomerService]),
        ("shipping", "/shipping", [Roles.Admin, Roles.Merchant]),
        ("pick-list", "/shipping/pick-list", [Roles.Admin, Roles.Merchant]),
        ("kpi", "/kpi", [Roles.Admin, Roles.Merchant, Roles.Manager]),
        ("replenishment", "/replenishment", [Roles.Admin, Roles.Merchant, Roles.Manager]),
        ("purchase-orders", "/purchase-orders", [Roles.Admin, Roles.Merchant, Roles.Manager]),
        ("purchase-order", "/purchase-orders/{po}", [Roles.Admin, Roles.Merchant, Roles.Manager]),
        ("new-purchase-order", "/purchase-orders/new", [Roles.Admin, Roles.Merchant]),
        ("receiving", "/receiving", [Roles.Admin, Roles.Merchant, Roles.Manager]),
        ("suppliers", "/suppliers", [Roles.Admin, Roles.Merchant, Roles.Manager]),
        ("storefront", "/storefront", [Roles.Admin, Roles.Merchant]),
        ("integrations", "/integrations", [Roles.Admin, Roles.Merchant]),
        ("users", "/admin/users", [Roles.Admin]),
        ("settings", "/admin/settings", [Roles.Admin]),
        ("audit", "/admin/audit", [Roles.Admin]),
        ("api-keys", "/admin/api-keys", [Roles.Admin]),
        ("account", "/Account/Manage", [Roles.Admin, Roles.Merchant, Roles.CustomerService, Roles.Manager]),
    ];

    /// <summary>The role a demo login has (its e-mail's local part).</summary>
    public static string RoleOf(string email) => email[..email.IndexOf('@')] switch
    {
        "admin" => Roles.Admin,
        "merchant" => Roles.Merchant,
        "support" => Roles.CustomerService,
        "manager" => Roles.Manager,
        var other => throw new ArgumentException($"Not a demo login: {email}", nameof(email)),
    };

    /// <summary>The pages a signed-in demo user can open, addresses filled in from the demo store.</summary>
    public static async Task<IReadOnlyList<AppPage>> ForUserAsync(AppFactory app, string email)
    {
        var role = RoleOf(email);
        var sample = await SampleAsync(app);
        return Staff.Where(p => p.Roles.Contains(role)).Select(p => new AppPage(p.Name, Fill(p.Path, sample))).ToList();
    }

    /// <summary>The pages anyone can open without signing in: the login form and a customer's tracking page.</summary>
    public static async Task<IReadOnlyList<AppPage>> AnonymousAsync(AppFactory app)
    {
        var sample = await SampleAsync(app);
        return [new AppPage("login", "/Account/Login"), new AppPage("tracking", $"/track/{sample.TrackingToken}")];
    }

    private static string Fill(string path, Sample sample) => path
        .Replace("{sku}", sample.Sku, StringComparison.Ordinal)
        .Replace("{order}", sample.OrderNumber, StringComparison.Ordinal)
        .Replace("{customer}", sample.CustomerId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{po}", sample.PurchaseOrderId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private sealed record Sample(string Sku, string OrderNumber, string TrackingToken, int PurchaseOrderId, int CustomerId);

    /// <summary>The demo store's longest-waiting backordered line (its order, product and tracking link) and its first open purchase order.</summary>
    private static async Task<Sample> SampleAsync(AppFactory app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var line = await db.OrderLines
            .Where(l => l.QueuedAt != null && l.QtyUnfilled > 0)
            .Where(l => !l.Product.Sku.StartsWith(AppFactory.TestSkuPrefix))
            .OrderBy(l => l.QueuedAt).ThenBy(l => l.Id)
            .Select(l => new { l.Product.Sku, l.Order.Number, l.Order.TrackingToken, l.Order.CustomerId })
            .FirstAsync();
        var po = await db.PurchaseOrders.Where(p => p.Status.IsOpen()).WithRules().OrderBy(p => p.Id).Select(p => p.Id).FirstAsync();
        return new Sample(line.Sku, line.Number, line.TrackingToken, po, line.CustomerId);
    }
}
