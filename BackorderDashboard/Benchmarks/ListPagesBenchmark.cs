using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Messages;
using BackorderDashboard.Features.Restock;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Benchmarks;

/// <summary>
/// Times two list pages on the large store, each its first page and a page half way down (reached by its key, as
/// the Next link does): the purchase orders (open first, by expected date) and the outbox (newest first), 50 rows,
/// through the app's services, against the same work in hand-written SQL (checked equal first) and the floor: one
/// 50-row read by key over the index the page reads, with the columns it shows.
/// </summary>
public static class ListPagesBenchmark
{
    private const int PageSize = 50;

    public static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(string connectionString, int runs, CancellationToken ct = default)
    {
        await LargeDatabase.EnsureOutboxAsync(connectionString, ct);
        await using var services = BenchmarkServices.Create(connectionString);
        var (factory, counter) = (services.Factory, services.Counter);
        var purchaseOrders = services.Get<PurchaseOrderService>();
        var outbox = services.Get<OutboxService>();
        var today = (await services.Get<SettingsService>().GetClockAsync(ct)).Today;
        int poMiddle;
        long messageMiddle;
        await using (var db = factory.CreateDbContext())
        {
            // The order half way down the list, and the message half way down the outbox: where a page further on starts.
            var pos = await db.PurchaseOrders.CountAsync(ct);
            poMiddle = await db.PurchaseOrders.OrderBy(p => p.Status == PurchaseOrderStatus.Received || p.Status == PurchaseOrderStatus.Cancelled)
                .ThenBy(p => p.ExpectedDate).ThenBy(p => p.Id).Skip(pos / 2).Select(p => p.Id).FirstAsync(ct);
            var messages = await db.Outbox.CountAsync(ct);
            messageMiddle = await db.Outbox.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Skip(messages / 2).Select(m => m.Id).FirstAsync(ct);
        }
        await using var raw = await Benchmark.OpenRawAsync(connectionString, ct);

        var results = new List<BenchmarkResult>();
        foreach (var (label, after) in new[] { ("first page", (int?)null), ("a page half way down", poMiddle) })
        {
            var query = new PurchaseOrderQuery(After: after, PageSize: PageSize);
            var app = await purchaseOrders.ListAsync(query, ct);
            var hand = await RawPurchaseOrdersAsync(raw, after, today, ct);
            var floor = await PurchaseOrdersFloorAsync(raw, after, ct);
            if (app.Rows.Count != PageSize || !app.Rows.Select(r => (r.Id, r.Lines, r.UnitsOrdered, r.Overdue)).SequenceEqual(hand.Select(r => (r.Id, r.Lines, r.UnitsOrdered, r.Overdue)))
                || !app.Rows.Select(r => r.Id).SequenceEqual(floor.Select(r => r.Id)))
            {
                throw new InvalidOperationException($"The raw SQL purchase orders page ({label}) differs from the app's: the comparison would be meaningless.");
            }
            results.Add(await Benchmark.MeasureAsync($"Purchase orders page: 50 rows, {label} ({app.Matches.Text("order", "orders")})", runs, counter,
                () => purchaseOrders.ListAsync(query, ct), () => RawPurchaseOrdersAsync(raw, after, today, ct),
                floor: () => PurchaseOrdersFloorAsync(raw, after, ct)));
        }
        foreach (var (label, after) in new[] { ("first page", (long?)null), ("a page half way down", messageMiddle) })
        {
            var query = new OutboxQuery(After: after, PageSize: PageSize);
            var app = await outbox.ListAsync(query, ct);
            var hand = await RawOutboxAsync(raw, after, ct);
            var floor = await OutboxFloorAsync(raw, after, ct);
            if (app.Rows.Count != PageSize || !app.Rows.Select(r => (r.Id, r.OrderNumber, r.State)).SequenceEqual(hand.Select(r => (r.Id, r.OrderNumber, r.State)))
                || !app.Rows.Select(r => r.Id).SequenceEqual(floor.Select(r => r.Id)))
            {
                throw new InvalidOperationException($"The raw SQL outbox page ({label}) differs from the app's: the comparison would be meaningless.");
            }
            results.Add(await Benchmark.MeasureAsync($"Outbox page: 50 rows, {label} ({app.Matches.Text("message", "messages")})", runs, counter,
                () => outbox.ListAsync(query, ct), () => RawOutboxAsync(raw, after, ct), floor: () => OutboxFloorAsync(raw, after, ct)));
        }
        return results;
    }

