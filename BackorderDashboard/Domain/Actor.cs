using System.Security.Claims;

namespace BackorderDashboard.Domain;

/// <summary>Who makes a change.</summary>
public enum ActorKind
{
    /// <summary>A signed-in staff member, allowed by their roles.</summary>
    User = 0,

    /// <summary>The customer, through the private tracking link of one order.</summary>
    Customer = 1,

    /// <summary>The application itself: background jobs, replayed receipts, the demo generator, benchmarks.</summary>
    System = 2,

    /// <summary>A storefront or script calling the REST API with a key, allowed by the key's scopes.</summary>
    ApiKey = 3,

    /// <summary>A store platform (Shopify, WooCommerce) delivering a signed webhook.</summary>
    Webhook = 4,
}

/// <summary>The way a change came in. Stored with every history, ledger and outbox row (as its number).</summary>
public enum ActorChannel
{
    Page = 0,
    TrackingPage = 1,
    System = 2,
    Api = 3,
    Webhook = 4,
    Import = 5,
    CommandLine = 6,
}

/// <summary>
/// The acting party of a change: who acts and through what. Services check it against <see cref="Access"/> before
/// they change anything and record <see cref="DisplayName"/> and <see cref="Channel"/> on the rows the change writes,
/// so every way in (pages, the tracking page, the API, webhooks, imports, the command line) obeys the same table.
/// </summary>
public sealed class Actor
{
    /// <summary>What the history shows for the customer acting on the tracking page.</summary>
    public const string CustomerDisplayName = "customer (tracking page)";

    /// <summary>What the history and the ledger show for the application's own changes.</summary>
    public const string SystemDisplayName = "system";

    /// <summary>The claim that carries a signed-in user's display name (added at sign-in when the user has one).</summary>
    public const string DisplayNameClaim = "backorder:display_name";

    private readonly string? _userDisplayName;

    private Actor(ActorKind kind, string name, ActorChannel channel, IEnumerable<string>? roles = null, IEnumerable<string>? scopes = null,
        string? orderNumber = null, string? userDisplayName = null, string? userId = null)
    {
        UserId = string.IsNullOrEmpty(userId) ? null : userId;
        Kind = kind;
        Name = name;
        _userDisplayName = string.IsNullOrWhiteSpace(userDisplayName) ? null : userDisplayName.Trim();
        Channel = channel;
        Roles = (roles ?? []).ToHashSet(StringComparer.Ordinal);
        Scopes = (scopes ?? []).ToHashSet(StringComparer.Ordinal);
        OrderNumber = orderNumber;
    }

    public ActorKind Kind { get; }

    /// <summary>A signed-in user's account id (for the audit log); null for every other kind, and for users built without one.</summary>
    public string? UserId { get; }

    /// <summary>A user's display name, when they have one.</summary>
    public string? UserDisplayName => _userDisplayName;

    /// <summary>The user's sign-in name (e-mail), the API key's name, the platform of a webhook, the job of the system.</summary>
    public string Name { get; }

    public ActorChannel Channel { get; }

    /// <summary>A user's roles (<see cref="Domain.Roles"/>); empty for every other kind.</summary>
    public IReadOnlySet<string> Roles { get; }

    /// <summary>An API key's scopes (<see cref="Access.Scopes"/>); empty for every other kind.</summary>
    public IReadOnlySet<string> Scopes { get; }

    /// <summary>The one order a customer actor may act on: the order its tracking token opens.</summary>
    public string? OrderNumber { get; }

    /// <summary>How history and ledger rows name the actor.</summary>
    public string DisplayName => Kind switch
    {
        ActorKind.User => _userDisplayName ?? Name,
        ActorKind.Customer => CustomerDisplayName,
        ActorKind.ApiKey => $"API key {Name}",
        ActorKind.Webhook => $"{Name} webhook",
        _ => SystemDisplayName,
    };

    /// <summary>The application's own work: background jobs and the demo data.</summary>
    public static Actor System { get; } = new(ActorKind.System, SystemDisplayName, ActorChannel.System);

    /// <summary>Nobody: the table refuses it everything. What a page holds until it has read its user.</summary>
    public static Actor Nobody { get; } = new(ActorKind.User, "", ActorChannel.Page);

    /// <summary>A staff member with the given roles; history rows name them by <paramref name="displayName"/> when they have one.</summary>
    public static Actor User(string name, IEnumerable<string> roles, ActorChannel channel = ActorChannel.Page, string? displayName = null,
        string? userId = null) =>
        new(ActorKind.User, name, channel, roles.Where(Domain.Roles.All.Contains), userDisplayName: displayName, userId: userId);

    /// <summary>
    /// The signed-in user of a page: name, display name and the product's roles read from the principal, so every page
    /// builds its actor the same way. An anonymous principal is a user with no name and no roles, whom the table refuses.
    /// </summary>
    public static Actor FromUser(ClaimsPrincipal user) => user.Identity is { IsAuthenticated: true, Name: { } name }
        ? User(name, Domain.Roles.All.Where(user.IsInRole), displayName: user.FindFirst(DisplayNameClaim)?.Value,
            userId: user.FindFirst(ClaimTypes.NameIdentifier)?.Value)
        : User("", []);

    /// <summary>What the app shows for a signed-in principal: its display name, or its sign-in name while it has none.</summary>
    public static string ShownName(ClaimsPrincipal user) =>
        user.FindFirst(DisplayNameClaim)?.Value is { Length: > 0 } shown ? shown : user.Identity?.Name ?? "";

    /// <summary>The customer of one order, acting on its tracking page.</summary>
    public static Actor Customer(string orderNumber) => new(ActorKind.Customer, CustomerDisplayName, ActorChannel.TrackingPage, orderNumber: orderNumber);

    /// <summary>The application acting through another way in than its own jobs (the command line, an import).</summary>
    public static Actor SystemVia(ActorChannel channel) => new(ActorKind.System, SystemDisplayName, channel);

    /// <summary>A REST API key with its scopes.</summary>
    public static Actor ApiKey(string keyName, IEnumerable<string> scopes) => new(ActorKind.ApiKey, keyName, ActorChannel.Api, scopes: scopes);

    /// <summary>A store webhook from a platform ("Shopify", "WooCommerce").</summary>
    public static Actor Webhook(string platform) => new(ActorKind.Webhook, platform, ActorChannel.Webhook);

    public bool IsInRole(string role) => Kind == ActorKind.User && Roles.Contains(role);

    public override string ToString() => $"{DisplayName} ({Channel})";
}
