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

    /// <summary>Reads restock data (purchase orders, receiving, suppliers): Merchant, Manager, Admin.</summary>
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

/// <summary>
/// Every action that changes data, and the one read that is guarded on its own (the audit log). Each service method
/// that makes one asks <see cref="Access"/> first.
/// </summary>
public enum Operation
{
    Expedite,
    CancelLine,
    SwitchShipPolicy,
    AddConsolation,
    SendCustomerUpdate,
    PlaceOrder,
    Ship,
    Receive,
    CreatePurchaseOrder,
    PlacePurchaseOrder,
    RedatePurchaseOrder,
    CancelPurchaseOrder,
    EditSupplier,
    EditProductPolicy,
    EditProduct,
    CorrectStock,
    ImportData,
    EditCustomer,
    RemoveWaitlistEntry,
    SaveSettings,
    CreateUser,
    SetRoles,
    UnlockUser,
    RenameUser,
    DeactivateUser,
    ResetPassword,
    RetryMessage,
    CreateReplenishmentDrafts,
    CancelDelayedLine,
    ReadAuditLog,
    ManageApiKeys,
    ManageWebhookSubscriptions,
    ManageIntegrations,
}

/// <summary>
/// Who may do one action: the staff roles (the same as the page policy that shows its button), the other kinds of
/// actor, and the API scope a key needs. <paramref name="Doing"/> completes "… can't {Doing}."
/// </summary>
public sealed record Permission(Operation Operation, string Doing, string? PagePolicy, string[] Roles, ActorKind[] Kinds, string? Scope = null);

/// <summary>
/// The one permission table. Pages show an action's button under its <see cref="Permission.PagePolicy"/>, whose roles
/// are the same as the row's (a test holds them together); services check the actor against the row before they
/// write, so no way in has rules of its own.
/// </summary>
public static class Access
{
    /// <summary>API key scopes, as storefronts and scripts name them.</summary>
    public static class Scopes
    {
        public const string AvailabilityRead = "availability:read";
        public const string OrdersRead = "orders:read";
        public const string OrdersWrite = "orders:write";
        public const string InventoryWrite = "inventory:write";

        public static readonly IReadOnlyList<string> All = [AvailabilityRead, OrdersRead, OrdersWrite, InventoryWrite];
    }

    private static readonly string[] Operations = [Roles.Admin, Roles.Merchant];
    private static readonly string[] OrderDesk = [Roles.Admin, Roles.Merchant, Roles.CustomerService];
    private static readonly string[] Messaging = [Roles.Admin, Roles.CustomerService];
    private static readonly string[] AdminOnly = [Roles.Admin];

