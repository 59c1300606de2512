using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Data;

/// <summary>The shop platforms whose order webhooks the dashboard takes in.</summary>
public enum StorePlatform
{
    Shopify = 0,
    WooCommerce = 1,
}

public enum DeliveryState
{
    /// <summary>Stored and answered; the worker has not finished it yet (or retries it after a passing error).</summary>
    Received = 0,
    Processed = 1,

    /// <summary>Needs the merchant (an unknown SKU, no e-mail): shown with its reason until replayed.</summary>
    Failed = 2,

    /// <summary>A topic the dashboard does not act on, kept so the merchant sees it arrived.</summary>
    Ignored = 3,
}

/// <summary>
/// One verified webhook delivery from a shop, stored as it came before anything is done with it: the shop gets its
/// answer at once, and the worker applies deliveries one by one, in order for each store order.
/// </summary>
public class WebhookInboxDelivery
{
    public const int DeliveryIdMaxLength = 200;
    public const int TopicMaxLength = 100;
    public const int StoreOrderIdMaxLength = 64;
    public const int ErrorMaxLength = 1000;

    public int Id { get; set; }

    public StorePlatform Platform { get; set; }

    /// <summary>The platform's id of this delivery (Shopify's event id, WooCommerce's delivery id): a repeat is dropped.</summary>
    [MaxLength(DeliveryIdMaxLength)]
    public required string DeliveryId { get; set; }

    [MaxLength(TopicMaxLength)]
    public required string Topic { get; set; }

    /// <summary>The shop's own id of the order the delivery is about; null when the body named none.</summary>
    [MaxLength(StoreOrderIdMaxLength)]
    public string? StoreOrderId { get; set; }

    /// <summary>The shop's order name as its staff read it ("#1001").</summary>
    [MaxLength(64)]
    public string? StoreOrderName { get; set; }

    /// <summary>When the shop changed the order (its updated time, or the delivery's trigger time).</summary>
    public DateTime? TriggeredAt { get; set; }

    public DateTime ReceivedAt { get; set; }

    /// <summary>The body exactly as signed, so a replay reads what the shop sent.</summary>
    public required string Body { get; set; }

    public DeliveryState State { get; set; }

    public int Attempts { get; set; }

    public DateTime? NextAttemptAt { get; set; }

    [MaxLength(ErrorMaxLength)]
    public string? LastError { get; set; }

    public DateTime? ProcessedAt { get; set; }

    /// <summary>What the delivery did, for the merchant ("Placed as SO-100231", "Out of date: nothing changed").</summary>
    [MaxLength(ErrorMaxLength)]
    public string? Outcome { get; set; }

    /// <summary>The dashboard's order the delivery placed or changed.</summary>
    [MaxLength(32)]
    public string? OrderNumber { get; set; }

    [ConcurrencyCheck]
    public int Version { get; set; }
}

/// <summary>
/// What has been applied of one store order: the dashboard order it became, the shop's time of the last change applied
/// and whether it was cancelled, so a late or repeated delivery changes nothing wrongly.
/// </summary>
public class StoreOrderState
{
    public int Id { get; set; }

    public StorePlatform Platform { get; set; }

    [MaxLength(WebhookInboxDelivery.StoreOrderIdMaxLength)]
    public required string StoreOrderId { get; set; }

    [MaxLength(32)]
    public string? OrderNumber { get; set; }

    public DateTime? LastAppliedAt { get; set; }

    public bool Cancelled { get; set; }

    public DateTime UpdatedAt { get; set; }
}

/// <summary>A shop's webhook secret set on the Integrations page; a configured <c>Connectors:*:WebhookSecret</c> wins over it.</summary>
public class StoreConnection
{
    public const int SecretMaxLength = 200;

    [Key]
    public StorePlatform Platform { get; set; }

    [MaxLength(SecretMaxLength)]
    public string? WebhookSecret { get; set; }

    public DateTime UpdatedAt { get; set; }

    [MaxLength(256)]
    public string? UpdatedBy { get; set; }
}

public static class StoreWebhookModel
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<WebhookInboxDelivery>(d =>
        {
            d.HasIndex(x => new { x.Platform, x.DeliveryId }).IsUnique();
            d.HasIndex(x => new { x.State, x.NextAttemptAt });
            d.HasIndex(x => new { x.Platform, x.StoreOrderId, x.Id });
            d.HasIndex(x => x.ReceivedAt);
        });
        builder.Entity<StoreOrderState>(s => s.HasIndex(x => new { x.Platform, x.StoreOrderId }).IsUnique());
        builder.Entity<StoreConnection>(c => c.Property(x => x.Platform).ValueGeneratedNever());
    }
}
