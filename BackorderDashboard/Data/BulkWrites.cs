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
/// <summary>New products and their opening-stock ledger rows, built and checked, waiting to be written.</summary>
public sealed record NewProducts(List<Product> Products, List<StockLedgerEntry> Openings);

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
        // Subscribers hear of each line in the same statement batch; nothing is added when nobody listens.
        var announce = await db.AnyoneListensAsync(WebhookEvents.LineAllocated, ct) ? OutboundEvents.AllocatedSql : "";
        await ExecAsync(db, $$"""
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
            {{announce}}
            DELETE FROM bulk_allocation;
            """, ct,
            [("$json", json), ("$reason", (int)StockReason.Allocation), ("$reference", reference), ("$user", actor.DisplayName),
            ("$channel", (int)actor.Channel), ("$now", Stamp(now)),
            ("$kind", (int)OrderEventKind.Allocated), .. WebhookParams(announce, WebhookEvents.LineAllocated, now)]);
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
        // Read before the update, so each event carries the line's old date beside its new one.
        var announce = etas.Any(e => e.EventDetail is not null) && await db.AnyoneListensAsync(WebhookEvents.LineEtaChanged, ct)
            ? OutboundEvents.EtaChangedSql : "";
        await ExecAsync(db, $$"""
            CREATE TEMP TABLE IF NOT EXISTS bulk_eta (LineId INTEGER PRIMARY KEY, OrderId INTEGER, Eta TEXT, SetPromise INTEGER, Detail TEXT);
            DELETE FROM bulk_eta;
            INSERT INTO bulk_eta SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
                   json_extract(value, '$[3]'), json_extract(value, '$[4]') FROM json_each($json);
            {{announce}}
            UPDATE OrderLines SET
                   CurrentEta = (SELECT e.Eta FROM bulk_eta e WHERE e.LineId = OrderLines.Id),
                   PromisedShipDate = CASE WHEN (SELECT e.SetPromise FROM bulk_eta e WHERE e.LineId = OrderLines.Id) = 1
                                           THEN (SELECT e.Eta FROM bulk_eta e WHERE e.LineId = OrderLines.Id) ELSE PromisedShipDate END,
                   Version = Version + 1
             WHERE Id IN (SELECT LineId FROM bulk_eta);
            INSERT INTO OrderEvents (OrderId, OrderLineId, Kind, Detail, UserName, Channel, At)
            SELECT OrderId, LineId, $kind, Detail, $user, $channel, $now FROM bulk_eta WHERE Detail IS NOT NULL ORDER BY rowid;
            DELETE FROM bulk_eta;
            """, ct, [("$json", json), ("$kind", (int)OrderEventKind.EtaChanged), ("$user", actor.DisplayName),
            ("$channel", (int)actor.Channel), ("$now", Stamp(now)), .. WebhookParams(announce, WebhookEvents.LineEtaChanged, now)]);
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

    /// <summary>
    /// The products the change tracker holds as new, with their opening-stock ledger rows, taken out of the tracker
    /// (detached, so the next save leaves them alone) to be written by <see cref="WriteNewProductsAsync"/>. Done
    /// before the write transaction begins, so building and checking a large catalogue never holds the write lock.
    /// New categories and suppliers stay in the tracker for the next save. The rows are exactly what the tracker
    /// would have written: the values were set by the catalogue's rules.
    /// </summary>
    public static NewProducts TakeNewProducts(this AppDbContext db)
    {
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            var products = db.ChangeTracker.Entries<Product>().Where(e => e.State == EntityState.Added).ToList();
            var added = products.Select(e => e.Entity).ToHashSet();
            var openings = db.ChangeTracker.Entries<StockLedgerEntry>()
                .Where(e => e.State == EntityState.Added && e.Entity.ProductId == 0 && e.Entity.Product is { } p && added.Contains(p)).ToList();
            foreach (var entry in openings)
            {
                entry.State = EntityState.Detached;
            }
            foreach (var entry in products)
            {
                entry.State = EntityState.Detached;
            }
            return new NewProducts(products.Select(e => e.Entity).ToList(), openings.Select(e => e.Entity).ToList());
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    /// <summary>
    /// SKUs of <paramref name="staged"/> (any case) that products added since <paramref name="knownUpToId"/> (the
    /// highest product id when they were checked) now hold: someone else added them meanwhile. SKUs never change, so
    /// only the newer products need reading, usually none.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SkusTakenMeanwhileAsync(this AppDbContext db, NewProducts staged, int knownUpToId, CancellationToken ct)
    {
        var added = await db.Products.AsNoTracking().Where(p => p.Id > knownUpToId).Select(p => p.Sku).ToListAsync(ct);
        if (added.Count == 0)
        {
            return [];
        }
        var newer = added.ToHashSet(StringComparer.OrdinalIgnoreCase);
        return staged.Products.Select(p => p.Sku).Where(newer.Contains).ToList();
    }

    /// <summary>
    /// Writes what the tracker holds (new categories and suppliers first, so the products can name them), then the
    /// staged products and their opening stock as one statement each over a JSON array instead of two statements per
    /// product, and gives the products their ids. Inside the caller's write transaction.
    /// </summary>
    public static async Task WriteNewProductsAsync(this AppDbContext db, NewProducts staged, CancellationToken ct)
    {
        await db.SaveChangesAsync(ct);
        var rows = staged.Products;
        if (rows.Count == 0)
        {
            return;
        }
        var json = Json(rows.Select(p => new object?[]
        {
            p.Sku, p.Name, p.Category?.Id ?? p.CategoryId, p.Supplier?.Id ?? p.SupplierId, p.PriceCents, p.OnHand, p.Allocated, (int)p.BackorderPolicy,
            p.BackorderCap, p.LowStockThreshold, p.HandlingDays, p.LeadTimeDays, p.PreorderReleaseDate is { } release ? Day(release) : null,
            p.Discontinued ? 1 : 0, p.ArchivedAt is { } archived ? Stamp(archived) : null, Stamp(p.CreatedAt), p.UpdatedAt is { } updated ? Stamp(updated) : null, p.Version,
        }));
        await ExecAsync(db, """
            INSERT INTO Products (Sku, Name, CategoryId, SupplierId, PriceCents, OnHand, Allocated, BackorderPolicy, BackorderCap,
                   LowStockThreshold, HandlingDays, LeadTimeDays, PreorderReleaseDate, Discontinued, ArchivedAt, CreatedAt, UpdatedAt, Version)
            SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'),
                   json_extract(value, '$[4]'), json_extract(value, '$[5]'), json_extract(value, '$[6]'), json_extract(value, '$[7]'),
                   json_extract(value, '$[8]'), json_extract(value, '$[9]'), json_extract(value, '$[10]'), json_extract(value, '$[11]'),
                   json_extract(value, '$[12]'), json_extract(value, '$[13]'), json_extract(value, '$[14]'), json_extract(value, '$[15]'),
                   json_extract(value, '$[16]'), json_extract(value, '$[17]')
              FROM json_each($json) ORDER BY key;
            """, ct, ("$json", json));
        // One statement under the write lock numbers its rows one after another, in the array's order.
        var last = (await db.Database.SqlQueryRaw<long>("SELECT last_insert_rowid() AS Value").ToListAsync(ct)).Single();
        var first = last - rows.Count + 1;
        var firstSku = (await db.Products.AsNoTracking().Where(p => p.Id == (int)first).Select(p => p.Sku).ToListAsync(ct)).SingleOrDefault();
        if (firstSku != rows[0].Sku)
        {
            throw new InvalidOperationException($"The new products were not numbered in order: id {first} is {firstSku ?? "missing"}, not {rows[0].Sku}.");
        }
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i].Id = (int)first + i;
        }
        if (staged.Openings.Count == 0)
        {
            return;
        }
        var ledger = Json(staged.Openings.Select(l => new object?[]
        {
            l.Product.Id, l.OnHandDelta, l.AllocatedDelta, (int)l.Reason, (int?)l.Correction, l.Note, l.Reference, l.OrderLineId, l.PurchaseOrderLineId,
            l.UserName, (int?)l.Channel, Stamp(l.At),
        }));
        await ExecAsync(db, """
            INSERT INTO StockLedger (ProductId, OnHandDelta, AllocatedDelta, Reason, Correction, Note, Reference, OrderLineId, PurchaseOrderLineId,
                   UserName, Channel, At)
            SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'),
                   json_extract(value, '$[4]'), json_extract(value, '$[5]'), json_extract(value, '$[6]'), json_extract(value, '$[7]'),
                   json_extract(value, '$[8]'), json_extract(value, '$[9]'), json_extract(value, '$[10]'), json_extract(value, '$[11]')
              FROM json_each($json) ORDER BY key;
            """, ct, ("$json", ledger));
    }

    /// <summary>The parameters of an event statement, or none when the batch has no such statement.</summary>
    private static (string Name, object? Value)[] WebhookParams(string announce, string type, DateTime now) => announce.Length == 0 ? [] :
        [("$type", type), ("$iso", OutboundEvents.Iso(now)), ("$batch", OutboundEvents.NewBatch())];

    private static string Json<T>(IEnumerable<T> rows) => JsonSerializer.Serialize(rows);

    private static async Task ExecAsync(AppDbContext db, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        await db.Database.ExecuteSqlRawAsync(sql, Sql.Params(parameters), ct);

    /// <summary>Tracked copies of the rows just written are refreshed from the database (usually none or a few).</summary>
    private static async Task ReloadTrackedAsync(AppDbContext db, HashSet<int> lineIds, HashSet<int> productIds, CancellationToken ct)
    {
        // Listing the tracked entries would first scan every tracked entity for changes, which a reload discards anyway:
        // with many orders in one transaction that scan, once per statement, was most of the cost.
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
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
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }
}
