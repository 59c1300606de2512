using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using BackorderDashboard.Data;
using BackorderDashboard.Features.Api;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Domain;

/// <summary>The event types other systems can subscribe to, as they are named on the wire.</summary>
public static class WebhookEvents
{
    public const string AvailabilityChanged = "availability.changed";
    public const string LineEtaChanged = "line.eta_changed";
    public const string LineAllocated = "line.allocated";
    public const string OrderShipped = "order.shipped";
    public const string OrderCancelled = "order.cancelled";

    /// <summary>Sent only by the "Send test event" button, to the one subscription it is pressed on.</summary>
    public const string Test = "test";

    public static readonly IReadOnlyList<string> All = [AvailabilityChanged, LineEtaChanged, LineAllocated, OrderShipped, OrderCancelled];

    public static string Describe(string type) => type switch
    {
        AvailabilityChanged => "a product's badge or ship date changed",
        LineEtaChanged => "a waiting line's expected ship date moved",
        LineAllocated => "stock was set aside for a line",
        OrderShipped => "an order (or part of it) shipped",
        OrderCancelled => "a line of an order was cancelled",
        _ => "a test from this page",
    };
}

/// <summary>
/// Events for other systems, written as delivery rows in the caller's write transaction (one per active subscription
/// listening to the event), the way <see cref="OrderJournal"/> writes the outbox: a rolled-back change leaves no
/// delivery, a committed one always has its own. Which events anyone listens to is kept in memory under the store's
/// write number (<see cref="StoreWrites"/>), so with no subscriptions a change costs no statement at all.
/// </summary>
public static class OutboundEvents
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // One memory per database: a cache generation holds one write number, and each database has its own.
    private static readonly ConcurrentDictionary<string, StoreVersionedCache<string, IReadOnlySet<string>>> Listened = new(StringComparer.Ordinal);

    /// <summary>A new event id: "evt_" and 32 hex digits.</summary>
    public static string NewEventId() => "evt_" + Guid.NewGuid().ToString("N");

    /// <summary>An ISO 8601 UTC time as the events carry it.</summary>
    public static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The JSON body of an event: <c>{ id, type, createdAt, data }</c> in camelCase.</summary>
    public static string Envelope(string id, string type, DateTime at, object data) =>
        JsonSerializer.Serialize(new { id, type, createdAt = Iso(at), data }, Json);

    /// <summary>Whether an active subscription listens to the event type (from memory while the store is unchanged).</summary>
    public static async Task<bool> AnyoneListensAsync(this AppDbContext db, string type, CancellationToken ct)
    {
        var key = db.Database.GetConnectionString() ?? "";
        var version = StoreWrites.VersionOf(db);
        var listened = Listened.GetOrAdd(key, _ => new StoreVersionedCache<string, IReadOnlySet<string>>(capacity: 1));
        if (!listened.TryGet(version, default, key, out var types))
        {
            var rows = await db.WebhookSubscriptions.AsNoTracking().Where(s => s.Active).Select(s => s.Events).ToListAsync(ct);
            types = rows.SelectMany(e => e.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);
            listened.Set(version, default, key, types);
        }
        return types.Contains(type);
    }

    /// <summary>The SQL condition "subscription s is active and listens to $type".</summary>
    internal const string ListensSql = "s.Active = 1 AND instr(' ' || s.Events || ' ', ' ' || $type || ' ') > 0";

    /// <summary>One event to every active subscription listening to it, in the caller's transaction.</summary>
    public static async Task AnnounceAsync(this AppDbContext db, string type, object data, DateTime now, CancellationToken ct)
    {
        if (!await db.AnyoneListensAsync(type, ct))
        {
            return;
        }
        var id = NewEventId();
        await db.Database.ExecuteSqlRawAsync($"""
            INSERT INTO WebhookDeliveries (SubscriptionId, EventId, EventType, Body, CreatedAt, State, Attempts)
            SELECT s.Id, $id, $type, $body, $now, 0, 0 FROM WebhookSubscriptions s WHERE {ListensSql} ORDER BY s.Id;
            """, Sql.Params(("$id", id), ("$type", type), ("$body", Envelope(id, type, now, data)), ("$now", BulkWrites.Stamp(now))), ct);
    }

    /// <summary>
    /// The product's badge as just computed: announced when its status or text differs from the one last announced
    /// (kept on the product, so the comparison is made in the same transaction as the change).
    /// </summary>
    public static async Task AnnounceAvailabilityAsync(this AppDbContext db, int productId, Availability availability, DateTime now, CancellationToken ct)
    {
        if (!await db.AnyoneListensAsync(WebhookEvents.AvailabilityChanged, ct))
        {
            return;
        }
        var status = ApiEndpoints.StatusName(availability.Status);
        var announced = $"{status}|{availability.BadgeText}";
        var product = await db.Products.AsNoTracking().Where(p => p.Id == productId).Select(p => new { p.Sku, p.AnnouncedAvailability }).SingleAsync(ct);
        if (product.AnnouncedAvailability == announced)
        {
            return;
        }
        await db.Products.Where(p => p.Id == productId).ExecuteUpdateAsync(s => s.SetProperty(p => p.AnnouncedAvailability, announced), ct);
        var previous = product.AnnouncedAvailability?.Split('|', 2);
        await db.AnnounceAsync(WebhookEvents.AvailabilityChanged, new
        {
            sku = product.Sku,
            status,
            badge = availability.BadgeText,
            shipDate = availability.ShipDate,
            shipDateLatest = availability.ShipDateLatest,
            available = availability.Available,
            previousStatus = previous?[0],
            previousBadge = previous is [_, var badge] ? badge : null,
        }, now, ct);
    }

    /// <summary>
    /// The line.allocated events of a bulk allocation, read from its work table (after the lines were updated):
    /// one statement, whatever the number of lines. Event ids are the batch's prefix and the line id.
    /// </summary>
    internal const string AllocatedSql = $"""
        INSERT INTO WebhookDeliveries (SubscriptionId, EventId, EventType, Body, CreatedAt, State, Attempts)
        SELECT s.Id, e.EventId, $type, json_object('id', e.EventId, 'type', $type, 'createdAt', $iso, 'data', json_object(
                   'orderNumber', o.Number, 'externalNumber', o.ExternalNumber, 'lineId', a.LineId, 'sku', p.Sku, 'quantity', a.Qty,
                   'allocated', l.QtyAllocated, 'unfilled', l.QtyUnfilled,
                   'status', CASE WHEN l.QtyUnfilled = 0 THEN 'allocated' ELSE 'partially-allocated' END)),
               $now, 0, 0
          FROM bulk_allocation a
          JOIN (SELECT LineId, 'evt_' || $batch || printf('%08x', LineId) AS EventId FROM bulk_allocation) e ON e.LineId = a.LineId
          JOIN OrderLines l ON l.Id = a.LineId
          JOIN Orders o ON o.Id = l.OrderId
          JOIN Products p ON p.Id = l.ProductId
          JOIN WebhookSubscriptions s ON {ListensSql}
         ORDER BY a.rowid, s.Id;
        """;

    /// <summary>The line.eta_changed events of a bulk re-dating, read before the lines take their new dates.</summary>
    internal const string EtaChangedSql = $"""
        INSERT INTO WebhookDeliveries (SubscriptionId, EventId, EventType, Body, CreatedAt, State, Attempts)
        SELECT s.Id, 'evt_' || $batch || printf('%08x', b.LineId), $type, json_object('id', 'evt_' || $batch || printf('%08x', b.LineId), 'type', $type,
                   'createdAt', $iso, 'data', json_object(
                   'orderNumber', o.Number, 'externalNumber', o.ExternalNumber, 'lineId', b.LineId, 'sku', p.Sku, 'unfilled', l.QtyUnfilled,
                   'oldEta', l.CurrentEta, 'newEta', b.Eta, 'promisedShipDate', l.PromisedShipDate,
                   'late', json(CASE WHEN b.Eta IS NOT NULL AND l.PromisedShipDate IS NOT NULL AND b.Eta > l.PromisedShipDate THEN 'true' ELSE 'false' END))),
               $now, 0, 0
          FROM bulk_eta b
          JOIN OrderLines l ON l.Id = b.LineId
          JOIN Orders o ON o.Id = l.OrderId
          JOIN Products p ON p.Id = l.ProductId
          JOIN WebhookSubscriptions s ON {ListensSql}
         WHERE b.Detail IS NOT NULL
         ORDER BY b.rowid, s.Id;
        """;

    /// <summary>A batch prefix for bulk event ids: 24 hex digits, the line id makes the last 8.</summary>
    internal static string NewBatch() => Guid.NewGuid().ToString("N")[..24];
}
