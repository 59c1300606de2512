using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Data;

/// <summary>
/// Another system that hears of changes: the events it listens to are posted to its URL, signed with its secret.
/// A paused subscription keeps its log but gets no new deliveries.
/// </summary>
public class WebhookSubscription
{
    public const int UrlMaxLength = 2000;
    public const int SecretMaxLength = 200;

    public int Id { get; set; }

    [MaxLength(UrlMaxLength)]
    public required string Url { get; set; }

    /// <summary>The key of the HMAC signature; shown in full only when it was made, masked afterwards.</summary>
    [MaxLength(SecretMaxLength)]
    public required string Secret { get; set; }

    /// <summary>The event types it listens to, separated by spaces (<see cref="Features.Integrations.WebhookEvents.All"/>).</summary>
    [MaxLength(500)]
    public required string Events { get; set; }

    public bool Active { get; set; } = true;

    public DateTime CreatedAt { get; set; }

    [MaxLength(256)]
    public string? CreatedBy { get; set; }

    public DateTime? UpdatedAt { get; set; }
}

public enum WebhookDeliveryState
{
    /// <summary>Waiting to be posted (first try, or a retry after <see cref="WebhookDelivery.NextAttemptAt"/>).</summary>
    Pending = 0,

    /// <summary>Claimed by one dispatcher until <see cref="WebhookDelivery.ClaimedUntil"/>.</summary>
    Sending = 1,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered = 2,
}

/// <summary>
/// One event for one subscription, written in the same transaction as the change it tells of, so a receiver never
/// hears of a change that was rolled back and never misses one that was made. The body is kept as it is posted: every
/// retry sends the same bytes under the same event id. Never deleted by the dispatcher: a receiver that keeps failing
/// is retried every few hours, and shown as failing, until it answers.
/// </summary>
public class WebhookDelivery
{
    public long Id { get; set; }

    public int SubscriptionId { get; set; }
    public WebhookSubscription Subscription { get; set; } = null!;

    [MaxLength(40)]
    public required string EventId { get; set; }

    [MaxLength(40)]
    public required string EventType { get; set; }

    public required string Body { get; set; }

    public DateTime CreatedAt { get; set; }

    public WebhookDeliveryState State { get; set; }

    public int Attempts { get; set; }

    public DateTime? NextAttemptAt { get; set; }

    [MaxLength(64)]
    public string? ClaimedBy { get; set; }

    public DateTime? ClaimedUntil { get; set; }

    public DateTime? DeliveredAt { get; set; }

    public int? LastStatusCode { get; set; }

    [MaxLength(1000)]
    public string? LastError { get; set; }

    public DateTime? LastAttemptAt { get; set; }
}

/// <summary>One try of a delivery: when, what the receiver answered (or why there was no answer), how long it took.</summary>
public class WebhookAttempt
{
    public long Id { get; set; }

    public long DeliveryId { get; set; }
    public WebhookDelivery Delivery { get; set; } = null!;

    public DateTime At { get; set; }

    public int? StatusCode { get; set; }

    [MaxLength(1000)]
    public string? Error { get; set; }

    public int DurationMs { get; set; }
}

public static class OutboundWebhooksModel
{
    public static void ConfigureOutboundWebhooks(this ModelBuilder builder)
    {
        builder.Entity<WebhookDelivery>(d =>
        {
            d.HasIndex(x => new { x.State, x.NextAttemptAt });
            d.HasIndex(x => new { x.SubscriptionId, x.Id });
            d.HasIndex(x => x.EventId);
            d.HasOne(x => x.Subscription).WithMany().OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<WebhookAttempt>(a =>
        {
            a.HasIndex(x => new { x.DeliveryId, x.Id });
            a.HasOne(x => x.Delivery).WithMany().OnDelete(DeleteBehavior.Cascade);
        });
    }
}
