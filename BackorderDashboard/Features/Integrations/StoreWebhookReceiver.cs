using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using BackorderDashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Integrations;

public enum ReceiveOutcome
{
    Stored,
    Duplicate,
    Ping,
    Unauthorized,
}

/// <summary>A delivery as it came: the platform, its headers and the raw body the shop signed.</summary>
public sealed record InboundDelivery(StorePlatform Platform, Func<string, string?> Header, byte[] Body);

public sealed record ReceiveResult(ReceiveOutcome Outcome, string Message, int? DeliveryId = null);

/// <summary>
/// Takes a shop's webhook in: the signature over the raw body first (constant-time), then the delivery is stored in
/// the inbox as it came, a repeat of one already stored is dropped, and the worker is woken. No order work happens
/// here, so the shop gets its answer at once and never retries for a slow answer.
/// </summary>
public sealed partial class StoreWebhookReceiver(IDbContextFactory<AppDbContext> dbFactory, StoreWebhookSecrets secrets, StoreWebhookSignal signal,
    TimeProvider time, ILogger<StoreWebhookReceiver> logger)
{
    public const string ShopifySignature = "X-Shopify-Hmac-SHA256";
    public const string ShopifyTopic = "X-Shopify-Topic";
    public const string ShopifyEventId = "X-Shopify-Event-Id";
    public const string ShopifyWebhookId = "X-Shopify-Webhook-Id";
    public const string ShopifyTriggeredAt = "X-Shopify-Triggered-At";
    public const string WooSignature = "X-WC-Webhook-Signature";
    public const string WooTopic = "X-WC-Webhook-Topic";
    public const string WooDeliveryId = "X-WC-Webhook-Delivery-ID";

    public async Task<ReceiveResult> ReceiveAsync(InboundDelivery delivery, CancellationToken ct = default)
    {
        var platform = delivery.Platform;
        var shopify = platform == StorePlatform.Shopify;
        // WooCommerce checks a new webhook's address with an unsigned form post; it stores nothing, so it needs no secret.
        if (!shopify && delivery.Header(WooSignature) is null && WooPing().IsMatch(Encoding.UTF8.GetString(delivery.Body)))
        {
            return new ReceiveResult(ReceiveOutcome.Ping, "Webhook address confirmed.");
        }
        var (secret, _) = await secrets.GetAsync(platform, ct);
        if (secret is null)
        {
            logger.LogWarning("A {Platform} webhook was refused: no webhook secret is set.", StoreOrderPayload.Name(platform));
            return new ReceiveResult(ReceiveOutcome.Unauthorized, $"No {StoreOrderPayload.Name(platform)} webhook secret is set in the dashboard.");
        }
        if (!SignatureMatches(delivery.Header(shopify ? ShopifySignature : WooSignature), secret, delivery.Body))
        {
            return new ReceiveResult(ReceiveOutcome.Unauthorized, "The signature is missing or does not match the body.");
        }

        var topic = Clip(delivery.Header(shopify ? ShopifyTopic : WooTopic)?.Trim() is { Length: > 0 } t ? t : "(no topic)", WebhookInboxDelivery.TopicMaxLength);
        var deliveryId = (shopify ? delivery.Header(ShopifyEventId) ?? delivery.Header(ShopifyWebhookId) : delivery.Header(WooDeliveryId))?.Trim() is { Length: > 0 } given
            ? Clip(given, WebhookInboxDelivery.DeliveryIdMaxLength)
            // Without an id from the shop, the body itself tells a repeat from a new delivery.
            : $"sha256:{Convert.ToHexStringLower(SHA256.HashData(delivery.Body))}";
        var (storeOrderId, name, changedAt) = StoreOrderPayload.Peek(platform, delivery.Body);
        if (changedAt is null && shopify && DateTimeOffset.TryParse(delivery.Header(ShopifyTriggeredAt), out var triggered))
        {
            changedAt = triggered.UtcDateTime;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.WebhookInbox.AnyAsync(d => d.Platform == platform && d.DeliveryId == deliveryId, ct))
        {
            return new ReceiveResult(ReceiveOutcome.Duplicate, "Already received.");
        }
        var handled = StoreWebhookTopics.Handles(platform, topic);
        var now = time.GetUtcNow().UtcDateTime;
        var row = new WebhookInboxDelivery
        {
            Platform = platform, DeliveryId = deliveryId, Topic = topic, StoreOrderId = storeOrderId, StoreOrderName = name, TriggeredAt = changedAt,
            ReceivedAt = now, Body = Encoding.UTF8.GetString(delivery.Body),
            State = handled ? DeliveryState.Received : DeliveryState.Ignored,
            ProcessedAt = handled ? null : now,
            Outcome = handled ? null : $"The dashboard does not act on {topic}.",
        };
        db.WebhookInbox.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The shop's retry raced its first delivery to the unique index: the first one is kept.
            if (await RepeatAsync(platform, deliveryId, ct))
            {
                return new ReceiveResult(ReceiveOutcome.Duplicate, "Already received.");
            }
            throw;
        }
        if (handled)
        {
            signal.Wake();
        }
        return new ReceiveResult(ReceiveOutcome.Stored, handled ? "Received." : "Received; this topic is not acted on.", row.Id);
    }

    /// <summary>Whether the header is the base64 HMAC-SHA256 of the body with the secret, compared in constant time.</summary>
    public static bool SignatureMatches(string? header, string secret, byte[] body)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return false;
        }
        Span<byte> given = stackalloc byte[64];
        if (!Convert.TryFromBase64String(header.Trim(), given, out var length))
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        return CryptographicOperations.FixedTimeEquals(expected, given[..length]);
    }

    /// <summary>The signature header a shop would send for the body: what the tests and the README's curl example compute.</summary>
    public static string Sign(string secret, byte[] body) => Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private async Task<bool> RepeatAsync(StorePlatform platform, string deliveryId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.WebhookInbox.AnyAsync(d => d.Platform == platform && d.DeliveryId == deliveryId, ct);
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];

    [GeneratedRegex(@"^webhook_id=\d{1,20}$")]
    private static partial Regex WooPing();
}
