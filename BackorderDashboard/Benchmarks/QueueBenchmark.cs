using System.Data.Common;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Products;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Benchmarks;

/// <summary>
/// Times the backorder queue page (all queues, and late lines only, 50 rows with place in line) and a cancellation
/// that frees a unit for the head of a 5,000-line queue (allocation, ETA walk over the whole queue, ledger, history
/// and messages in one transaction) through the app's services, against the same work in hand-written SQL.
/// </summary>
public static class QueueBenchmark
{
    public const string QueueSku = "BENCH-QUEUE-5000";
    public const int QueueLength = 5_000;

    public static async Task<IReadOnlyList<BenchmarkResult>> RunAsync(string connectionString, int runs, CancellationToken ct = default)
    {
        await using var services = BenchmarkServices.Create(connectionString);
        var (factory, counter) = (services.Factory, services.Counter);
        var time = services.Get<TimeProvider>();
        var availability = services.Get<AvailabilityService>();
        var queue = services.Get<QueueMaintenance>();
        var backorders = services.Get<BackorderService>();
        var products = services.Get<ProductService>();
        var context = await availability.GetContextAsync(ct);
        await using var raw = await Benchmark.OpenRawAsync(connectionString, ct);

        // A page deep in the longest queue: after its 2,000th line (or its middle line when shorter).
        int deepCursor, deepQueue;
        string deepSku;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var longest = await db.OrderLines.Where(l => l.QtyUnfilled > 0).GroupBy(l => l.ProductId)
                .Select(g => new { ProductId = g.Key, Lines = g.Count() }).OrderByDescending(g => g.Lines).ThenBy(g => g.ProductId).FirstAsync(ct);
            deepQueue = longest.Lines;
            deepSku = await db.Products.Where(p => p.Id == longest.ProductId).Select(p => p.Sku).SingleAsync(ct);
            deepCursor = await db.OrderLines.Where(l => l.ProductId == longest.ProductId && l.QtyUnfilled > 0).InQueueOrder()
                .Skip(Math.Min(2_000, deepQueue / 2)).Select(l => l.Id).FirstAsync(ct);
        }
        var all = new QueueQuery(PageSize: 50);
        var late = new QueueQuery(LateOnly: true, PageSize: 50);
        var deep = new QueueQuery(PageSize: 50, After: deepCursor);
        foreach (var query in new[] { all, late, deep })
        {
            var app = await backorders.GetQueueAsync(query, ct);
            var hand = await RawQueuePageAsync(raw, query.LateOnly, query.After, ct);
            if (app.Total != hand.Total || !app.Rows.Select(r => (r.LineId, r.Position, r.UnitsAhead)).SequenceEqual(hand.Rows))
            {
                throw new InvalidOperationException("The raw SQL queue page differs from the app's: the comparison would be meaningless.");
            }
            var floor = await FloorQueuePageAsync(raw, query.LateOnly, query.After, ct);
            if (!floor.SequenceEqual(hand.Rows.Select(r => r.Item1)))
            {
                throw new InvalidOperationException("The floor reads other rows than the page shows.");
            }
        }
        string Total(QueuePage page) => page.TotalIsMore ? $"more than {page.Total:N0}" : $"{page.Total:N0}";
        var allTotal = Total(await backorders.GetQueueAsync(all, ct));
        var lateTotal = Total(await backorders.GetQueueAsync(late, ct));

        var productId = await EnsureQueueAsync(factory, queue, ct);
        var front = 0;
        Task PrepareAsync() => PrepareFrontLineAsync(factory, productId, ct).ContinueWith(t => front = t.Result, ct, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);

        // Each side must leave the queue exactly as the rule says before either is timed.
        await PrepareAsync();
        await AppCancelAsync(backorders, front, ct);
        await CheckEtasAsync(factory, products, productId, "app", ct);
        await PrepareAsync();
        await RawCancelAsync(raw, context, productId, front, time, ct);
        await CheckEtasAsync(factory, products, productId, "raw SQL", ct);