    public static readonly IReadOnlyDictionary<Operation, Permission> Table = new Permission[]
    {
        // The queue page shows expedite to operations; cancelling is also on the order page, for the order desk.
        new(Operation.Expedite, "expedite lines", Policies.Operations, Operations, []),
        new(Operation.CancelLine, "cancel lines", Policies.OrderDesk, OrderDesk, [ActorKind.System, ActorKind.Webhook], Scopes.OrdersWrite),
        new(Operation.SwitchShipPolicy, "change how orders ship", Policies.OrderDesk, OrderDesk, [], Scopes.OrdersWrite),
        new(Operation.AddConsolation, "offer consolations", Policies.OrderDesk, OrderDesk, []),
        new(Operation.SendCustomerUpdate, "send customer updates", Policies.OrderDesk, OrderDesk, []),
        new(Operation.PlaceOrder, "place orders", Policies.OrderDesk, OrderDesk, [ActorKind.System, ActorKind.Webhook], Scopes.OrdersWrite),
        new(Operation.Ship, "ship orders", Policies.Operations, Operations, [ActorKind.System]),
        // Previewing a receipt counts as receiving: it runs the same allocation, only rolled back.
        new(Operation.Receive, "receive stock", Policies.Operations, Operations, [ActorKind.System], Scopes.InventoryWrite),
        new(Operation.CreatePurchaseOrder, "create purchase orders", Policies.Operations, Operations, [ActorKind.System]),
        new(Operation.PlacePurchaseOrder, "place purchase orders", Policies.Operations, Operations, [ActorKind.System]),
        new(Operation.RedatePurchaseOrder, "change purchase order dates", Policies.Operations, Operations, [ActorKind.System]),
        new(Operation.CancelPurchaseOrder, "cancel purchase orders", Policies.Operations, Operations, [ActorKind.System]),
        new(Operation.EditSupplier, "edit suppliers", Policies.Operations, Operations, []),
        new(Operation.EditProductPolicy, "change backorder settings", Policies.Operations, Operations, []),
        // Creating, editing, archiving and restoring products; the system for imports replayed by the command line.
        new(Operation.EditProduct, "edit products", Policies.Operations, Operations, [ActorKind.System], Scopes.InventoryWrite),
        new(Operation.CorrectStock, "correct stock counts", Policies.Operations, Operations, [ActorKind.System], Scopes.InventoryWrite),
        new(Operation.ImportData, "import spreadsheets", Policies.Operations, Operations, [ActorKind.System]),
        // Contact details and tier: the order desk answers customers and keeps their details right.
        new(Operation.EditCustomer, "edit customers", Policies.OrderDesk, OrderDesk, []),
        new(Operation.RemoveWaitlistEntry, "remove customers from waitlists", Policies.OrderDesk, OrderDesk, []),
        new(Operation.SaveSettings, "change settings", Policies.Admin, AdminOnly, []),
        // The system, for the command line's `user create`: the first admin of a new install has nobody to create them.
        new(Operation.CreateUser, "create users", Policies.Admin, AdminOnly, [ActorKind.System]),
        new(Operation.SetRoles, "change roles", Policies.Admin, AdminOnly, []),
        new(Operation.UnlockUser, "unlock users", Policies.Admin, AdminOnly, []),
        new(Operation.RenameUser, "change users' names", Policies.Admin, AdminOnly, []),
        // Deactivating and reactivating are one permission: whoever may lock someone out may also let them back in.
        new(Operation.DeactivateUser, "deactivate users", Policies.Admin, AdminOnly, []),
        new(Operation.ResetPassword, "reset passwords", Policies.Admin, AdminOnly, []),
        new(Operation.RetryMessage, "retry messages", Policies.Messaging, Messaging, [ActorKind.System]),
        // The replenishment page is open to analytics, but only operations get the button that writes purchase orders.
        new(Operation.CreateReplenishmentDrafts, "create draft purchase orders", Policies.Operations, Operations, []),
        // The customer, on the tracking page of its own order, for a line whose delay message offered it.
        new(Operation.CancelDelayedLine, "cancel delayed items", null, [], [ActorKind.Customer]),
        // Reading, not changing: the audit log names people and addresses, so only admins read it, and nobody edits it.
        new(Operation.ReadAuditLog, "read the audit log", Policies.Admin, AdminOnly, []),
        // The system, for the command line's `api-key create` in scripted set-ups.
        new(Operation.ManageApiKeys, "manage API keys", Policies.Admin, AdminOnly, [ActorKind.System]),
        // The Integrations page: where other systems hear of changes, and with which secret.
        new(Operation.ManageWebhookSubscriptions, "manage webhook subscriptions", Policies.Operations, Operations, []),
        // The shops' webhook secrets and replaying their failed deliveries: the Integrations page's operations.
        new(Operation.ManageIntegrations, "manage store integrations", Policies.Operations, Operations, []),
    }.ToDictionary(p => p.Operation);

    /// <summary>Whether the actor may do the action at all (a customer still only on its own order).</summary>
    public static bool Allows(Actor actor, Operation operation)
    {
        var permission = Table[operation];
        return actor.Kind switch
        {
            ActorKind.User => permission.Roles.Any(actor.IsInRole),
            ActorKind.ApiKey => permission.Scope is { } scope && actor.Scopes.Contains(scope),
            ActorKind.Customer => permission.Kinds.Contains(ActorKind.Customer) && !string.IsNullOrEmpty(actor.OrderNumber),
            _ => permission.Kinds.Contains(actor.Kind),
        };
    }

    /// <summary>Null when the actor may; otherwise the refusal to show ("Managers can't cancel lines.").</summary>
    public static string? Refusal(Actor actor, Operation operation)
    {
        if (Allows(actor, operation))
        {
            return null;
        }
        var doing = Table[operation].Doing;
        return actor.Kind switch
        {
            ActorKind.User when actor.Roles.Count == 0 => $"Your account has no role that may {doing}.",
            ActorKind.User => $"{string.Join(" and ", Roles.All.Where(actor.IsInRole).Select(Plural))} can't {doing}.",
            ActorKind.Customer => $"Customers can't {doing} here.",
            ActorKind.ApiKey => $"API key {actor.Name} has no scope that may {doing}.",
            ActorKind.Webhook => $"{actor.Name} webhooks can't {doing}.",
            _ => $"The system can't {doing}.",
        };
    }

    /// <summary>Whether the actor acts for this order: everyone but a customer, who only acts for its own.</summary>
    public static bool ActsFor(Actor actor, string orderNumber) =>
        actor.Kind != ActorKind.Customer || string.Equals(actor.OrderNumber, orderNumber, StringComparison.Ordinal);

    private static string Plural(string role) => role switch
    {
        Roles.CustomerService => "Customer service agents",
        _ => role + "s",
    };
}
