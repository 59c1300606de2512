using System.Diagnostics;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Benchmarks;

/// <summary>Sizes of the large store the benchmarks run on.</summary>
public sealed record LargeDatabaseSize(int Products = 50_000, int OrderLines = 1_000_000, int OpenBackorderLines = 100_000, int PurchaseOrders = 5_000)
{
    public int Categories => 12;
    public int Suppliers => 40;
    public int Customers => Math.Max(1, OrderLines / 10);
}

/// <summary>
/// Builds a large store deterministically (fixed seed) with plain prepared inserts in one transaction: the schema
/// comes from the app's own migrations, so the benchmark measures the queries the app really runs.
/// Open backorders are spread unevenly (a few products have very long queues), like real demand.
/// </summary>
public static class LargeDatabase
{
    public const int Seed = 4242;

    public static async Task<string> CreateAsync(string path, LargeDatabaseSize size, TextWriter log, CancellationToken ct = default)
    {
        var watch = Stopwatch.StartNew();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir)
        {
            Directory.CreateDirectory(dir);
        }
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        await using (var services = BenchmarkServices.Create(connectionString))
        await using (var db = await services.Factory.CreateDbContextAsync(ct))
        {
            await db.Database.MigrateAsync(ct);
        }

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await Exec(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-200000;");
        // The triggers that mark KPI rollups stale would fire for every row; a new store gets all its rollups built anyway.
        var triggers = await connection.Command("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").ListAsync<Trigger>(ct);
        foreach (var (name, _) in triggers)
        {
            await Exec(connection, $"DROP TRIGGER \"{name}\"");
        }
        await using (var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct))
        {
            Fill(connection, tx, size, DateTime.UtcNow);
            await Exec(connection, OutboxFillSql, tx);
            await tx.CommitAsync(ct);
        }
        foreach (var (_, sql) in triggers)
        {
            await Exec(connection, sql);
        }
        // The customers' search index was left empty by the fill (its triggers were off): built from the table at once.
        await Exec(connection, CustomerSearch.RebuildSql);
        await Exec(connection, "PRAGMA synchronous=NORMAL; ANALYZE;");
        log.WriteLine($"Built {path}: {size.Products:N0} products, {size.OrderLines:N0} order lines " +
            $"({size.OpenBackorderLines:N0} open backorders), {size.PurchaseOrders:N0} purchase orders and their outbox in {watch.Elapsed.TotalSeconds:N1} s");
        return connectionString;
    }

    private static async Task Exec(SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Gives a store built before the outbox was filled its messages (the outbox page is measured on them); a store
    /// that has any is left as it is.
    /// </summary>
    public static async Task EnsureOutboxAsync(string connectionString, CancellationToken ct = default)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using (var any = connection.CreateCommand())
        {
            any.CommandText = "SELECT EXISTS (SELECT 1 FROM Outbox)";
            if (Convert.ToInt64(await any.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) == 1)
            {
                return;
            }
        }
        await using (var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct))
        {
            await Exec(connection, OutboxFillSql, tx);
            await tx.CommitAsync(ct);
        }
        await Exec(connection, "ANALYZE Outbox;");
    }

    /// <summary>
    /// The messages the orders would have written, from the orders themselves (so the same store always gets the same
    /// outbox): a confirmation for each order with a backordered line, a delay for each waiting line that slipped, a
    /// shipped notice for each shipment of a backordered line, a cancellation for each cancelled line; oldest first,
    /// so ids follow time. Almost all are sent, one in 251 failed, those of the last two hours still waiting.
    /// </summary>
    private static readonly string OutboxFillSql = $"""
        INSERT INTO Outbox (Kind, OrderId, OrderLineId, ToEmail, Subject, BodyText, CreatedAt, State, Attempts, SentAt)
        SELECT Kind, OrderId, OrderLineId, Email, Subject, 'Hello ' || Name || ', ' || Subject || '.', CreatedAt, {(int)MessageState.Sent}, 1, CreatedAt
        FROM (
            SELECT {(int)MessageKind.BackorderConfirmation} AS Kind, o.Id AS OrderId, NULL AS OrderLineId, c.Email, c.Name,
                   'Your order ' || o.Number || ': some items are on backorder' AS Subject, o.PlacedAt AS CreatedAt
            FROM Orders o JOIN Customers c ON c.Id = o.CustomerId
            WHERE EXISTS (SELECT 1 FROM OrderLines l WHERE l.OrderId = o.Id AND l.QtyBackorderedAtPlacement > 0)
            UNION ALL
            SELECT {(int)MessageKind.Delay}, o.Id, l.Id, c.Email, c.Name, 'Your order ' || o.Number || ': a new ship date',
                   MIN(strftime('%Y-%m-%d %H:%M:%f', o.PlacedAt, '+2 days'), (SELECT MAX(PlacedAt) FROM Orders))
            FROM OrderLines l JOIN Orders o ON o.Id = l.OrderId JOIN Customers c ON c.Id = o.CustomerId
            WHERE l.QtyUnfilled > 0 AND l.CurrentEta > l.PromisedShipDate
            UNION ALL
            SELECT {(int)MessageKind.Shipped}, o.Id, NULL, c.Email, c.Name, 'Your order ' || o.Number || ' has shipped', s.ShippedAt
            FROM Shipments s JOIN Orders o ON o.Id = s.OrderId JOIN Customers c ON c.Id = o.CustomerId
            WHERE EXISTS (SELECT 1 FROM ShipmentLines sl JOIN OrderLines l ON l.Id = sl.OrderLineId
                          WHERE sl.ShipmentId = s.Id AND l.QtyBackorderedAtPlacement > 0)
            UNION ALL
            SELECT {(int)MessageKind.Cancelled}, o.Id, l.Id, c.Email, c.Name, 'Your order ' || o.Number || ': an item is cancelled',
                   MIN(strftime('%Y-%m-%d %H:%M:%f', o.PlacedAt, '+3 days'), (SELECT MAX(PlacedAt) FROM Orders))
            FROM OrderLines l JOIN Orders o ON o.Id = l.OrderId JOIN Customers c ON c.Id = o.CustomerId
            WHERE l.QtyCancelled > 0)
        ORDER BY CreatedAt, OrderId, Kind;
        UPDATE Outbox SET State = {(int)MessageState.Failed}, Attempts = 5, SentAt = NULL, LastError = '550 Mailbox unavailable' WHERE Id % 251 = 0;
        UPDATE Outbox SET State = {(int)MessageState.Pending}, Attempts = 0, SentAt = NULL
        WHERE CreatedAt > strftime('%Y-%m-%d %H:%M:%f', (SELECT MAX(PlacedAt) FROM Orders), '-2 hours');
        """;

    private sealed record Trigger(string Name, string Sql);

    private sealed class Insert(SqliteConnection connection, SqliteTransaction tx, string table, params string[] columns) : IDisposable
    {
        private readonly SqliteCommand _command = Create(connection, tx, table, columns);

        private static SqliteCommand Create(SqliteConnection connection, SqliteTransaction tx, string table, string[] columns)
        {
            var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(c => "$" + c))})";
            command.Parameters.AddRange(Sql.Params(columns.Select(c => (c, (object?)null)).ToArray()));
            command.Prepare();
            return command;
        }

        public void Row(params object?[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                _command.Parameters[i].Value = values[i] ?? DBNull.Value;
            }
            _command.ExecuteNonQuery();
        }

        public void Dispose() => _command.Dispose();
    }

    private static void Fill(SqliteConnection connection, SqliteTransaction tx, LargeDatabaseSize size, DateTime now)
    {
        var rng = new Random(Seed);
        var today = DateOnly.FromDateTime(now);
        static string Stamp(DateTime t) => BulkWrites.Stamp(t);
        static string Day(DateOnly d) => BulkWrites.Day(d);

        using (var settings = new Insert(connection, tx, "MerchantSettings", "Id", "TimeZoneId", "DefaultHandlingDays", "DefaultLowStockThreshold", "VipFirstInQueue", "UpdatedAt"))
        {
            settings.Row(1, "UTC", 1, 5, 0, Stamp(now));
        }
        using (var categories = new Insert(connection, tx, "Categories", "Id", "Name"))
        {
            for (var i = 1; i <= size.Categories; i++)
            {
                categories.Row(i, $"Category {i:00}");
            }
        }
        var leadTimes = new int[size.Suppliers + 1];
        using (var suppliers = new Insert(connection, tx, "Suppliers", "Id", "Name", "DefaultLeadTimeDays"))
        {
            for (var i = 1; i <= size.Suppliers; i++)
            {
                leadTimes[i] = rng.Next(7, 45);
                suppliers.Row(i, $"Supplier {i:00}", leadTimes[i]);
            }
        }

        // A third of the products are sold out; the open backorders go to them, most to a few (Zipf-like).
        var soldOut = new List<int>();
        var productSupplier = new int[size.Products + 1];
        var productCategory = new int[size.Products + 1];
        var productOnHand = new int[size.Products + 1];
        using (var products = new Insert(connection, tx, "Products", "Id", "Sku", "Name", "CategoryId", "SupplierId", "PriceCents", "OnHand",
                   "Allocated", "BackorderPolicy", "Discontinued", "CreatedAt", "Version"))
        {
            for (var i = 1; i <= size.Products; i++)
            {
                var out_ = rng.NextDouble() < 0.33;
                var onHand = out_ ? 0 : rng.Next(1, 400);
                productSupplier[i] = rng.Next(1, size.Suppliers + 1);
                productCategory[i] = rng.Next(1, size.Categories + 1);
                productOnHand[i] = onHand;
                var policy = out_ ? (int)BackorderPolicy.Allowed : rng.NextDouble() < 0.15 ? (int)BackorderPolicy.NotAllowed : (int)BackorderPolicy.Allowed;
                products.Row(i, $"P-{i:000000}", $"Product {i:000000}", productCategory[i], productSupplier[i],
                    rng.Next(500, 50_000), onHand, 0, policy, 0, Stamp(now.AddDays(-400)), 0);
                if (out_)
                {
                    soldOut.Add(i);
                }
            }
        }

        using (var customers = new Insert(connection, tx, "Customers", "Id", "Name", "Email", "Tier", "CreatedAt"))
        {
            for (var i = 1; i <= size.Customers; i++)
            {
                customers.Row(i, $"Customer {i}", $"customer{i}@example.com", (int)(rng.NextDouble() < 0.1 ? CustomerTier.Vip : CustomerTier.Standard), Stamp(now.AddDays(-500)));
            }
        }

        // Purchase orders: the open ones cover the sold-out products, so their queues get real dates.
        var poLine = 0;
        using (var pos = new Insert(connection, tx, "PurchaseOrders", "Id", "Number", "SupplierId", "Status", "OrderedAt", "ExpectedDate",
                   "ReceivedAt", "CreatedAt", "Version"))
        using (var poLines = new Insert(connection, tx, "PurchaseOrderLines", "Id", "PurchaseOrderId", "ProductId", "QtyOrdered", "QtyReceived", "UnitCostCents"))
        {
            for (var i = 1; i <= size.PurchaseOrders; i++)
            {
                var open = i % 5 < 2;
                var supplier = rng.Next(1, size.Suppliers + 1);
                var ordered = now.AddDays(open ? -rng.Next(1, 30) : -rng.Next(30, 365));
                var expected = DateOnly.FromDateTime(ordered).AddDays(leadTimes[supplier]);
                var received = open ? (DateTime?)null : ordered.AddDays(leadTimes[supplier] + rng.Next(-3, 10));
                pos.Row(i, $"PO-{i:000000}", supplier, open ? (int)PurchaseOrderStatus.Ordered : (int)PurchaseOrderStatus.Received,
                    Stamp(ordered), Day(expected < today && open ? today.AddDays(rng.Next(1, 20)) : expected),
                    received is { } r ? Stamp(r) : null, Stamp(ordered), 0);
                for (var l = 0; l < 3; l++)
                {
                    var product = open ? soldOut[rng.Next(soldOut.Count)] : rng.Next(1, size.Products + 1);
                    var qty = rng.Next(1, 20) * 6;
                    poLines.Row(++poLine, i, product, qty, open ? 0 : qty, 1000);
                }
            }
        }

        // Orders: lines over the last year. Most shipped from stock within a couple of days, a few waited as backorders
        // (most shipped later, some cancelled), and the open backorders go to the sold-out products.
        var orderId = 0;
        var lineId = 0;
        var shipmentId = 0;
        var shipmentLineId = 0;
        var sold = new int[size.Products + 1];
        // Money held in backorders per day (index 0 = a year ago) and category × supplier: + when a line starts waiting, − when it stops.
        const int historyDays = 366;
        var valueChange = new long[historyDays + 1, size.Categories + 1, size.Suppliers + 1];
        var lineChange = new int[historyDays + 1, size.Categories + 1, size.Suppliers + 1];
        var unitChange = new int[historyDays + 1, size.Categories + 1, size.Suppliers + 1];
        var firstDay = today.AddDays(-historyDays + 1);
        void Waited(int product, int qty, long price, DateTime from, DateTime? until)
        {
            var (c, s) = (productCategory[product], productSupplier[product]);
            var start = Math.Max(0, DateOnly.FromDateTime(from).DayNumber - firstDay.DayNumber);
            var end = until is { } u ? Math.Min(historyDays, DateOnly.FromDateTime(u).DayNumber - firstDay.DayNumber) : historyDays;
            if (end <= start)
            {
                return;
            }
            valueChange[start, c, s] += qty * price;
            valueChange[end, c, s] -= qty * price;
            lineChange[start, c, s]++;
            lineChange[end, c, s]--;
            unitChange[start, c, s] += qty;
            unitChange[end, c, s] -= qty;
        }
        DateTime NotAfterNow(DateTime t) => t < now ? t : now.AddMinutes(-rng.Next(1, 60));

        using var orders = new Insert(connection, tx, "Orders", "Id", "Number", "CustomerId", "PlacedAt", "Channel", "ShipPolicy",
            "PaymentAuthorizedAt", "PaymentAuthorizationExpiresAt", "ShippingCents", "TrackingToken", "Version");
        using var lines = new Insert(connection, tx, "OrderLines", "Id", "OrderId", "ProductId", "Qty", "UnitPriceCents", "QtyAllocated",
            "QtyShipped", "QtyCancelled", "QtyBackorderedAtPlacement", "QueuedAt", "Priority", "PromisedShipDate", "CurrentEta", "Version");
        using var shipments = new Insert(connection, tx, "Shipments", "Id", "OrderId", "ShippedAt", "Carrier", "TrackingNumber");
        using var shipmentLines = new Insert(connection, tx, "ShipmentLines", "Id", "ShipmentId", "OrderLineId", "Qty");
        using var ledger = new Insert(connection, tx, "StockLedger", "ProductId", "OnHandDelta", "AllocatedDelta", "Reason", "Reference", "At");
        var openLeft = size.OpenBackorderLines;
        var linesLeft = size.OrderLines;
        while (linesLeft > 0)
        {
            orderId++;
            // Orders arrive over the year in time order (as a store's table grows), a few minutes apart.
            var placed = now.AddMinutes(-365 * 24 * 60 * ((double)linesLeft / size.OrderLines) - rng.Next(0, 5));
            var channel = rng.NextDouble() switch { < 0.7 => OrderChannel.Web, < 0.8 => OrderChannel.Phone, < 0.9 => OrderChannel.Email, _ => OrderChannel.Api };
            orders.Row(orderId, $"L-{orderId:0000000}", rng.Next(1, size.Customers + 1), Stamp(placed), (int)channel, (int)ShipPolicy.ShipAvailable, Stamp(placed),
                Stamp(placed.AddDays(7)), 0, $"large-{orderId}", 0);
            var count = Math.Min(linesLeft, rng.Next(1, 3));
            int? fromStock = null;
            var fromStockAt = NotAfterNow(placed.AddHours(rng.Next(2, 60)));
            for (var l = 0; l < count; l++)
            {
                linesLeft--;
                var qty = rng.Next(1, 4);
                // Spread open backorders so that open lines stay about OpenBackorderLines / OrderLines of the total.
                var isOpen = openLeft > 0 && rng.NextDouble() < (double)openLeft / (linesLeft + 1);
                if (isOpen)
                {
                    openLeft--;
                    var product = soldOut[(int)(Math.Pow(rng.NextDouble(), 3) * soldOut.Count)];
                    var promised = today.AddDays(rng.Next(2, 40));
                    lines.Row(++lineId, orderId, product, qty, 1000, 0, 0, 0, qty, Stamp(placed), (int)(rng.NextDouble() < 0.02 ? QueuePriority.Vip : QueuePriority.Standard),
                        Day(promised), Day(promised.AddDays(rng.Next(-2, 6))), 0);
                    Waited(product, qty, 1000, placed, null);
                }
                else if (rng.NextDouble() < 0.08)
                {
                    // Backordered at placement, then shipped when stock came (or cancelled by the customer).
                    var product = rng.Next(1, size.Products + 1);
                    var promised = DateOnly.FromDateTime(placed).AddDays(rng.Next(5, 30));
                    var until = NotAfterNow(placed.AddHours(rng.Next(3 * 24, 40 * 24)));
                    var cancelled = rng.NextDouble() < 0.1;
                    lines.Row(++lineId, orderId, product, qty, 1000, 0, cancelled ? 0 : qty, cancelled ? qty : 0, qty, Stamp(placed), 0,
                        Day(promised), null, 0);
                    Waited(product, qty, 1000, placed, until);
                    if (!cancelled)
                    {
                        shipments.Row(++shipmentId, orderId, Stamp(until), "UPS", $"1Z{shipmentId:000000000}");
                        shipmentLines.Row(++shipmentLineId, shipmentId, lineId, qty);
                    }
                }
                else
                {
                    var product = rng.Next(1, size.Products + 1);
                    lines.Row(++lineId, orderId, product, qty, 1000, 0, qty, 0, 0, null, 0, null, null, 0);
                    if (fromStock is null)
                    {
                        fromStock = ++shipmentId;
                        shipments.Row(shipmentId, orderId, Stamp(fromStockAt), "UPS", $"1Z{shipmentId:000000000}");
                    }
                    shipmentLines.Row(++shipmentLineId, fromStock.Value, lineId, qty);
                    ledger.Row(product, -qty, 0, (int)StockReason.Shipment, $"L-{orderId:0000000}", Stamp(placed));
                    sold[product] += qty;
                }
            }
        }

        // Opening stock: what is on hand now plus everything sold from stock since.
        for (var i = 1; i <= size.Products; i++)
        {
            if (productOnHand[i] + sold[i] > 0)
            {
                ledger.Row(i, productOnHand[i] + sold[i], 0, (int)StockReason.Import, "Opening stock", Stamp(now.AddDays(-400)));
            }
        }

        // What the backorders held at the end of each past day, per category and supplier (today's the app counts itself).
        using var values = new Insert(connection, tx, "BackorderValueDays", "Day", "CategoryId", "SupplierId", "Lines", "Units", "ValueCents");
        for (var c = 1; c <= size.Categories; c++)
        {
            for (var sup = 1; sup <= size.Suppliers; sup++)
            {
                long value = 0;
                int waiting = 0, units = 0;
                for (var d = 0; d < historyDays - 1; d++)
                {
                    value += valueChange[d, c, sup];
                    waiting += lineChange[d, c, sup];
                    units += unitChange[d, c, sup];
                    if (waiting > 0)
                    {
                        values.Row(Day(firstDay.AddDays(d)), c, sup, waiting, units, value);
                    }
                }
            }
        }
    }
}
