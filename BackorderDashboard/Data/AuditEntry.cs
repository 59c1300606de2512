using System.ComponentModel.DataAnnotations;

namespace BackorderDashboard.Data;

/// <summary>What an audit entry records. Stored as its number: never renumber, only add.</summary>
public enum AuditKind
{
    SignIn = 0,
    SignInFailed = 1,
    SignInLockedOut = 2,
    UserCreated = 3,
    UserDeleted = 4,
    RolesChanged = 5,
    UserDeactivated = 6,
    UserReactivated = 7,
    PasswordReset = 8,
    UserUnlocked = 9,
    SettingsChanged = 10,
    ProductSettingsChanged = 11,
    Receipt = 12,
    StockCorrection = 13,
    Cancellation = 14,
    ProductCreated = 15,
    ProductArchived = 16,
    ProductRestored = 17,

    /// <summary>A customer's contact details or tier changed.</summary>
    CustomerChanged = 20,

    /// <summary>A customer taken off a product's waitlist.</summary>
    WaitlistEntryRemoved = 21,

    /// <summary>An API key made (its name and scopes; never the key).</summary>
    ApiKeyCreated = 22,

    /// <summary>An API key revoked.</summary>
    ApiKeyRevoked = 23,

    /// <summary>A webhook subscription added (its URL and events; never the secret).</summary>
    WebhookSubscriptionCreated = 40,

    /// <summary>A webhook subscription's URL, events, secret or state changed.</summary>
    WebhookSubscriptionChanged = 41,

    /// <summary>A webhook subscription removed with its deliveries.</summary>
    WebhookSubscriptionDeleted = 42,

    /// <summary>A shop's webhook secret set or cleared, or its failed deliveries replayed (never the secret itself).</summary>
    StoreIntegrationChanged = 30,
}

/// <summary>
/// One line of the audit log: who did what, when and from where. The table only grows: triggers in the database
/// refuse every UPDATE and DELETE on it, so no page, service or script of the app can rewrite what happened.
/// </summary>
public class AuditEntry
{
    public const int WhoMaxLength = 256;
    public const int SubjectMaxLength = 200;
    public const int SummaryMaxLength = 2000;

    public long Id { get; set; }

    /// <summary>When (UTC).</summary>
    public DateTime At { get; set; }

    public AuditKind Kind { get; set; }

    /// <summary>The acting user's id, when a known account acted (or tried to sign in).</summary>
    [MaxLength(450)]
    public string? UserId { get; set; }

    /// <summary>The user's e-mail at the time, or "system", "command line", "customer (tracking link)".</summary>
    [MaxLength(WhoMaxLength)]
    public required string Who { get; set; }

    /// <summary>The user's display name at the time, when they had one.</summary>
    [MaxLength(WhoMaxLength)]
    public string? WhoName { get; set; }

    /// <summary>The client's IP address, when the change came over the web.</summary>
    [MaxLength(64)]
    public string? Address { get; set; }

    /// <summary>What it was done to: an order number, a SKU, a purchase order, a user's e-mail, "store settings".</summary>
    [MaxLength(SubjectMaxLength)]
    public required string Subject { get; set; }

    /// <summary>A short readable account ("Handling days 2 → 3").</summary>
    [MaxLength(SummaryMaxLength)]
    public required string Summary { get; set; }
}
