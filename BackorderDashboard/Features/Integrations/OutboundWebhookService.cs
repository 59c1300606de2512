using System.Security.Cryptography;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BackorderDashboard.Features.Integrations;

/// <summary>What the merchant enters for a subscription. A null or blank secret makes a new one (or keeps the old one on edit).</summary>
public sealed record WebhookSubscriptionInput(string? Url, IReadOnlyCollection<string> Events, string? Secret = null, bool Active = true);

/// <summary>
/// The outcome of saving a subscription: errors by field ("Url", "Events", "Secret"; "" for a refusal), and the
/// secret in full when it was just made or pasted, to be shown this once.
/// </summary>
public sealed record WebhookSubscriptionSaved(bool Succeeded, IReadOnlyDictionary<string, string> Errors, int Id = 0, string? Secret = null)
{
    public static WebhookSubscriptionSaved Fail(string field, string message) => new(false, new Dictionary<string, string> { [field] = message });
}

public sealed record WebhookLastResult(DateTime At, int? StatusCode, string? Error, bool Delivered);

public sealed record WebhookSubscriptionRow(int Id, string Url, IReadOnlyList<string> Events, bool Active, string MaskedSecret, DateTime CreatedAt,
    string? CreatedBy, WebhookLastResult? Last, int Waiting, int Failing);

public sealed record WebhookDeliveryRow(long Id, int SubscriptionId, string Url, string EventId, string EventType, DateTime CreatedAt,
    WebhookDeliveryState State, int Attempts, int? LastStatusCode, string? LastError, DateTime? LastAttemptAt, DateTime? NextAttemptAt,
    DateTime? DeliveredAt, bool Failing);

public sealed record WebhookAttemptRow(DateTime At, int? StatusCode, string? Error, int DurationMs);