    private sealed record PoRow(int Id, string Number, string Supplier, PurchaseOrderStatus Status, DateTime? OrderedAt, DateOnly ExpectedDate,
        DateOnly? OriginalExpectedDate, int Lines, int UnitsOrdered, int UnitsReceived)
    {
        public bool Overdue { get; init; }
    }

    private sealed record PoKey(bool Closed, DateOnly ExpectedDate, int Id);

    private sealed record Counted(int Total);

    private const string PoColumns = """
        p.Id, p.Number, s.Name AS Supplier, p.Status, p.OrderedAt, p.ExpectedDate, p.OriginalExpectedDate,
        (SELECT COUNT(*) FROM PurchaseOrderLines l WHERE l.PurchaseOrderId = p.Id) AS Lines,
        (SELECT COALESCE(SUM(l.QtyOrdered), 0) FROM PurchaseOrderLines l WHERE l.PurchaseOrderId = p.Id) AS UnitsOrdered,
        (SELECT COALESCE(SUM(l.QtyReceived), 0) FROM PurchaseOrderLines l WHERE l.PurchaseOrderId = p.Id) AS UnitsReceived
        """;

    private static string Closed(string alias) => $"{alias}.Status IN ({(int)PurchaseOrderStatus.Received}, {(int)PurchaseOrderStatus.Cancelled})";

    /// <summary>
    /// The page by hand: the capped count, the key of the order it starts after, then each status's range of the
    /// (status, expected date) index from there, merged, with the shown columns of the 51 rows kept.
    /// </summary>
    private static async Task<List<PoRow>> RawPurchaseOrdersAsync(SqliteConnection connection, int? after, DateOnly today, CancellationToken ct)
    {
        _ = (await connection.Command($"SELECT COUNT(*) AS Total FROM (SELECT 1 FROM PurchaseOrders LIMIT {ListCount.Cap + 1})").SingleAsync<Counted>(ct)).Total;
        var key = after is { } id
            ? (await connection.Command($"SELECT {Closed("p")} AS Closed, p.ExpectedDate, p.Id FROM PurchaseOrders p WHERE p.Id = $id", ("$id", id))
                .ListAsync<PoKey>(ct)).SingleOrDefault()
            : null;
        var segments = Enum.GetValues<PurchaseOrderStatus>()
            .Where(s => key is null || !key.Closed || s is PurchaseOrderStatus.Received or PurchaseOrderStatus.Cancelled)
            .Select(s =>
            {
                var sameGroup = key is not null && key.Closed == (s is PurchaseOrderStatus.Received or PurchaseOrderStatus.Cancelled);
                var from = sameGroup ? "AND ExpectedDate >= $day AND (ExpectedDate > $day OR Id > $id)" : "";
                return $"SELECT * FROM (SELECT Id, Status, ExpectedDate FROM PurchaseOrders WHERE Status = {(int)s} {from} ORDER BY ExpectedDate, Id LIMIT {PageSize + 1})";
            });
        var rows = await connection.Command($"""
            SELECT {PoColumns}
            FROM ({string.Join(" UNION ALL ", segments)}) k
            JOIN PurchaseOrders p ON p.Id = k.Id JOIN Suppliers s ON s.Id = p.SupplierId
            ORDER BY {Closed("k")}, k.ExpectedDate, k.Id LIMIT {PageSize + 1}
            """, ("$day", key is null ? null : BulkWrites.Day(key.ExpectedDate)), ("$id", key?.Id)).ListAsync<PoRow>(ct);
        return rows.Take(PageSize).Select(r => r with { Overdue = r.Status.IsOverdue(r.ExpectedDate, today) }).ToList();
    }

