using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Audit;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackorderDashboard.Features.Integrations;

/// <summary>One shop as the Integrations page shows it: where its webhooks go, which secret checks them, what came in.</summary>
public sealed record StoreConnectionView(StorePlatform Platform, string Name, string WebhookUrl, string ConfigurationKey, SecretSource Source,
    string? MaskedSecret, int Received, int Processed, int Failed, int Waiting, int Ignored, DateTime? LastReceivedAt);

public sealed record DeliveryRow(int Id, StorePlatform Platform, string Topic, string? StoreOrderId, string? StoreOrderName, DateTime ReceivedAt,
    DeliveryState State, int Attempts, DateTime? NextAttemptAt, string? LastError, string? Outcome, DateTime? ProcessedAt, string? OrderNumber,
    bool WaitsForEarlier = false);

public sealed record DeliveryPage(IReadOnlyList<DeliveryRow> Rows, int Total);

/// <summary>
/// The Integrations page's store webhooks: each shop's set-up and counts, the recent deliveries, the secret the
/// merchant may set here, and replaying what failed once its cause is fixed. Every change checks the actor and is
/// written to the audit log.
/// </summary>
public sealed class StoreWebhookService(IDbContextFactory<AppDbContext> dbFactory, IConfiguration configuration, IOptions<MessagingOptions> messaging,
    StoreWebhookSignal signal, AuditLog audit, TimeProvider time)
{
    public const int PageSize = 25;

    public static readonly IReadOnlyList<StorePlatform> Platforms = [StorePlatform.Shopify, StorePlatform.WooCommerce];

    public static string Path(StorePlatform platform) => platform == StorePlatform.Shopify ? "/webhooks/shopify" : "/webhooks/woocommerce";

    public async Task<IReadOnlyList<StoreConnectionView>> GetConnectionsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var counts = await db.WebhookInbox.AsNoTracking().GroupBy(d => new { d.Platform, d.State })
            .Select(g => new { g.Key.Platform, g.Key.State, Count = g.Count(), Last = g.Max(d => d.ReceivedAt) }).ToListAsync(ct);
        var saved = await db.StoreConnections.AsNoTracking().ToDictionaryAsync(c => c.Platform, c => c.WebhookSecret, ct);
        var baseUrl = messaging.Value.PublicBaseUrl.TrimEnd('/');
        return Platforms.Select(p =>
        {
            var key = StoreWebhookSecrets.ConfigurationKey(p);
            var (secret, source) = configuration[key] is { Length: > 0 } configured ? (configured, SecretSource.Configuration)
                : saved.GetValueOrDefault(p) is { Length: > 0 } own ? (own, SecretSource.Page) : ((string?)null, SecretSource.None);
            int Count(DeliveryState state) => counts.Where(c => c.Platform == p && c.State == state).Sum(c => c.Count);
            return new StoreConnectionView(p, StoreOrderPayload.Name(p), baseUrl + Path(p), key, source, secret is null ? null : StoreWebhookSecrets.Masked(secret),
                counts.Where(c => c.Platform == p).Sum(c => c.Count), Count(DeliveryState.Processed), Count(DeliveryState.Failed), Count(DeliveryState.Received),
                Count(DeliveryState.Ignored), counts.Where(c => c.Platform == p).Select(c => (DateTime?)c.Last).Max());
        }).ToList();
    }

    /// <summary>The latest deliveries first, a page at a time; only the failed ones when asked.</summary>
    public async Task<DeliveryPage> GetDeliveriesAsync(bool failedOnly, int page = 0, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.WebhookInbox.AsNoTracking();
        if (failedOnly)
        {
            query = query.Where(d => d.State == DeliveryState.Failed);
        }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(d => d.Id).Skip(Math.Max(0, page) * PageSize).Take(PageSize)
            .Select(d => new DeliveryRow(d.Id, d.Platform, d.Topic, d.StoreOrderId, d.StoreOrderName, d.ReceivedAt, d.State, d.Attempts, d.NextAttemptAt,
                d.LastError, d.Outcome, d.ProcessedAt, d.OrderNumber,
                d.State == DeliveryState.Received && d.StoreOrderId != null && db.WebhookInbox.Any(e => e.Platform == d.Platform
                    && e.StoreOrderId == d.StoreOrderId && e.Id < d.Id && (e.State == DeliveryState.Received || e.State == DeliveryState.Failed))))
            .ToListAsync(ct);
        return new DeliveryPage(rows, total);
    }

    /// <summary>Saves the shop's webhook secret (empty: removes it). A configured secret still wins over it.</summary>
    public async Task<ActionResult> SetSecretAsync(StorePlatform platform, string? secret, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.ManageIntegrations) is { } refused)
        {
            return ActionResult.Refuse(refused);
        }
        var value = secret?.Trim() is { Length: > 0 } given ? given : null;
        var name = StoreOrderPayload.Name(platform);
        if (value is { Length: > StoreConnection.SecretMaxLength })
        {
            return ActionResult.Fail($"A webhook secret has at most {StoreConnection.SecretMaxLength} characters.");
        }
        if (value is { Length: < 12 })
        {
            return ActionResult.Fail($"That is too short for {name}'s signing secret: paste the whole secret {name} shows (at least 12 characters).");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var row = await db.StoreConnections.SingleOrDefaultAsync(c => c.Platform == platform, ct)
            ?? db.StoreConnections.Add(new StoreConnection { Platform = platform }).Entity;
        var had = row.WebhookSecret is not null;
        row.WebhookSecret = value;
        row.UpdatedAt = time.GetUtcNow().UtcDateTime;
        row.UpdatedBy = actor.DisplayName;
        audit.Add(db, AuditKind.StoreIntegrationChanged, actor, name,
            value is null ? $"{name} webhook secret removed" : $"{name} webhook secret {(had ? "replaced" : "set")} (ending {StoreWebhookSecrets.Masked(value)})");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var overridden = configuration[StoreWebhookSecrets.ConfigurationKey(platform)] is { Length: > 0 }
            ? $" The configured {StoreWebhookSecrets.ConfigurationKey(platform)} is set and is used instead." : "";
        return ActionResult.Ok((value is null ? $"{name} webhook secret removed." : $"{name} webhook secret saved.") + overridden);
    }

    /// <summary>Runs a failed delivery again (after its cause is fixed); the deliveries of its store order waiting behind it follow.</summary>
    public Task<ActionResult> ReplayAsync(int id, Actor actor, CancellationToken ct = default) => ReplayWhereAsync(d => d.Id == id, actor, ct);

    public Task<ActionResult> ReplayAllFailedAsync(Actor actor, CancellationToken ct = default) => ReplayWhereAsync(_ => true, actor, ct);

    /// <summary>Sets a failed delivery aside for good (the merchant handled it by hand), so the later ones of its store order go on.</summary>
    public async Task<ActionResult> SetAsideAsync(int id, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.ManageIntegrations) is { } refused)
        {
            return ActionResult.Refuse(refused);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var delivery = await db.WebhookInbox.SingleOrDefaultAsync(d => d.Id == id && d.State == DeliveryState.Failed, ct);
        if (delivery is null)
        {
            return ActionResult.Fail("That delivery is no longer failed.");
        }
        delivery.State = DeliveryState.Ignored;
        delivery.Outcome = $"Set aside by {actor.DisplayName}: not applied.";
        delivery.ProcessedAt = time.GetUtcNow().UtcDateTime;
        delivery.Version++;
        audit.Add(db, AuditKind.StoreIntegrationChanged, actor, StoreOrderPayload.Name(delivery.Platform),
            $"Delivery {delivery.Id} ({delivery.Topic} {delivery.StoreOrderName}) set aside: {delivery.LastError}");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        signal.Wake();
        return ActionResult.Ok("Set aside; later deliveries of the same order go on.");
    }

    private async Task<ActionResult> ReplayWhereAsync(System.Linq.Expressions.Expression<Func<WebhookInboxDelivery, bool>> which, Actor actor, CancellationToken ct)
    {
        if (Access.Refusal(actor, Operation.ManageIntegrations) is { } refused)
        {
            return ActionResult.Refuse(refused);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var failed = await db.WebhookInbox.Where(d => d.State == DeliveryState.Failed).Where(which).OrderBy(d => d.Id).ToListAsync(ct);
        if (failed.Count == 0)
        {
            return ActionResult.Fail("Nothing to replay: no failed delivery.");
        }
        foreach (var delivery in failed)
        {
            delivery.State = DeliveryState.Received;
            delivery.Attempts = 0;
            delivery.NextAttemptAt = null;
            delivery.Version++;
        }
        audit.Add(db, AuditKind.StoreIntegrationChanged, actor, string.Join(", ", failed.Select(d => StoreOrderPayload.Name(d.Platform)).Distinct()),
            $"Replayed {Words.Count(failed.Count, "failed delivery", "failed deliveries")}: {string.Join(", ", failed.Take(20).Select(d => $"{d.Id} ({d.Topic} {d.StoreOrderName})"))}");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        signal.Wake();
        return ActionResult.Ok(failed.Count == 1 ? "Replaying the delivery: it runs again in a moment." : $"Replaying {failed.Count} deliveries: they run again in a moment.");
    }
}