/// <summary>
/// Subscriptions of other systems to the store's events, for merchants and admins on the Integrations page: add,
/// edit, pause, delete, a test event, and the delivery log with a "retry now". Every change is checked against the
/// permission table and written to the audit log (never the secret).
/// </summary>
public sealed class OutboundWebhookService(IDbContextFactory<AppDbContext> dbFactory, AuditLog audit, OutboundWebhookSignal signal,
    IOptions<OutboundWebhookOptions> options, TimeProvider time)
{
    public const string SecretPrefix = "whsec_";
    public const int MinSecretLength = 16;

    /// <summary>A new secret: "whsec_" and 43 characters of a 256-bit random number.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The secret as the page shows it after creation: its start and its last four characters.</summary>
    public static string Mask(string secret) =>
        secret.Length <= 8 ? "••••" : $"{(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? SecretPrefix : "")}••••{secret[^4..]}";

    /// <summary>Null when the URL can receive webhooks (absolute http or https); otherwise what to fix.</summary>
    public static string? UrlProblem(string? url)
    {
        var trimmed = url?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return "Enter the address that receives the events, for example https://example.com/hooks/backorders.";
        }
        if (trimmed.Length > WebhookSubscription.UrlMaxLength)
        {
            return $"The address is too long: at most {WebhookSubscription.UrlMaxLength} characters.";
        }
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            return "Enter a full address starting with https:// (or http://), for example https://example.com/hooks/backorders.";
        }
        return null;
    }

    public async Task<WebhookSubscriptionSaved> CreateAsync(WebhookSubscriptionInput input, Actor actor, CancellationToken ct = default)
    {
        if (Check(input, actor, creating: true) is { } failed)
        {
            return failed;
        }
        var secret = string.IsNullOrWhiteSpace(input.Secret) ? NewSecret() : input.Secret.Trim();
        var events = Events(input.Events);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var row = new WebhookSubscription
        {
            Url = input.Url!.Trim(), Secret = secret, Events = string.Join(' ', events), Active = input.Active,
            CreatedAt = time.GetUtcNow().UtcDateTime, CreatedBy = actor.DisplayName,
        };
        db.WebhookSubscriptions.Add(row);
        audit.Add(db, AuditKind.WebhookSubscriptionCreated, actor, Subject(row.Url),
            $"Webhook to {row.Url} for {string.Join(", ", events)}{(row.Active ? "" : " (paused)")}");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new WebhookSubscriptionSaved(true, new Dictionary<string, string>(), row.Id, secret);
    }

    /// <summary>New URL, events and state; a new secret only when one is given (returned to show once).</summary>
    public async Task<WebhookSubscriptionSaved> UpdateAsync(int id, WebhookSubscriptionInput input, Actor actor, CancellationToken ct = default)
    {
        if (Check(input, actor, creating: false) is { } failed)
        {
            return failed;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var row = await db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == id, ct);
        if (row is null)
        {
            return WebhookSubscriptionSaved.Fail("", "That subscription no longer exists.");
        }
        var events = string.Join(' ', Events(input.Events));
        var newSecret = string.IsNullOrWhiteSpace(input.Secret) ? null : input.Secret.Trim();
        var changes = AuditLog.Changes(("URL", row.Url, input.Url!.Trim()), ("events", row.Events, events), ("active", row.Active, input.Active));
        if (newSecret is not null && newSecret != row.Secret)
        {
            changes = changes.Length == 0 ? "secret replaced" : changes + "; secret replaced";
        }
        row.Url = input.Url.Trim();
        row.Events = events;
        row.Active = input.Active;
        row.Secret = newSecret ?? row.Secret;
        row.UpdatedAt = time.GetUtcNow().UtcDateTime;
        if (changes.Length > 0)
        {
            audit.Add(db, AuditKind.WebhookSubscriptionChanged, actor, Subject(row.Url), $"Webhook to {row.Url}: {changes}");
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new WebhookSubscriptionSaved(true, new Dictionary<string, string>(), row.Id, newSecret);
    }

    /// <summary>Pauses (no new deliveries) or resumes a subscription. Null when done; otherwise why not.</summary>
    public async Task<string?> SetActiveAsync(int id, bool active, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.ManageWebhookSubscriptions) is { } refused)
        {
            return refused;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var row = await db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == id, ct);
        if (row is null)
        {
            return "That subscription no longer exists.";
        }
        if (row.Active == active)
        {
            return null;
        }
        row.Active = active;
        row.UpdatedAt = time.GetUtcNow().UtcDateTime;
        audit.Add(db, AuditKind.WebhookSubscriptionChanged, actor, Subject(row.Url), $"Webhook to {row.Url} {(active ? "resumed" : "paused")}");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return null;
    }

    /// <summary>Removes a subscription with its deliveries and their log. Null when done; otherwise why not.</summary>
    public async Task<string?> DeleteAsync(int id, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.ManageWebhookSubscriptions) is { } refused)
        {
            return refused;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var row = await db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == id, ct);
        if (row is null)
        {
            return null;
        }
        var waiting = await db.WebhookDeliveries.CountAsync(d => d.SubscriptionId == id && d.State != WebhookDeliveryState.Delivered, ct);
        db.WebhookSubscriptions.Remove(row);
        audit.Add(db, AuditKind.WebhookSubscriptionDeleted, actor, Subject(row.Url),
            $"Webhook to {row.Url} deleted{(waiting > 0 ? $" with {Words.Count(waiting, "delivery", "deliveries")} not yet delivered" : "")}");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return null;
    }

    public async Task<IReadOnlyList<WebhookSubscriptionRow>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        if (!Access.Allows(actor, Operation.ManageWebhookSubscriptions))
        {
            return [];
        }
        var failingAfter = options.Value.FailingAfterAttempts;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.WebhookSubscriptions.AsNoTracking().OrderBy(s => s.Id).Select(s => new
        {
            s.Id, s.Url, s.Events, s.Active, s.Secret, s.CreatedAt, s.CreatedBy,
            Last = db.WebhookDeliveries.Where(d => d.SubscriptionId == s.Id && d.LastAttemptAt != null).OrderByDescending(d => d.LastAttemptAt)
                .ThenByDescending(d => d.Id)
                .Select(d => new WebhookLastResult(d.LastAttemptAt!.Value, d.LastStatusCode, d.LastError, d.State == WebhookDeliveryState.Delivered))
                .FirstOrDefault(),
            Waiting = db.WebhookDeliveries.Count(d => d.SubscriptionId == s.Id && d.State != WebhookDeliveryState.Delivered),
            Failing = db.WebhookDeliveries.Count(d => d.SubscriptionId == s.Id && d.State != WebhookDeliveryState.Delivered && d.Attempts >= failingAfter),
        }).ToListAsync(ct);
        return rows.Select(s => new WebhookSubscriptionRow(s.Id, s.Url, s.Events.Split(' ', StringSplitOptions.RemoveEmptyEntries), s.Active, Mask(s.Secret),
            s.CreatedAt, s.CreatedBy, s.Last, s.Waiting, s.Failing)).ToList();
    }

    /// <summary>The most recent deliveries, newest first (of one subscription, or all).</summary>
    public async Task<IReadOnlyList<WebhookDeliveryRow>> DeliveriesAsync(Actor actor, int? subscriptionId = null, int take = 50, CancellationToken ct = default)
    {
        if (!Access.Allows(actor, Operation.ManageWebhookSubscriptions))
        {
            return [];
        }
        var failingAfter = options.Value.FailingAfterAttempts;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.WebhookDeliveries.AsNoTracking()
            .Where(d => subscriptionId == null || d.SubscriptionId == subscriptionId)
            .OrderByDescending(d => d.Id).Take(Math.Clamp(take, 1, 200))
            .Select(d => new WebhookDeliveryRow(d.Id, d.SubscriptionId, d.Subscription.Url, d.EventId, d.EventType, d.CreatedAt, d.State, d.Attempts,
                d.LastStatusCode, d.LastError, d.LastAttemptAt, d.NextAttemptAt, d.DeliveredAt,
                d.State != WebhookDeliveryState.Delivered && d.Attempts >= failingAfter))
            .ToListAsync(ct);
    }

    /// <summary>Every attempt of one delivery, oldest first.</summary>
    public async Task<IReadOnlyList<WebhookAttemptRow>> AttemptsAsync(long deliveryId, Actor actor, CancellationToken ct = default)
    {
        if (!Access.Allows(actor, Operation.ManageWebhookSubscriptions))
        {
            return [];
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.WebhookAttempts.AsNoTracking().Where(a => a.DeliveryId == deliveryId).OrderBy(a => a.Id)
            .Select(a => new WebhookAttemptRow(a.At, a.StatusCode, a.Error, a.DurationMs)).ToListAsync(ct);
    }

    /// <summary>
    /// A <c>test</c> event to this one subscription (paused or not), through the same dispatcher, signature and log
    /// as every other event. Null when queued; otherwise why not.
    /// </summary>
    public async Task<string?> SendTestAsync(int id, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.ManageWebhookSubscriptions) is { } refused)
        {
            return refused;
        }
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.WebhookSubscriptions.AnyAsync(s => s.Id == id, ct))
        {
            return "That subscription no longer exists.";
        }
        var eventId = OutboundEvents.NewEventId();
        db.WebhookDeliveries.Add(new WebhookDelivery
        {
            SubscriptionId = id, EventId = eventId, EventType = WebhookEvents.Test, CreatedAt = now,
            Body = OutboundEvents.Envelope(eventId, WebhookEvents.Test, now, new { message = "A test event from the Integrations page.", sentBy = actor.DisplayName }),
        });
        await db.SaveChangesAsync(ct);
        signal.Wake();
        return null;
    }

    /// <summary>Sends a delivery that is waiting (or failing) at once instead of at its next attempt. Null when queued.</summary>
    public async Task<string?> RetryNowAsync(long deliveryId, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.ManageWebhookSubscriptions) is { } refused)
        {
            return refused;
        }
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var updated = await db.WebhookDeliveries.Where(d => d.Id == deliveryId && d.State == WebhookDeliveryState.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, now), ct);
        if (updated == 0)
        {
            return await db.WebhookDeliveries.AnyAsync(d => d.Id == deliveryId, ct)
                ? "That delivery was delivered already, or is being sent right now."
                : "That delivery no longer exists.";
        }
        signal.Wake();
        return null;
    }

    private static WebhookSubscriptionSaved? Check(WebhookSubscriptionInput input, Actor actor, bool creating)
    {
        if (Access.Refusal(actor, Operation.ManageWebhookSubscriptions) is { } refused)
        {
            return WebhookSubscriptionSaved.Fail("", refused);
        }
        var errors = new Dictionary<string, string>();
        if (UrlProblem(input.Url) is { } url)
        {
            errors["Url"] = url;
        }
        var wanted = input.Events.Select(e => e.Trim()).Where(e => e.Length > 0).ToList();
        if (wanted.Count == 0)
        {
            errors["Events"] = "Choose at least one event to send.";
        }
        else if (wanted.FirstOrDefault(e => !WebhookEvents.All.Contains(e)) is { } unknown)
        {
            errors["Events"] = $"“{unknown}” is not an event. Events: {string.Join(", ", WebhookEvents.All)}.";
        }
        if (!string.IsNullOrWhiteSpace(input.Secret))
        {
            var secret = input.Secret.Trim();
            if (secret.Length < MinSecretLength)
            {
                errors["Secret"] = $"A secret needs at least {MinSecretLength} characters; leave it empty to have a strong one made{(creating ? "" : " (or to keep the current one)")}.";
            }
            else if (secret.Length > WebhookSubscription.SecretMaxLength || secret.Any(char.IsWhiteSpace))
            {
                errors["Secret"] = $"A secret has no spaces and at most {WebhookSubscription.SecretMaxLength} characters.";
            }
        }
        return errors.Count == 0 ? null : new WebhookSubscriptionSaved(false, errors);
    }

    private static List<string> Events(IEnumerable<string> wanted)
    {
        var set = wanted.Select(e => e.Trim()).ToHashSet(StringComparer.Ordinal);
        return WebhookEvents.All.Where(set.Contains).ToList();
    }

    private static string Subject(string url) => url.Length <= AuditEntry.SubjectMaxLength ? url : url[..AuditEntry.SubjectMaxLength];
}