    /// <summary>The floor: 50 rows of one status's range of the (status, expected date) index by key, with the shown columns.</summary>
    private static async Task<List<PoRow>> PurchaseOrdersFloorAsync(SqliteConnection connection, int? after, CancellationToken ct)
    {
        // The large store's orders are either ordered (open) or received: the first page and the middle each lie in one status.
        var (status, from) = after is null
            ? (PurchaseOrderStatus.Ordered, "")
            : (PurchaseOrderStatus.Received, "AND p.ExpectedDate >= (SELECT ExpectedDate FROM PurchaseOrders WHERE Id = $id) "
                + "AND (p.ExpectedDate > (SELECT ExpectedDate FROM PurchaseOrders WHERE Id = $id) OR p.Id > $id)");
        return await connection.Command($"""
            SELECT {PoColumns}
            FROM PurchaseOrders p JOIN Suppliers s ON s.Id = p.SupplierId
            WHERE p.Status = {(int)status} {from}
            ORDER BY p.ExpectedDate, p.Id LIMIT {PageSize}
            """, ("$id", after)).ListAsync<PoRow>(ct);
    }

    private sealed record MessageRow(long Id, MessageKind Kind, string? OrderNumber, string ToEmail, string Subject, DateTime CreatedAt, MessageState State,
        int Attempts, DateTime? SentAt, DateTime? NextAttemptAt, string? LastError);

    private sealed record StateCount(int State, int Count);

    private const string MessageColumns = """
        m.Id, m.Kind, o.Number AS OrderNumber, m.ToEmail, m.Subject, m.CreatedAt, m.State, m.Attempts, m.SentAt, m.NextAttemptAt, m.LastError
        FROM Outbox m LEFT JOIN Orders o ON o.Id = m.OrderId
        """;

    /// <summary>The outbox page by hand: each state counted up to the cap, then 51 messages newest first from where it starts.</summary>
    private static async Task<List<MessageRow>> RawOutboxAsync(SqliteConnection connection, long? after, CancellationToken ct)
    {
        _ = await connection.Command(string.Join(" UNION ALL ", Enum.GetValues<MessageState>().Select(s =>
            $"SELECT {(int)s} AS State, (SELECT COUNT(*) FROM (SELECT 1 FROM Outbox WHERE State = {(int)s} LIMIT {ListCount.Cap + 1})) AS Count")))
            .ListAsync<StateCount>(ct);
        var rows = await connection.Command($"""
            SELECT {MessageColumns}
            {(after is null ? "" : "WHERE (m.CreatedAt, m.Id) < (SELECT CreatedAt, Id FROM Outbox WHERE Id = $id)")}
            ORDER BY m.CreatedAt DESC, m.Id DESC LIMIT {PageSize + 1}
            """, ("$id", after)).ListAsync<MessageRow>(ct);
        return rows.Take(PageSize).ToList();
    }

    /// <summary>The floor: 50 messages newest first from the written-at index, by key, with the shown columns.</summary>
    private static async Task<List<MessageRow>> OutboxFloorAsync(SqliteConnection connection, long? after, CancellationToken ct) =>
        await connection.Command($"""
            SELECT {MessageColumns}
            {(after is null ? "" : "WHERE (m.CreatedAt, m.Id) < (SELECT CreatedAt, Id FROM Outbox WHERE Id = $id)")}
            ORDER BY m.CreatedAt DESC, m.Id DESC LIMIT {PageSize}
            """, ("$id", after)).ListAsync<MessageRow>(ct);
}