        return
        [
            await Benchmark.MeasureAsync($"Queue page: all queues, first 50 rows with place in line ({allTotal} lines)", runs, counter,
                () => backorders.GetQueueAsync(all, ct), () => RawQueuePageAsync(raw, false, null, ct), floor: () => FloorQueuePageAsync(raw, false, null, ct)),
            await Benchmark.MeasureAsync($"Queue page: late lines only, first 50 rows ({lateTotal} late)", runs, counter,
                () => backorders.GetQueueAsync(late, ct), () => RawQueuePageAsync(raw, true, null, ct), floor: () => FloorQueuePageAsync(raw, true, null, ct)),
            await Benchmark.MeasureAsync($"Queue page: 50 rows after line {Math.Min(2_000, deepQueue / 2):N0} of the longest queue ({deepSku}, {deepQueue:N0} lines)", runs, counter,
                () => backorders.GetQueueAsync(deep, ct), () => RawQueuePageAsync(raw, false, deepCursor, ct), floor: () => FloorQueuePageAsync(raw, false, deepCursor, ct)),
            await Benchmark.MeasureAsync($"Cancel a set-aside unit, reallocate to a {QueueLength:N0}-line queue, recompute its ETAs", runs, counter,
                () => AppCancelAsync(backorders, front, ct), () => RawCancelAsync(raw, context, productId, front, time, ct), PrepareAsync),
        ];
    }

    private static async Task AppCancelAsync(BackorderService backorders, int lineId, CancellationToken ct)
    {
        var result = await backorders.CancelAsync(lineId, 0, "Customer changed their mind", joinWaitlist: false, Actor.SystemVia(ActorChannel.CommandLine), ct);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.Message);
        }
    }

    /// <summary>The stored ETA of every waiting line equals the walk the product page computes live.</summary>
    private static async Task CheckEtasAsync(IDbContextFactory<AppDbContext> factory, ProductService products, int productId, string side, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var stored = await db.OrderLines.Where(l => l.ProductId == productId && l.QtyUnfilled > 0)
            .InQueueOrder().Select(l => new { l.Id, l.CurrentEta }).ToListAsync(ct);
        var live = await products.GetQueueAsync(QueueSku, ct) ?? [];
        var product = await db.Products.AsNoTracking().SingleAsync(p => p.Id == productId, ct);
        if (!stored.Select(s => (s.Id, s.CurrentEta)).SequenceEqual(live.Select(l => (l.OrderLineId, l.Eta)))
            || product.Allocated != await db.StockLedger.Where(e => e.ProductId == productId).SumAsync(e => e.AllocatedDelta, ct))
        {
            throw new InvalidOperationException($"After the {side} cancellation the queue's dates or the ledger are wrong.");
        }
    }

    /// <summary>
    /// A product with 5,000 waiting lines, two purchase orders covering the first 1,500 units, the rest waiting on the
    /// supplier's lead time. Made once in the large store; each run's cancellation is balanced by a new line at the tail.
    /// </summary>
    private static async Task<int> EnsureQueueAsync(IDbContextFactory<AppDbContext> factory, QueueMaintenance queue, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (await db.Products.Where(p => p.Sku == QueueSku).Select(p => (int?)p.Id).SingleOrDefaultAsync(ct) is { } existing)
        {
            return existing;
        }
        var supplier = await db.Suppliers.OrderBy(s => s.Id).FirstAsync(ct);
        var product = new Product
        {
            Sku = QueueSku, Name = "Benchmark queue kettle", CategoryId = await db.Categories.Select(c => c.Id).FirstAsync(ct),
            SupplierId = supplier.Id, PriceCents = 4900, BackorderPolicy = BackorderPolicy.Allowed, CreatedAt = DateTime.UtcNow,
        };
        db.Products.Add(product);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        db.PurchaseOrders.AddRange(
            new PurchaseOrder { Number = "PO-BENCH-1", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, OrderedAt = DateTime.UtcNow,
                CreatedAt = DateTime.UtcNow, ExpectedDate = today.AddDays(10), OriginalExpectedDate = today.AddDays(10), Lines = [new PurchaseOrderLine { Product = product, QtyOrdered = 500 }] },
            new PurchaseOrder { Number = "PO-BENCH-2", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, OrderedAt = DateTime.UtcNow,
                CreatedAt = DateTime.UtcNow, ExpectedDate = today.AddDays(30), OriginalExpectedDate = today.AddDays(30), Lines = [new PurchaseOrderLine { Product = product, QtyOrdered = 1_000 }] });
        var customers = await db.Customers.OrderBy(c => c.Id).Select(c => c.Id).Take(QueueLength).ToListAsync(ct);
        var start = DateTime.UtcNow.AddDays(-60);
        for (var i = 0; i < QueueLength; i++)
        {
            db.Orders.Add(NewOrder($"BQ-{i:00000}", customers[i % customers.Count], start.AddMinutes(i * 15), product, qty: 1 + i % 3, queued: true));
        }
        await db.SaveChangesAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        await queue.RecomputeEtasAsync(db, product.Id, "benchmark set-up", Actor.SystemVia(ActorChannel.CommandLine), ct);
        await tx.CommitAsync(ct);
        return product.Id;
    }

    private static Order NewOrder(string number, int customerId, DateTime placed, Product product, int qty, bool queued) => new()
    {
        Number = number, CustomerId = customerId, PlacedAt = placed, PaymentAuthorizedAt = placed, PaymentAuthorizationExpiresAt = placed.AddDays(7),
        TrackingToken = TrackingTokens.New(),
        Lines = [new OrderLine { ProductId = product.Id, Product = product.Id == 0 ? product : null!, Qty = qty, UnitPriceCents = product.PriceCents,
            QtyAllocated = queued ? 0 : qty, QtyBackorderedAtPlacement = queued ? qty : 0, QueuedAt = queued ? placed : null }],
    };

    /// <summary>
    /// Untimed: a customer with one unit set aside (the line the run cancels), and a new line at the tail so the
    /// queue stays 5,000 lines long. Returns the set-aside line's id.
    /// </summary>
    private static async Task<int> PrepareFrontLineAsync(IDbContextFactory<AppDbContext> factory, int productId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var product = await db.Products.SingleAsync(p => p.Id == productId, ct);
        var customer = await db.Customers.OrderBy(c => c.Id).Select(c => c.Id).FirstAsync(ct);
        var now = DateTime.UtcNow;
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var front = NewOrder($"BF-{suffix}", customer, now, product, qty: 1, queued: false);
        db.Orders.Add(front);
        var waiting = await db.OrderLines.CountAsync(l => l.ProductId == productId && l.QtyUnfilled > 0, ct);
        if (waiting < QueueLength)
        {
            db.Orders.Add(NewOrder($"BT-{suffix}", customer, now, product, qty: 1, queued: true));
        }
        product.OnHand++;
        product.Allocated++;
        db.StockLedger.AddRange(
            new StockLedgerEntry { ProductId = productId, OnHandDelta = 1, Reason = StockReason.Receipt, Reference = "benchmark", At = now },
            new StockLedgerEntry { ProductId = productId, AllocatedDelta = 1, Reason = StockReason.Allocation, Reference = "benchmark", At = now });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return front.Lines[0].Id;
    }

    private sealed record Count(int Total);

    private sealed record Place(int Id, int LinesAhead, int UnitsAhead);

    /// <summary>The page's lines in page order: products by SKU, each product's waiting lines in queue order, after a line or from the start.</summary>
    private static string PageSql(string columns, bool lateOnly, int? after, int limit) => $"""
        SELECT {columns}
        FROM {(after is null ? "" : "(SELECT x.Priority, x.QueuedAt, x.Id, xp.Sku FROM OrderLines x JOIN Products xp ON xp.Id = x.ProductId WHERE x.Id = $after) k CROSS JOIN")}
        Products p CROSS JOIN OrderLines l ON l.ProductId = p.Id
        JOIN Orders o ON o.Id = l.OrderId JOIN Customers c ON c.Id = o.CustomerId
        WHERE l.QtyUnfilled > 0{(lateOnly ? " AND l.CurrentEta > l.PromisedShipDate" : "")}
        {(after is null ? "" : $"AND p.Sku >= k.Sku AND (p.Sku > k.Sku OR {QueueOrder.IsAheadSql("k", "l")})")}
        ORDER BY p.Sku, {QueueOrder.OrderBySql("l")}
        LIMIT {limit}
        """;

    /// <summary>
    /// The queue page by hand: the matching lines counted up to the page's cap, the 50 rows after the cursor in page
    /// order, then the place in line of those 50 only: each product's queue index read from its head to the page's
    /// last line of it, with a running count and sum.
    /// </summary>
    private static async Task<(int Total, List<(int, int, int)> Rows)> RawQueuePageAsync(SqliteConnection connection, bool lateOnly, int? after, CancellationToken ct)
    {
        var where = "l.QtyUnfilled > 0" + (lateOnly ? " AND l.CurrentEta > l.PromisedShipDate" : "");
        var total = (await connection.Command($"SELECT COUNT(*) AS Total FROM (SELECT 1 FROM OrderLines l WHERE {where} LIMIT {BackorderService.TotalCap + 1})")
            .SingleAsync<Count>(ct)).Total;
        var page = await connection.Command(PageSql("""
            l.Id, l.Version, p.Sku, p.Name AS ProductName, o.Number, c.Name AS Customer, c.Tier, l.QtyUnfilled, l.PromisedShipDate, l.CurrentEta,
            l.QueuedAt, o.ShipPolicy, o.PaymentAuthorizationExpiresAt, l.Priority, o.CustomerId, l.ProductId
            """, lateOnly, after, 51), ("$after", after)).ListAsync<RawQueueRow>(ct);
        var shown = page.Take(50).ToList();
        // The place-in-line statement is hand-written already (QueuePlaces.Sql); the raw side sends the same text, for
        // each product's first line on the page when the page shows every waiting line, and follows on from it.
        var everyLine = !lateOnly;
        var counted = everyLine ? shown.GroupBy(r => r.ProductId).Select(g => g.First()).ToList() : shown;
        var places = (await connection.Command(QueuePlaces.Sql, ("$ids", $"[{string.Join(",", counted.Select(r => r.Id))}]")).ListAsync<Place>(ct))
            .ToDictionary(p => p.Id);
        if (everyLine)
        {
            foreach (var (previous, line) in shown.Zip(shown.Skip(1)))
            {
                if (line.ProductId == previous.ProductId)
                {
                    places[line.Id] = new Place(line.Id, places[previous.Id].LinesAhead + 1, places[previous.Id].UnitsAhead + previous.QtyUnfilled);
                }
            }
        }
        return (Math.Min(total, BackorderService.TotalCap), shown.Select(r => (r.Id, places[r.Id].LinesAhead + 1, places[r.Id].UnitsAhead)).ToList());
    }

    /// <summary>The floor: the 50 rows the page shows, every column it shows, read after the cursor from the same indexes, and nothing else.</summary>
    private static async Task<List<int>> FloorQueuePageAsync(SqliteConnection connection, bool lateOnly, int? after, CancellationToken ct)
    {
        var page = await connection.Command(PageSql("""
            l.Id, l.Version, p.Sku, p.Name AS ProductName, o.Number, c.Name AS Customer, c.Tier, l.QtyUnfilled, l.PromisedShipDate, l.CurrentEta,
            l.QueuedAt, o.ShipPolicy, o.PaymentAuthorizationExpiresAt, l.Priority, o.CustomerId, l.ProductId
            """, lateOnly, after, 50), ("$after", after)).ListAsync<RawQueueRow>(ct);
        return page.Select(r => r.Id).ToList();
    }

    /// <summary>A row of the queue page, every column the page shows, read as the app reads it.</summary>
    private sealed record RawQueueRow(int Id, int Version, string Sku, string ProductName, string Number, string Customer, CustomerTier Tier,
        int QtyUnfilled, DateOnly? PromisedShipDate, DateOnly? CurrentEta, DateTime? QueuedAt, ShipPolicy ShipPolicy,
        DateTime PaymentAuthorizationExpiresAt, QueuePriority Priority, int CustomerId, int ProductId);

    private sealed record RawLine(int Id, int OrderId, int Unfilled, ShipPolicy ShipPolicy, DateOnly? Eta, DateOnly? Promised, string Number, string Customer, string Email)
    {
        public bool ShipComplete => ShipPolicy == ShipPolicy.ShipComplete;
    }

    private sealed record LineToCancel(int OrderId, int Version, int QtyAllocated, int QtyUnfilled, string Number, string Customer, string Email,
        string ProductName, string Sku);

    private sealed record FreeStock(int Free);

    /// <summary>
    /// The same cancellation by hand in one write transaction: cancel the line and free its unit (ledger, history,
    /// message), give free units to the queue with the same allocation engine, then walk the queue again and write
    /// the dates that moved (history, and a delay message for a line that became late).
    /// </summary>
    private static async Task RawCancelAsync(SqliteConnection connection, AvailabilityService.Context context, int productId, int lineId,
        TimeProvider time, CancellationToken ct)
    {
        var now = BulkWrites.Stamp(time.GetUtcNow().UtcDateTime);
        // BEGIN IMMEDIATE, as the app's write transactions: the read-then-write is serialized with other writers.
        await using var tx = connection.BeginTransaction(deferred: false);
        DbCommand Command(string sql, params (string Name, object? Value)[] parameters)
        {
            var command = connection.Command(sql, parameters);
            command.Transaction = tx;
            return command;
        }
        Task ExecAsync(string sql, params (string, object?)[] parameters) => Command(sql, parameters).ExecuteAsync(ct);
        async Task EventAsync(int orderId, int? line, OrderEventKind kind, string detail) =>
            await ExecAsync("INSERT INTO OrderEvents (OrderId, OrderLineId, Kind, Detail, UserName, At) VALUES ($o, $l, $k, $d, 'benchmark', $at)",
                ("$o", orderId), ("$l", line), ("$k", (int)kind), ("$d", detail), ("$at", now));
        async Task TellAsync(int orderId, string name, string email, MessageKind kind, string subject, string body) =>
            await ExecAsync("""
                INSERT INTO Outbox (Kind, OrderId, ToEmail, Subject, BodyText, CreatedAt, State, Attempts)
                VALUES ($k, $o, $to, $s, $b, $at, 0, 0)
                """, ("$k", (int)kind), ("$o", orderId), ("$to", email), ("$s", subject), ("$b", $"Hello {name},\n\n{body}\n"), ("$at", now));

        // 1. Cancel the line and free what was set aside for it.
        var (orderId, version, allocated, unfilled, number, customer, email, productName, sku) = await Command("""
            SELECT l.OrderId, l.Version, l.QtyAllocated, l.QtyUnfilled, o.Number, c.Name AS Customer, c.Email, p.Name AS ProductName, p.Sku
            FROM OrderLines l JOIN Orders o ON o.Id = l.OrderId JOIN Customers c ON c.Id = o.CustomerId JOIN Products p ON p.Id = l.ProductId
            WHERE l.Id = $id
            """, ("$id", lineId)).SingleAsync<LineToCancel>(ct);
        var cancelled = allocated + unfilled;
        await ExecAsync("UPDATE OrderLines SET QtyCancelled = QtyCancelled + $n, QtyAllocated = 0, Version = Version + 1 WHERE Id = $id AND Version = $v",
            ("$n", cancelled), ("$id", lineId), ("$v", version));
        await ExecAsync("UPDATE Products SET Allocated = Allocated - $n, Version = Version + 1 WHERE Id = $p", ("$n", allocated), ("$p", productId));
        await ExecAsync("""
            INSERT INTO StockLedger (ProductId, OnHandDelta, AllocatedDelta, Reason, Reference, OrderLineId, UserName, At)
            VALUES ($p, 0, $d, $r, $ref, $l, 'benchmark', $at)
            """, ("$p", productId), ("$d", -allocated), ("$r", (int)StockReason.Cancellation), ("$ref", number), ("$l", lineId), ("$at", now));
        await EventAsync(orderId, lineId, OrderEventKind.Cancelled, $"{cancelled} × {productName} cancelled: Customer changed their mind");
        await TellAsync(orderId, customer, email, MessageKind.Cancelled, $"{productName} cancelled from order {number}",
            $"{cancelled} × {productName} from your order {number} is cancelled (Customer changed their mind). You will not be charged for it.");

        // 2. Free units to the queue, in queue order.
        Task<List<RawLine>> QueueAsync() => Command($"""
            SELECT l.Id, l.OrderId, l.QtyUnfilled AS Unfilled, o.ShipPolicy, l.CurrentEta AS Eta, l.PromisedShipDate AS Promised, o.Number,
                   c.Name AS Customer, c.Email
            FROM OrderLines l JOIN Orders o ON o.Id = l.OrderId JOIN Customers c ON c.Id = o.CustomerId
            WHERE l.ProductId = $p AND l.QtyUnfilled > 0
            ORDER BY {QueueOrder.OrderBySql("l")}
            """, ("$p", productId)).ListAsync<RawLine>(ct);
        var free = (await Command("SELECT OnHand - Allocated AS Free FROM Products WHERE Id = $p", ("$p", productId)).SingleAsync<FreeStock>(ct)).Free;
        var queue = await QueueAsync();
        var shipComplete = queue.Where(l => l.ShipComplete).Select(l => l.OrderId).Distinct().ToList();
        List<SiblingLine> siblings = shipComplete.Count == 0 ? [] : await Command($"""
            SELECT Id AS LineId, OrderId, ProductId, QtyUnfilled AS Unfilled FROM OrderLines WHERE OrderId IN ({string.Join(",", shipComplete)})
            """).ListAsync<SiblingLine>(ct);
        var allocations = AllocationEngine.Allocate(productId, free,
            queue.Select(l => new QueueEntry(l.Id, l.OrderId, l.Unfilled, l.ShipComplete)).ToList(), siblings.ToLookup(s => s.OrderId), new Dictionary<int, int>());
        var reference = $"cancellation of {number}";
        var byId = queue.ToDictionary(l => l.Id);
        foreach (var a in allocations)
        {
            await ExecAsync("UPDATE OrderLines SET QtyAllocated = QtyAllocated + $q, Version = Version + 1 WHERE Id = $id", ("$q", a.Qty), ("$id", a.LineId));
            await ExecAsync("UPDATE Products SET Allocated = Allocated + $q, Version = Version + 1 WHERE Id = $p", ("$q", a.Qty), ("$p", a.ProductId));
            await ExecAsync("""
                INSERT INTO StockLedger (ProductId, OnHandDelta, AllocatedDelta, Reason, Reference, OrderLineId, UserName, At)
                VALUES ($p, 0, $q, $r, $ref, $l, 'benchmark', $at)
                """, ("$p", a.ProductId), ("$q", a.Qty), ("$r", (int)StockReason.Allocation), ("$ref", reference), ("$l", a.LineId), ("$at", now));
            var line = byId[a.LineId];
            await EventAsync(line.OrderId, line.Id, OrderEventKind.Allocated, $"{Words.Count(a.Qty, "unit")} allocated ({reference}).");
            await TellAsync(line.OrderId, line.Customer, line.Email, MessageKind.ReadyToShip, $"Your order {line.Number} is being packed",
                $"good news: {a.Qty} × {productName} from your order {line.Number} is reserved for you and will ship shortly.");
        }

        // 3. Walk the queue again and write the dates that moved.
        var (row, inbound) = await ProductsBenchmark.RawProductAsync(connection, context, sku, ct);
        queue = await QueueAsync();
        LeadTimeRange? history = context.LeadTimes.TryGetValue(row.SupplierId, out var h) ? h : null;
        var facts = ProductStock.ToFacts(row, inbound, history) with { QueuedUnits = queue.Sum(l => l.Unfilled) };
        var etas = AvailabilityRule.QueueEtas(facts, queue.Select(l => l.Unfilled).ToList(), context.Today, context.Settings.DailyFulfilmentCapacity);
        for (var i = 0; i < queue.Count; i++)
        {
            var line = queue[i];
            if (line.Eta == etas[i])
            {
                continue;
            }
            var eta = etas[i] is { } d ? BulkWrites.Day(d) : null;
            if (line.Eta is null && line.Promised is null)
            {
                await ExecAsync("UPDATE OrderLines SET CurrentEta = $e, PromisedShipDate = $e WHERE Id = $id", ("$e", eta), ("$id", line.Id));
                continue;
            }
            await ExecAsync("UPDATE OrderLines SET CurrentEta = $e, Version = Version + 1 WHERE Id = $id", ("$e", eta), ("$id", line.Id));
            await EventAsync(line.OrderId, line.Id, OrderEventKind.EtaChanged, $"{productName}: expected to ship {eta} instead of {line.Eta} ({reference}).");
            if (etas[i] > line.Promised && !(line.Eta > line.Promised))
            {
                await TellAsync(line.OrderId, line.Customer, line.Email, MessageKind.Delay, $"{productName} from order {line.Number} is delayed",
                    $"we're sorry: {productName} from your order {line.Number} now ships around {eta}, later than the {line.Promised} we promised.");
            }
        }
        await tx.CommitAsync(ct);
    }
}
