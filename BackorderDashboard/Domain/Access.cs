using Microsoft.AspNetCore.Authorization;

namespace BackorderDashboard.Domain;

/// <summary>The four kinds of user. An account may hold several roles.</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string Merchant = "Merchant";
    public const string CustomerService = "CustomerService";
    public const string Manager = "Manager";

    public static readonly IReadOnlyList<string> All = [Admin, Merchant, CustomerService, Manager];

    public static string DisplayName(string role) => role switch
    {
        CustomerService => "Customer service",
        Merchant => "Merchant (operations)",
        _ => role,
    };
}

/// <summary>
/// Authorization policies, one per group of roles that share a page. Every page names one of these,
/// so who may see what is decided here and nowhere else.
/// </summary>
public static class Policies
{
    /// <summary>Any signed-in staff member: home, products, support lookup, queue (read).</summary>
    public const string Staff = nameof(Staff);

    /// <summary>Changes stock, policies, purchase orders, shipping: Merchant, Admin.</summary>
    public const string Operations = nameof(Operations);

    /// <summary>Takes and changes customer orders: Merchant, CustomerService, Admin.</summary>
    public const string OrderDesk = nameof(OrderDesk);

    /// <summary>Reads restock data: Merchant, Manager, Admin.</summary>
    public const string RestockRead = nameof(RestockRead);

    /// <summary>Customer messages: CustomerService, Admin.</summary>
    public const string Messaging = nameof(Messaging);

    /// <summary>KPI charts and replenishment: Manager, Merchant, Admin.</summary>
    public const string Analytics = nameof(Analytics);

    /// <summary>Users, roles and settings: Admin.</summary>
    public const string Admin = nameof(Admin);

    public static readonly IReadOnlyDictionary<string, string[]> RolesByPolicy = new Dictionary<string, string[]>
    {
        [Staff] = [Roles.Admin, Roles.Merchant, Roles.CustomerService, Roles.Manager],
        [Operations] = [Roles.Admin, Roles.Merchant],
        [OrderDesk] = [Roles.Admin, Roles.Merchant, Roles.CustomerService],
        [RestockRead] = [Roles.Admin, Roles.Merchant, Roles.Manager],
        [Messaging] = [Roles.Admin, Roles.CustomerService],
        [Analytics] = [Roles.Admin, Roles.Merchant, Roles.Manager],
        [Admin] = [Roles.Admin],
    };

    public static AuthorizationBuilder AddBackorderPolicies(this AuthorizationBuilder builder)
    {
        foreach (var (policy, roles) in RolesByPolicy)
        {
            builder.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
        }
        return builder;
    }
}
