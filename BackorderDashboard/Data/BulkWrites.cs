using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using BackorderDashboard.Domain;

namespace BackorderDashboard.Data;

/// <summary>A ledger-and-history change to one order line, as the bulk writers take it.</summary>
public readonly record struct LineAllocation(int LineId, int OrderId, int ProductId, int Qty, string EventDetail);

/// <summary>A waiting line's new ETA; a line just taken gets its first date as its promise too.</summary>
public readonly record struct LineEta(int LineId, int OrderId, DateOnly? Eta, bool SetPromise, string? EventDetail);

/// <summary>
/// Set-based writes for the changes a restock or a purchase-order slip makes to thousands of lines at once. Going
/// through the change tracker costs a statement per row (SQLite has no batching in EF): 20,000 statements for a
/// 10,000-unit receipt over 5,000 lines. Here each kind of row is one statement over a JSON array, inside the
/// caller's write transaction. Entities the context already tracks are reloaded afterwards so it never acts on
/// stale figures.
/// </summary>
public static class BulkWrites
{
    /// <summary>SQLite's text form of a UTC time, as EF Core stores it.</summary>
    public static string Stamp(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    /// <summary>SQLite's text form of a calendar date, as EF Core stores it.</summary>
    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Units set aside for lines: the lines and products, a ledger row and a history row per line.</summary>
    public static async Task ApplyAllocationsAsync(this AppDbContext db, IReadOnlyList<LineAllocation> allocations, string reference, Actor actor,
        DateTime now, CancellationToken ct)
    {
        if (allocations.Count == 0)
        {
            return;
        }
        var json = Json(allocations.Select(a => new object[] { a.LineId, a.OrderId, a.ProductId, a.Qty, a.EventDetail }));
        await ExecAsync(db, """
            CREATE TEMP TABLE IF NOT EXISTS bulk_allocation (LineId INTEGER PRIMARY KEY, OrderId INTEGER, ProductId INTEGER, Qty INTEGER, Detail TEXT);
            DELETE FROM bulk_allocation;
            INSERT INTO bulk_allocation SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
                   json_extract(value, '$[3]'), json_extract(value, '$[4]') FROM json_each($json);
            UPDATE OrderLines SET QtyAllocated = QtyAllocated + (SELECT a.Qty FROM bulk_allocation a WHERE a.LineId = OrderLines.Id),
                   Version = Version + 1
             WHERE Id IN (SELECT LineId FROM bulk_allocation);
            UPDATE Products SET Allocated = Allocated + (SELECT SUM(a.Qty) FROM bulk_allocation a WHERE a.ProductId = Products.Id),
                   Version = Version + 1
             WHERE Id IN (SELECT ProductId FROM bulk_allocation);
            INSERT INTO StockLedger (ProductId, OnHandDelta, AllocatedDelta, Reason, Reference, OrderLineId, UserName, Channel, At)
            SELECT ProductId, 0, Qty, $reason, $reference, LineId, $user, $channel, $now FROM bulk_allocation ORDER BY rowid;
            INSERT INTO OrderEvents (OrderId, OrderLineId, Kind, Detail, UserName, Channel, At)
            SELECT OrderId, LineId, $kind, Detail, $user, $channel, $now FROM bulk_allocation ORDER BY rowid;
            DELETE FROM bulk_allocation;
            """, ct,
            ("$json", json), ("$reason", (int)StockReason.Allocation), ("$reference", reference), ("$user", actor.DisplayName),
            ("$channel", (int)actor.Channel), ("$now", Stamp(now)),
            ("$kind", (int)OrderEventKind.Allocated));
        await ReloadTrackedAsync(db, allocations.Select(a => a.LineId).ToHashSet(), allocations.Select(a => a.ProductId).ToHashSet(), ct);
    }

    /// <summary>New ETAs for waiting lines, with a history row for each line whose date moved.</summary>
    public static async Task SetEtasAsync(this AppDbContext db, IReadOnlyList<LineEta> etas, Actor actor, DateTime now, CancellationToken ct)
    {
        if (etas.Count == 0)
        {
            return;
        }
        var json = Json(etas.Select(e => new object?[] { e.LineId, e.OrderId, e.Eta is { } d ? Day(d) : null, e.SetPromise ? 1 : 0, e.EventDetail }));
        await ExecAsync(db, """
            CREATE TEMP TABLE IF NOT EXISTS bulk_eta (LineId INTEGER PRIMARY KEY, OrderId INTEGER, Eta TEXT, SetPromise INTEGER, Detail TEXT);
            DELETE FROM bulk_eta;
            INSERT INTO bulk_eta SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
                   json_extract(value, '$[3]'), json_extract(value, '$[4]') FROM json_each($json);
            UPDATE OrderLines SET
                   CurrentEta = (SELECT e.Eta FROM bulk_eta e WHERE e.LineId = OrderLines.Id),
                   PromisedShipDate = CASE WHEN (SELECT e.SetPromise FROM bulk_eta e WHERE e.LineId = OrderLines.Id) = 1
                                           THEN (SELECT e.Eta FROM bulk_eta e WHERE e.LineId = OrderLines.Id) ELSE PromisedShipDate END,
                   Version = Version + 1
             WHERE Id IN (SELECT LineId FROM bulk_eta);
            INSERT INTO OrderEvents (OrderId, OrderLineId, Kind, Detail, UserName, Channel, At)
            SELECT OrderId, LineId, $kind, Detail, $user, $channel, $now FROM bulk_eta WHERE Detail IS NOT NULL ORDER BY rowid;
            DELETE FROM bulk_eta;
            """, ct, ("$json", json), ("$kind", (int)OrderEventKind.EtaChanged), ("$user", actor.DisplayName),
            ("$channel", (int)actor.Channel), ("$now", Stamp(now)));
        await ReloadTrackedAsync(db, etas.Select(e => e.LineId).ToHashSet(), [], ct);
    }

    /// <summary>Messages to customers, written in one statement (the dispatcher sends them later).</summary>
    public static async Task AddMessagesAsync(this AppDbContext db, IReadOnlyList<OutboxMessage> messages, CancellationToken ct)
    {
        if (messages.Count == 0)
        {
            return;
        }
        var json = Json(messages.Select(m => new object?[]
        {
            (int)m.Kind, m.OrderId, m.ToEmail, m.Subject, m.BodyText, Stamp(m.CreatedAt), m.OrderLineId, m.ActorName, (int?)m.Channel,
        }));
        await ExecAsync(db, """
            INSERT INTO Outbox (Kind, OrderId, ToEmail, Subject, BodyText, CreatedAt, State, Attempts, OrderLineId, ActorName, Channel)
            SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'),
                   json_extract(value, '$[4]'), json_extract(value, '$[5]'), 0, 0, json_extract(value, '$[6]'),
                   json_extract(value, '$[7]'), json_extract(value, '$[8]')
            FROM json_each($json) ORDER BY key;
            """, ct, ("$json", json));
    }

    private static string Json<T>(IEnumerable<T> rows) => JsonSerializer.Serialize(rows);

    private static async Task ExecAsync(AppDbContext db, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        await db.Database.ExecuteSqlRawAsync(sql, Sql.Params(parameters), ct);

    /// <summary>Tracked copies of the rows just written are refreshed from the database (usually none or a few).</summary>
    private static async Task ReloadTrackedAsync(AppDbContext db, HashSet<int> lineIds, HashSet<int> productIds, CancellationToken ct)
    {
        foreach (var entry in db.ChangeTracker.Entries<OrderLine>().Where(e => lineIds.Contains(e.Entity.Id)).ToList())
        {
            await entry.ReloadAsync(ct);
        }
        foreach (var entry in db.ChangeTracker.Entries<Product>().Where(e => productIds.Contains(e.Entity.Id)).ToList())
        {
            await entry.ReloadAsync(ct);
        }
    }
}
