using System.Data.Common;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Restock;
using Microsoft.Data.Sqlite;

namespace BackorderDashboard.Benchmarks;

/// <summary>
/// Times receiving 10,000 units against a purchase order over a 5,000-line queue on the large store, through the
/// app's receiving service (allocation in queue order, ETA walk, ledger, history, one message per order), against
/// the same work written by hand. Each run gets a fresh product with its own queue and purchase order (made untimed
/// with plain inserts) and everything the benchmark made is deleted at the end, so the large store stays as built.
/// </summary>
public static class ReceivingBenchmark
{
    public const string SkuPrefix = "BENCH-RCV-";
    public const int QueueLength = 5_000;

    /// <summary>Runs the scenario; <paramref name="queueLength"/> customers wait, twice as many units arrive.</summary>
    public static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(string connectionString, int runs, int queueLength = QueueLength,
        CancellationToken ct = default)
    {
        var units = 2 * queueLength;
        await using var services = BenchmarkServices.Create(connectionString);
        var counter = services.Counter;
        var time = services.Get<TimeProvider>();
        var availability = services.Get<AvailabilityService>();
        var receiving = services.Get<ReceivingService>();
        var context = await availability.GetContextAsync(ct);
        await using var raw = await Benchmark.OpenRawAsync(connectionString, ct);
        await CleanUpAsync(raw, ct);

        var next = (Sku: "", PoId: 0, ProductId: 0);
        var serial = 0;
        async Task PrepareAsync() => next = await PrepareQueueAsync(raw, $"{SkuPrefix}{++serial:0000}", queueLength, units, ct);

        // Both sides must leave the same queue behind before either is timed.
        await PrepareAsync();
        await AppReceiveAsync(receiving, next.Sku, next.PoId, units, ct);
        var appState = await StateAsync(raw, next.ProductId, ct);
        await PrepareAsync();
        await RawReceiveAsync(raw, context, next.Sku, next.PoId, next.ProductId, units, time, ct);
        var rawState = await StateAsync(raw, next.ProductId, ct);
        if (appState != rawState)
        {
            throw new InvalidOperationException($"The raw SQL receipt left {rawState}, the app {appState}: the comparison would be meaningless.");
        }

        try
        {
            return
            [
                await Benchmark.MeasureAsync($"Receive {units:N0} units on a purchase order over a {queueLength:N0}-line queue", Math.Min(runs, 10), counter,
                    () => AppReceiveAsync(receiving, next.Sku, next.PoId, units, ct),
                    () => RawReceiveAsync(raw, context, next.Sku, next.PoId, next.ProductId, units, time, ct), PrepareAsync),
            ];
        }
        finally
        {
            await CleanUpAsync(raw, ct);
        }
    }

    private static async Task AppReceiveAsync(ReceivingService receiving, string sku, int poId, int units, CancellationToken ct)
    {
        var outcome = await receiving.CommitAsync(new ReceiptInput
        {
            IdempotencyKey = Guid.NewGuid().ToString("N"), PurchaseOrderId = poId, Lines = [new ReceiptLineInput { Sku = sku, Qty = units }],
        }, Actor.SystemVia(ActorChannel.CommandLine), ct);
        if (!outcome.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", outcome.Errors));
        }
    }

    /// <summary>What a receipt leaves: units set aside, lines still waiting, messages and history rows written.</summary>
    private static Task<ReceiptState> StateAsync(SqliteConnection connection, int productId, CancellationToken ct) => connection.Command("""
        SELECT (SELECT Allocated FROM Products WHERE Id = $p) AS Allocated,
               (SELECT COUNT(*) FROM OrderLines WHERE ProductId = $p AND QtyUnfilled > 0) AS Waiting,
               (SELECT COUNT(*) FROM Outbox m JOIN OrderLines l ON l.OrderId = m.OrderId WHERE l.ProductId = $p) AS Messages,
               (SELECT COUNT(*) FROM OrderEvents e JOIN OrderLines l ON l.Id = e.OrderLineId WHERE l.ProductId = $p) AS Events
        """, ("$p", productId)).SingleAsync<ReceiptState>(ct);

    private sealed record ReceiptState(long Allocated, long Waiting, long Messages, long Events);

    private sealed record NewId(long Id);

    private sealed record Count(long Total);

    /// <summary>Untimed: a product, customers waiting 1–3 units each (as many units as the PO brings), and the placed PO.</summary>
    private static async Task<(string Sku, int PoId, int ProductId)> PrepareQueueAsync(SqliteConnection connection, string sku, int queueLength, int units,
        CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        var today = DateOnly.FromDateTime(now);
        await using var tx = connection.BeginTransaction(deferred: false);
        DbCommand Command(string sql, params (string Name, object? Value)[] parameters)
        {
            var command = connection.Command(sql, parameters);
            command.Transaction = tx;
            return command;
        }
        async Task<long> ScalarAsync(string sql, params (string, object?)[] parameters) =>
            (await Command(sql + "; SELECT last_insert_rowid() AS Id;", parameters).SingleAsync<NewId>(ct)).Id;
        var productId = (int)await ScalarAsync("""
            INSERT INTO Products (Sku, Name, CategoryId, SupplierId, PriceCents, OnHand, Allocated, BackorderPolicy, Discontinued, CreatedAt, Version)
            VALUES ($sku, 'Benchmark receipt kettle', (SELECT MIN(Id) FROM Categories), (SELECT MIN(Id) FROM Suppliers), 4900, 0, 0, 1, 0, $now, 0)
            """, ("$sku", sku), ("$now", BulkWrites.Stamp(now)));
        var poId = (int)await ScalarAsync("""
            INSERT INTO PurchaseOrders (Number, SupplierId, Status, OrderedAt, ExpectedDate, OriginalExpectedDate, CreatedAt, Version)
            VALUES ($n, (SELECT MIN(Id) FROM Suppliers), $ordered, $now, $d, $d, $now, 0)
            """, ("$n", $"PO-{sku}"), ("$ordered", (int)PurchaseOrderStatus.Ordered), ("$now", BulkWrites.Stamp(now)), ("$d", BulkWrites.Day(today.AddDays(7))));
        await ScalarAsync("INSERT INTO PurchaseOrderLines (PurchaseOrderId, ProductId, QtyOrdered, QtyReceived, UnitCostCents) VALUES ($po, $p, $q, 0, 2000)",
            ("$po", poId), ("$p", productId), ("$q", units));

        // Prepared once, run per line with new values.
        await using var order = Command("""
            INSERT INTO Orders (Number, CustomerId, PlacedAt, Channel, ShipPolicy, PaymentAuthorizedAt, PaymentAuthorizationExpiresAt, ShippingCents, TrackingToken, Version)
            VALUES ($n, (SELECT Id FROM Customers ORDER BY Id LIMIT 1 OFFSET $c), $at, $channel, $policy, $at, $exp, 0, $t, 0);
            INSERT INTO OrderLines (OrderId, ProductId, Qty, UnitPriceCents, QtyAllocated, QtyShipped, QtyCancelled, QtyBackorderedAtPlacement, QueuedAt, Priority, PromisedShipDate, CurrentEta, Version)
            VALUES (last_insert_rowid(), $p, $q, 4900, 0, 0, 0, $q, $at, $priority, $eta, $eta, 0);
            """, ("$n", ""), ("$c", 0), ("$at", ""), ("$exp", ""), ("$t", ""), ("$q", 0), ("$p", productId), ("$eta", BulkWrites.Day(today.AddDays(8))),
            ("$channel", (int)OrderChannel.Web), ("$policy", (int)ShipPolicy.ShipAvailable), ("$priority", (int)QueuePriority.Standard));
        var (number, customer, at, expires, token, qty) =
            (order.Parameters["$n"], order.Parameters["$c"], order.Parameters["$at"], order.Parameters["$exp"], order.Parameters["$t"], order.Parameters["$q"]);
        var customers = (await Command("SELECT COUNT(*) AS Total FROM Customers").SingleAsync<Count>(ct)).Total;
        var start = now.AddDays(-30);
        // 1, 2, 3, 1, 2, 3, …; the last line takes what is left, so the queue waits for exactly the units the PO brings.
        var queued = 0;
        for (var i = 0; i < queueLength; i++)
        {
            var placed = start.AddSeconds(i * 30);
            number.Value = $"{sku}-{i:00000}";
            customer.Value = i % Math.Min(1000, customers);
            at.Value = BulkWrites.Stamp(placed);
            expires.Value = BulkWrites.Stamp(placed.AddDays(7));
            token.Value = TrackingTokens.New();
            var q = i == queueLength - 1 ? Math.Max(1, units - queued) : 1 + i % 3;
            queued += q;
            qty.Value = q;
            await order.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return (sku, poId, productId);
    }

    private sealed record Waiting(int Id, int OrderId, int Unfilled, ShipPolicy ShipPolicy, string Number, string Customer, string Email)
    {
        public bool ShipComplete => ShipPolicy == ShipPolicy.ShipComplete;
    }

    /// <summary>
    /// The same receipt by hand, in one write transaction: stock and purchase order, receipt and ledger, allocation
    /// by the same engine, each filled line updated with its ledger and history rows, one message per order, then
    /// the ETA walk over what still waits.
    /// </summary>
    private static async Task RawReceiveAsync(SqliteConnection connection, AvailabilityService.Context context, string sku, int poId, int productId,
        int units, TimeProvider time, CancellationToken ct)
    {
        var now = BulkWrites.Stamp(time.GetUtcNow().UtcDateTime);
        var reference = $"PO-{sku}";
        await using var tx = connection.BeginTransaction(deferred: false);
        DbCommand Command(string sql, params (string Name, object? Value)[] parameters)
        {
            var command = connection.Command(sql, parameters);
            command.Transaction = tx;
            return command;
        }
        Task ExecAsync(string sql, params (string Name, object? Value)[] parameters) => Command(sql, parameters).ExecuteAsync(ct);

        await ExecAsync("UPDATE Products SET OnHand = OnHand + $q, Version = Version + 1 WHERE Id = $p", ("$q", units), ("$p", productId));
        await ExecAsync("UPDATE PurchaseOrderLines SET QtyReceived = QtyReceived + $q WHERE PurchaseOrderId = $po AND ProductId = $p", ("$q", units), ("$po", poId), ("$p", productId));
        await ExecAsync("UPDATE PurchaseOrders SET Status = $received, ReceivedAt = $now, Version = Version + 1 WHERE Id = $po",
            ("$received", (int)PurchaseOrderStatus.Received), ("$now", now), ("$po", poId));
        await ExecAsync("""
            INSERT INTO Receipts (IdempotencyKey, PurchaseOrderId, ReceivedAt, ReceivedBy, UnitsReceived, ResultJson) VALUES ($k, $po, $now, 'benchmark', $q, '{}');
            INSERT INTO ReceiptLines (ReceiptId, ProductId, PurchaseOrderLineId, Qty)
            VALUES (last_insert_rowid(), $p, (SELECT Id FROM PurchaseOrderLines WHERE PurchaseOrderId = $po AND ProductId = $p), $q);
            INSERT INTO StockLedger (ProductId, OnHandDelta, AllocatedDelta, Reason, Reference, PurchaseOrderLineId, UserName, At)
            VALUES ($p, $q, 0, $receipt, $ref, (SELECT Id FROM PurchaseOrderLines WHERE PurchaseOrderId = $po AND ProductId = $p), 'benchmark', $now);
            """, ("$receipt", (int)StockReason.Receipt), ("$k", Guid.NewGuid().ToString("N")), ("$po", poId), ("$now", now), ("$q", units), ("$p", productId), ("$ref", reference));

        Task<List<Waiting>> QueueAsync() => Command($"""
            SELECT l.Id, l.OrderId, l.QtyUnfilled AS Unfilled, o.ShipPolicy, o.Number, c.Name AS Customer, c.Email
            FROM OrderLines l JOIN Orders o ON o.Id = l.OrderId JOIN Customers c ON c.Id = o.CustomerId
            WHERE l.ProductId = $p AND l.QtyUnfilled > 0 ORDER BY {QueueOrder.OrderBySql("l")}
            """, ("$p", productId)).ListAsync<Waiting>(ct);
        var queue = await QueueAsync();
        var allocations = AllocationEngine.Allocate(productId, units, queue.Select(l => new QueueEntry(l.Id, l.OrderId, l.Unfilled, l.ShipComplete)).ToList(),
            Array.Empty<SiblingLine>().ToLookup(s => s.OrderId), new Dictionary<int, int>());

        // Prepared once, run per line: the lines' updates, ledger and history rows, the customers' messages.
        await using var line = Command("""
            UPDATE OrderLines SET QtyAllocated = QtyAllocated + $q, Version = Version + 1 WHERE Id = $id;
            INSERT INTO StockLedger (ProductId, OnHandDelta, AllocatedDelta, Reason, Reference, OrderLineId, UserName, At) VALUES ($p, 0, $q, $reason, $ref, $id, 'benchmark', $now);
            INSERT INTO OrderEvents (OrderId, OrderLineId, Kind, Detail, UserName, At) VALUES ($o, $id, $event, $detail, 'benchmark', $now);
            INSERT INTO Outbox (Kind, OrderId, ToEmail, Subject, BodyText, CreatedAt, State, Attempts) VALUES ($message, $o, $to, $subject, $body, $now, 0, 0);
            """, ("$q", 0), ("$id", 0), ("$o", 0), ("$detail", ""), ("$to", ""), ("$subject", ""), ("$body", ""), ("$p", productId),
            ("$ref", $"receipt {reference}"), ("$now", now), ("$reason", (int)StockReason.Allocation), ("$event", (int)OrderEventKind.Allocated),
            ("$message", (int)MessageKind.ReadyToShip));
        var (qty, id, orderId, detail, to, subject, body) = (line.Parameters["$q"], line.Parameters["$id"], line.Parameters["$o"],
            line.Parameters["$detail"], line.Parameters["$to"], line.Parameters["$subject"], line.Parameters["$body"]);
        var byId = queue.ToDictionary(l => l.Id);
        foreach (var a in allocations)
        {
            var w = byId[a.LineId];
            (qty.Value, id.Value, orderId.Value) = (a.Qty, a.LineId, w.OrderId);
            detail.Value = $"{Words.Count(a.Qty, "unit")} allocated (receipt {reference}).";
            to.Value = w.Email;
            subject.Value = $"Your order {w.Number} is being packed";
            body.Value = $"Hello {w.Customer},\n\ngood news: {a.Qty} × Benchmark receipt kettle from your order {w.Number} is reserved for you and will ship shortly.\n";
            await line.ExecuteNonQueryAsync(ct);
        }
        await ExecAsync("UPDATE Products SET Allocated = Allocated + $q, Version = Version + 1 WHERE Id = $p", ("$q", allocations.Sum(a => a.Qty)), ("$p", productId));

        // What still waits gets its date walked again.
        var (row, inbound) = await ProductsBenchmark.RawProductAsync(connection, context, sku, ct);
        var rest = await QueueAsync();
        LeadTimeRange? history = context.LeadTimes.TryGetValue(row.SupplierId, out var h) ? h : null;
        var facts = ProductStock.ToFacts(row, inbound, history) with { QueuedUnits = rest.Sum(l => l.Unfilled) };
        _ = AvailabilityRule.QueueEtas(facts, rest.Select(l => l.Unfilled).ToList(), context.Today, context.Settings.DailyFulfilmentCapacity);
        await tx.CommitAsync(ct);
    }

    /// <summary>Deletes every row the benchmark made, so repeated runs time the same store.</summary>
    private static async Task CleanUpAsync(SqliteConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TEMP TABLE IF NOT EXISTS bench_products AS SELECT Id FROM Products WHERE 0;
            DELETE FROM bench_products;
            INSERT INTO bench_products SELECT Id FROM Products WHERE Sku LIKE 'BENCH-RCV-%';
            CREATE TEMP TABLE IF NOT EXISTS bench_orders AS SELECT Id FROM Orders WHERE 0;
            DELETE FROM bench_orders;
            INSERT INTO bench_orders SELECT DISTINCT OrderId FROM OrderLines WHERE ProductId IN (SELECT Id FROM bench_products);
            DELETE FROM Outbox WHERE OrderId IN (SELECT Id FROM bench_orders);
            DELETE FROM OrderEvents WHERE OrderId IN (SELECT Id FROM bench_orders);
            DELETE FROM StockLedger WHERE ProductId IN (SELECT Id FROM bench_products);
            DELETE FROM OrderLines WHERE OrderId IN (SELECT Id FROM bench_orders);
            DELETE FROM Orders WHERE Id IN (SELECT Id FROM bench_orders);
            DELETE FROM ReceiptLines WHERE ProductId IN (SELECT Id FROM bench_products);
            DELETE FROM Receipts WHERE Id NOT IN (SELECT ReceiptId FROM ReceiptLines);
            DELETE FROM PurchaseOrderLines WHERE ProductId IN (SELECT Id FROM bench_products);
            DELETE FROM PurchaseOrders WHERE Number LIKE 'PO-BENCH-RCV-%';
            DELETE FROM Products WHERE Id IN (SELECT Id FROM bench_products);
            """;
        await command.ExecuteNonQueryAsync(ct);
    }
}
