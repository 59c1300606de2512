using System.Security.Cryptography;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Features.Restock;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Import;

/// <summary>What a file would do: its kind, the counts, and every problem with its row and column.</summary>
public sealed record ImportPreview(ImportKind? Kind, bool Detected, string FileName, string FileSha256, int Rows,
    int Created, int Updated, int Unchanged, string Summary, IReadOnlyList<ImportProblem> Problems, IReadOnlyList<string> Notes, string? Refusal)
{
    /// <summary>Read, of a known kind, and without a problem.</summary>
    public bool IsClean => Refusal is null && Kind is not null && Problems.Count == 0;

    /// <summary>Clean, and something in it is not yet in the store.</summary>
    public bool CanCommit => IsClean && Created + Updated > 0;

    public static ImportPreview Refused(string fileName, string refusal, ImportKind? kind = null) =>
        new(kind, false, fileName, "", 0, 0, 0, 0, "", [], [], refusal);
}

/// <summary>What an import did, or why it stored nothing.</summary>
public sealed record ImportResult(bool Succeeded, string Message, IReadOnlyList<ImportProblem> Problems, int Created = 0, int Updated = 0, int Unchanged = 0);

/// <summary>
/// CSV import of products, stock counts, purchase orders and orders: a file is read and checked outside any write
/// (every problem named by row and column), previewed with what it would create, change and leave alone, and then
/// committed in one all-or-nothing write transaction through the same services as the pages, so an imported order
/// is taken like one typed in and an imported purchase order moves the queues like one placed by hand. What is
/// already in the store is left as it is, so the same file imported twice changes nothing.
/// </summary>
public sealed class ImportService(IDbContextFactory<AppDbContext> dbFactory, SettingsService settings, AvailabilityService availability,
    OrderIntakeService intake, PurchaseOrderService purchaseOrders, ProductService products, StockCorrectionService stock, QueueMaintenance queue,
    StockNotifier notifier, TimeProvider time)
{
    /// <summary>The largest file the page takes: a 100,000-row products file is about 10 MB.</summary>
    public const long MaxFileBytes = 50L * 1024 * 1024;

    /// <summary>Orders or purchase orders placed between two clearings of the change tracker, which grows with each.</summary>
    private const int Chunk = 200;

    public async Task<ImportPreview> PreviewAsync(byte[] file, string fileName, ImportKind? kind, Actor actor,
        IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.ImportData) is { } refused)
        {
            return ImportPreview.Refused(fileName, refused, kind);
        }
        return (await PlanAsync(file, fileName, kind, progress, ct)).Preview;
    }

    public async Task<ImportResult> CommitAsync(byte[] file, string fileName, ImportKind? kind, Actor actor,
        IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.ImportData) is { } refused)
        {
            return new ImportResult(false, refused, []);
        }
        var (preview, plan) = await PlanAsync(file, fileName, kind, progress, ct);
        if (preview.Refusal is { } refusal)
        {
            return new ImportResult(false, refusal, []);
        }
        if (!preview.IsClean)
        {
            return new ImportResult(false, $"Nothing was imported: the file has {Words.Count(preview.Problems.Count, "problem")}.", preview.Problems);
        }
        if (!preview.CanCommit)
        {
            return new ImportResult(true, $"Nothing to import: {preview.Summary}", [], Unchanged: preview.Unchanged);
        }
        // Ledger rows, history and messages say the change came in by import.
        var via = actor.Kind switch
        {
            ActorKind.User => Actor.User(actor.Name, actor.Roles, ActorChannel.Import, actor.UserDisplayName, actor.UserId),
            ActorKind.System => Actor.SystemVia(ActorChannel.Import),
            _ => actor,
        };
        return plan switch
        {
            OrdersPlan orders => await CommitOrdersAsync(orders, preview, via, progress, ct),
            PurchaseOrdersPlan pos => await CommitPurchaseOrdersAsync(pos, preview, via, progress, ct),
            ProductsPlan catalogue => await CommitProductsAsync(catalogue, preview, via, progress, ct),
            StockPlan counts => await CommitStockCountsAsync(counts, preview, via, progress, ct),
            _ => new ImportResult(false, "Nothing was imported.", []),
        };
    }

    // ---- Reading and checking (no write lock) ----

    private abstract record Plan;

    private sealed record OrderLinePlan(int Row, string Sku, int Qty, long UnitPriceCents, DateTime? ShippedAt);

    private sealed record OrderPlan(int Row, string Number, DateTime PlacedAt, string Email, string Name, string? Phone, ShipPolicy ShipPolicy,
        List<OrderLinePlan> Lines);

    private sealed record OrdersPlan(List<OrderPlan> New, int Lines) : Plan;

    private sealed record PoLinePlan(int Row, string Sku, int Qty, long? UnitCostCents);

    private sealed record PoPlan(int Row, string Number, string Supplier, DateOnly Expected, List<PoLinePlan> Lines);

    private sealed record PurchaseOrdersPlan(List<PoPlan> New, IReadOnlyList<string> NewSuppliers) : Plan;

    /// <summary>A product row with the values it gives (null: keep the current value, or the default for a new product).</summary>
    internal sealed record ProductCells(int Row, string Sku, string? Name, string? Category, string? Supplier, long? PriceCents, int? OnHand,
        BackorderPolicy? Policy, int? Cap, int? Threshold, int? LeadTimeDays);

    private sealed record ProductsPlan(List<(ProductCells Cells, ProductFact? Existing)> Changes) : Plan;

    internal sealed record StockCount(int Row, string Sku, int OnHand, StockCorrectionReason Reason);

    private sealed record StockPlan(List<StockCount> Changes) : Plan;

    private sealed record NoPlan : Plan;

    internal sealed record ProductFact(int Id, string Sku, string Name, string Category, string Supplier, long PriceCents, int OnHand,
        BackorderPolicy Policy, int? Cap, int? Threshold, int? LeadTimeDays);

    private async Task<(ImportPreview Preview, Plan Plan)> PlanAsync(byte[] bytes, string fileName, ImportKind? chosen,
        IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        if (bytes.LongLength > MaxFileBytes)
        {
            return (ImportPreview.Refused(fileName, $"The file is larger than {MaxFileBytes / (1024 * 1024)} MB.", chosen), new NoPlan());
        }
        progress?.Report(new ImportProgress("Reading the file", 0, 0));
        var (file, problem) = await Task.Run(() => ImportFile.Read(bytes, progress, ct), ct);
        if (file is null)
        {
            return (ImportPreview.Refused(fileName, problem!, chosen), new NoPlan());
        }
        var detected = ImportKinds.Detect(file.Header);
        var kind = chosen ?? detected;
        if (kind is null)
        {
            return (ImportPreview.Refused(fileName,
                "The header row does not say what kind of file this is. Choose the kind by hand, or start from a template: "
                + string.Join("; ", ImportKinds.Columns.Select(k => $"{ImportKinds.Title(k.Key).ToLowerInvariant()}: {string.Join(",", k.Value.Where(c => c.Required).Select(c => c.Name))}"))
                + "."), new NoPlan());
        }
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var problems = new List<ImportProblem>();
        foreach (var column in ImportKinds.Columns[kind.Value].Where(c => c.Required && !file.Has(c.Name)))
        {
            problems.Add(new ImportProblem(1, column.Name, $"The header row has no “{column.Name}” column, which a {ImportKinds.Title(kind.Value).ToLowerInvariant()} file needs."));
        }
        if (problems.Count > 0)
        {
            return (new ImportPreview(kind, detected == kind, fileName, sha, file.Records.Count, 0, 0, 0, "", problems, [], null), new NoPlan());
        }

        var clock = await settings.GetClockAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var products = await db.Products.AsNoTracking()
            .Select(p => new ProductFact(p.Id, p.Sku, p.Name, p.Category.Name, p.Supplier.Name, p.PriceCents, p.OnHand, p.BackorderPolicy,
                p.BackorderCap, p.LowStockThreshold, p.LeadTimeDays))
            .ToListAsync(ct);
        var bySku = products.ToDictionary(p => p.Sku, StringComparer.OrdinalIgnoreCase);
        var cells = new CellReader(file, problems, clock);
        var checker = new Checker(file, cells, bySku, problems, clock.Today, progress, ct);
        // Off the page's thread, so the page can draw the progress of a long file while it is checked.
        var (created, updated, unchanged, summary, notes, plan) = await Task.Run(async () => kind.Value switch
        {
            ImportKind.Products => checker.Products(),
            ImportKind.StockCounts => checker.StockCounts(),
            ImportKind.PurchaseOrders => await PurchaseOrdersAsync(db, checker, ct),
            _ => await OrdersAsync(db, checker, ct),
        }, ct);
        return (new ImportPreview(kind, detected == kind, fileName, sha, file.Records.Count, created, updated, unchanged, summary, problems, notes, null), plan);
    }

    private static async Task<(int, int, int, string, IReadOnlyList<string>, Plan)> PurchaseOrdersAsync(AppDbContext db, Checker checker, CancellationToken ct)
    {
        var groups = checker.PurchaseOrders();
        var numbers = groups.Select(g => g.Number).ToList();
        var existing = (await db.PurchaseOrders.AsNoTracking().Where(p => numbers.Contains(p.Number))
                .Select(p => new { p.Number, Supplier = p.Supplier.Name, p.ExpectedDate, Lines = p.Lines.Select(l => new { l.Product.Sku, l.QtyOrdered, l.UnitCostCents }).ToList() })
                .ToListAsync(ct))
            .ToDictionary(p => p.Number, StringComparer.OrdinalIgnoreCase);
        var fresh = new List<PoPlan>();
        var unchanged = 0;
        foreach (var po in groups)
        {
            if (!existing.TryGetValue(po.Number, out var stored))
            {
                fresh.Add(po);
                continue;
            }
            var same = string.Equals(stored.Supplier, po.Supplier, StringComparison.OrdinalIgnoreCase)
                && stored.Lines.Count == po.Lines.Count
                && po.Lines.All(l => stored.Lines.Any(s => string.Equals(s.Sku, l.Sku, StringComparison.OrdinalIgnoreCase) && s.QtyOrdered == l.Qty
                    && (l.UnitCostCents is null || l.UnitCostCents == s.UnitCostCents)));
            if (same)
            {
                unchanged++;
            }
            else
            {
                checker.Problems.Add(new ImportProblem(po.Row, "po_number",
                    $"Purchase order {po.Number} is already in the store with other lines or another supplier; change it on its page, or give this one another number."));
            }
        }
        var known = await db.Suppliers.AsNoTracking().Select(s => s.Name).ToListAsync(ct);
        var newSuppliers = fresh.Select(p => p.Supplier).Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(s => !known.Contains(s, StringComparer.OrdinalIgnoreCase)).ToList();
        var notes = newSuppliers.Select(s => $"Supplier “{s}” is not in the store yet and will be created (lead time 14 days; change it on the suppliers page).").ToList();
        if (fresh.Count > 0)
        {
            notes.Add("Purchase orders are placed with the supplier (status Ordered) with their expected date; waiting customers' dates are walked again.");
        }
        var rows = checker.File.Records.Count;
        var summary = $"{Words.Count(rows, "row")}: {Words.Count(fresh.Count, "new purchase order")} ({Words.Count(fresh.Sum(p => p.Lines.Count), "line")}), {unchanged} already in the store";
        return (fresh.Count, 0, unchanged, summary, notes, new PurchaseOrdersPlan(fresh, newSuppliers));
    }

    private static async Task<(int, int, int, string, IReadOnlyList<string>, Plan)> OrdersAsync(AppDbContext db, Checker checker, CancellationToken ct)
    {
        var groups = checker.Orders();
        var numbers = groups.Select(g => g.Number).ToList();
        var existing = (await db.Orders.AsNoTracking().Where(o => o.Channel == OrderChannel.Import && o.ExternalNumber != null && numbers.Contains(o.ExternalNumber))
            .Select(o => o.ExternalNumber!).ToListAsync(ct)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var fresh = groups.Where(g => !existing.Contains(g.Number)).OrderBy(g => g.PlacedAt).ThenBy(g => g.Row).ToList();
        var unchanged = groups.Count - fresh.Count;
        var lines = fresh.Sum(o => o.Lines.Count);
        var notes = new List<string>();
        if (fresh.Count > 0)
        {
            notes.Add("Orders are taken oldest first like orders typed in: each line takes stock first, the rest waits in its queue from the time it was placed, "
                + "with a promised date and a confirmation to the customer; lines with shipped_at are recorded as shipped without touching stock. "
                + "A line that may not be backordered stops the import, naming its row.");
        }
        var summary = $"{Words.Count(checker.File.Records.Count, "row")}: {Words.Count(fresh.Count, "new order")} ({Words.Count(lines, "line")}), {unchanged} already imported";
        return (fresh.Count, 0, unchanged, summary, notes, new OrdersPlan(fresh, lines));
    }

    /// <summary>The checks of each kind over the records, with the products of the store by SKU.</summary>
    private sealed class Checker(ImportFile file, CellReader cells, IReadOnlyDictionary<string, ProductFact> products, List<ImportProblem> problems,
        DateOnly today, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        public ImportFile File => file;
        public List<ImportProblem> Problems => problems;

        private IEnumerable<ImportRecord> Records(string stage)
        {
            var total = file.Records.Count;
            for (var i = 0; i < total; i++)
            {
                if (i % 2000 == 0)
                {
                    ct.ThrowIfCancellationRequested();
                    progress?.Report(new ImportProgress(stage, i, total));
                }
                cells.Record = file.Records[i];
                yield return file.Records[i];
            }
            progress?.Report(new ImportProgress(stage, total, total));
        }

        private string? Sku(bool mustExist)
        {
            var sku = cells.Text("sku", Limits.MaxSkuLength, required: true);
            if (sku is not null && mustExist && !products.ContainsKey(sku))
            {
                cells.Problem("sku", $"There is no product with SKU “{sku}”.");
                return null;
            }
            return sku;
        }

        /// <summary>A key seen on an earlier row: a problem naming that row.</summary>
        private bool Duplicate<TKey>(Dictionary<TKey, int> seen, TKey key, string column, string what) where TKey : notnull
        {
            if (seen.TryGetValue(key, out var first))
            {
                cells.Problem(column, $"{what} is already on row {first}.");
                return true;
            }
            seen[key] = cells.Record.Row;
            return false;
        }

        public (int, int, int, string, IReadOnlyList<string>, Plan) Products()
        {
            var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var changes = new List<(ProductCells, ProductFact?)>();
            int created = 0, updated = 0, unchanged = 0;
            foreach (var record in Records("Checking rows"))
            {
                var before = problems.Count;
                var sku = Sku(mustExist: false);
                var existing = sku is null ? null : products.GetValueOrDefault(sku);
                var row = new ProductCells(record.Row, sku ?? "",
                    cells.Text("name", Limits.MaxNameLength, required: existing is null),
                    cells.Text("category", 100, required: existing is null),
                    cells.Text("supplier", Limits.MaxNameLength, required: existing is null),
                    cells.Money("price", required: false),
                    cells.Int("on_hand", 0, Limits.MaxUnitsPerPoLine, required: false),
                    cells.Choice("backorder_policy", ImportWords.Policies, required: false),
                    cells.Int("backorder_cap", 0, Limits.MaxBackorderCap, required: false),
                    cells.Int("low_stock_threshold", 0, Limits.MaxThreshold, required: false),
                    cells.Int("lead_time_days", 1, Limits.MaxLeadTimeDays, required: false));
                if (sku is not null && Duplicate(seen, sku, "sku", $"SKU “{sku}”"))
                {
                    continue;
                }
                if (problems.Count > before)
                {
                    continue;
                }
                if (existing is null)
                {
                    created++;
                    changes.Add((row, null));
                }
                else if (Same(row, existing))
                {
                    unchanged++;
                }
                else
                {
                    updated++;
                    changes.Add((row, existing));
                }
            }
            var summary = $"{Words.Count(file.Records.Count, "row")}: {Words.Count(created, "new product")}, {updated} updated, {unchanged} unchanged";
            return (created, updated, unchanged, summary, [], new ProductsPlan(changes));
        }

        private static bool Same(ProductCells row, ProductFact p) =>
            (row.Name is null || row.Name == p.Name)
            && (row.Category is null || string.Equals(row.Category, p.Category, StringComparison.OrdinalIgnoreCase))
            && (row.Supplier is null || string.Equals(row.Supplier, p.Supplier, StringComparison.OrdinalIgnoreCase))
            && (row.PriceCents is null || row.PriceCents == p.PriceCents)
            && (row.OnHand is null || row.OnHand == p.OnHand)
            && (row.Policy is null || row.Policy == p.Policy)
            && (row.Cap is null || row.Cap == p.Cap)
            && (row.Threshold is null || row.Threshold == p.Threshold)
            && (row.LeadTimeDays is null || row.LeadTimeDays == p.LeadTimeDays);

        public (int, int, int, string, IReadOnlyList<string>, Plan) StockCounts()
        {
            var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var changes = new List<StockCount>();
            var unchanged = 0;
            foreach (var record in Records("Checking rows"))
            {
                var before = problems.Count;
                var sku = Sku(mustExist: true);
                var onHand = cells.Int("on_hand", 0, Limits.MaxOnHand, required: true);
                var reason = cells.Choice("reason", ImportWords.Reasons, required: false) ?? StockCorrectionReason.Stocktake;
                if (sku is not null && Duplicate(seen, sku, "sku", $"SKU “{sku}”"))
                {
                    continue;
                }
                if (problems.Count > before || sku is null || onHand is null)
                {
                    continue;
                }
                if (products[sku].OnHand == onHand)
                {
                    unchanged++;
                }
                else
                {
                    changes.Add(new StockCount(record.Row, products[sku].Sku, onHand.Value, reason));
                }
            }
            var summary = $"{Words.Count(file.Records.Count, "row")}: {Words.Count(changes.Count, "stock count")} to change, {unchanged} unchanged";
            return (0, changes.Count, unchanged, summary, [], new StockPlan(changes));
        }

        public List<PoPlan> PurchaseOrders()
        {
            var byNumber = new Dictionary<string, PoPlan>(StringComparer.OrdinalIgnoreCase);
            var seen = new Dictionary<(string, string), int>();
            foreach (var record in Records("Checking rows"))
            {
                var before = problems.Count;
                var number = cells.Text("po_number", 32, required: true);
                var supplier = cells.Text("supplier", Limits.MaxNameLength, required: true);
                var expected = cells.Date("expected_date", required: true);
                var sku = Sku(mustExist: true);
                var qty = cells.Int("quantity", 1, Limits.MaxUnitsPerPoLine, required: true);
                var cost = cells.Money("unit_cost", required: false);
                if (expected is { } date && date < today)
                {
                    cells.Problem("expected_date", "The expected date can't be in the past: give the date the supplier now expects.");
                }
                if (number is null || sku is null || Duplicate(seen, (number.ToUpperInvariant(), sku.ToUpperInvariant()), "sku", $"{sku} on purchase order {number}"))
                {
                    continue;
                }
                if (byNumber.TryGetValue(number, out var po))
                {
                    if (supplier is not null && !string.Equals(supplier, po.Supplier, StringComparison.OrdinalIgnoreCase))
                    {
                        cells.Problem("supplier", $"Purchase order {number} has supplier “{po.Supplier}” on row {po.Row}.");
                    }
                    if (expected is not null && expected != po.Expected)
                    {
                        cells.Problem("expected_date", $"Purchase order {number} is expected {po.Expected:yyyy-MM-dd} on row {po.Row}.");
                    }
                }
                if (problems.Count > before || supplier is null || expected is null || qty is null)
                {
                    continue;
                }
                po ??= byNumber[number] = new PoPlan(record.Row, number, supplier, expected.Value, []);
                po.Lines.Add(new PoLinePlan(record.Row, products[sku].Sku, qty.Value, cost));
            }
            return byNumber.Values.ToList();
        }

        public List<OrderPlan> Orders()
        {
            var byNumber = new Dictionary<string, OrderPlan>(StringComparer.OrdinalIgnoreCase);
            var seen = new Dictionary<(string, string), int>();
            foreach (var record in Records("Checking rows"))
            {
                var before = problems.Count;
                var number = cells.Text("order_number", 64, required: true);
                var placedAt = cells.Moment("placed_at", required: true);
                var email = cells.Email("customer_email");
                var name = cells.Text("customer_name", Limits.MaxNameLength, required: true);
                var sku = Sku(mustExist: true);
                var qty = cells.Int("quantity", 1, Limits.MaxUnitsPerOrderLine, required: true);
                var price = cells.Money("unit_price", required: true);
                var shipPolicy = cells.Choice("ship_policy", ImportWords.ShipPolicies, required: false) ?? ShipPolicy.ShipAvailable;
                var phone = cells.Text("customer_phone", Limits.MaxPhoneLength, required: false);
                var shippedAt = cells.Moment("shipped_at", required: false);
                if (shippedAt is not null && placedAt is not null && shippedAt < placedAt)
                {
                    cells.Problem("shipped_at", "The line can't have shipped before the order was placed.");
                }
                if (number is null || sku is null || Duplicate(seen, (number.ToUpperInvariant(), sku.ToUpperInvariant()), "sku", $"{sku} on order {number}"))
                {
                    continue;
                }
                if (byNumber.TryGetValue(number, out var order))
                {
                    if (placedAt is not null && placedAt != order.PlacedAt)
                    {
                        cells.Problem("placed_at", $"Order {number} has another placed_at on row {order.Row}.");
                    }
                    if (email is not null && !string.Equals(email, order.Email, StringComparison.OrdinalIgnoreCase))
                    {
                        cells.Problem("customer_email", $"Order {number} has customer {order.Email} on row {order.Row}.");
                    }
                    if (file.Has("ship_policy") && shipPolicy != order.ShipPolicy)
                    {
                        cells.Problem("ship_policy", $"Order {number} has another ship_policy on row {order.Row}.");
                    }
                }
                if (problems.Count > before || placedAt is null || email is null || name is null || qty is null || price is null)
                {
                    continue;
                }
                order ??= byNumber[number] = new OrderPlan(record.Row, number, placedAt.Value, email, name, phone, shipPolicy, []);
                order.Lines.Add(new OrderLinePlan(record.Row, products[sku].Sku, qty.Value, price.Value, shippedAt));
            }
            return byNumber.Values.ToList();
        }
    }

    // ---- Committing (one write transaction) ----

    private async Task<ImportResult> CommitOrdersAsync(OrdersPlan plan, ImportPreview preview, Actor actor, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var context = await availability.GetContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var problems = new List<ImportProblem>();
        var affected = new HashSet<int>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        // Read again under the lock: another import of the same file may have committed since the check.
        var numbers = plan.New.Select(o => o.Number).ToList();
        var done = (await db.Orders.Where(o => o.Channel == OrderChannel.Import && o.ExternalNumber != null && numbers.Contains(o.ExternalNumber))
            .Select(o => o.ExternalNumber!).ToListAsync(ct)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var orders = plan.New.Where(o => !done.Contains(o.Number)).ToList();
        var placed = 0;
        // One session for the file: the order numbers read once, and each product's queue walked once at the end.
        var session = new IntakeSession(context) { WalkQueuesAtEnd = true };
        foreach (var chunk in orders.Chunk(Chunk))
        {
            db.ChangeTracker.Clear();
            session.Forget();
            var skus = chunk.SelectMany(o => o.Lines).Select(l => l.Sku.ToUpperInvariant()).Distinct().ToList();
            foreach (var product in await db.Products.Where(p => skus.Contains(p.Sku.ToUpper())).ToListAsync(ct))
            {
                session.Products[product.Sku.ToUpperInvariant()] = product;
            }
            var emails = chunk.Select(o => o.Email).Distinct().ToList();
            foreach (var customer in await db.Customers.Where(c => emails.Contains(c.Email)).ToListAsync(ct))
            {
                session.Customers.TryAdd(customer.Email, customer);
            }
            foreach (var order in chunk)
            {
                var request = new IntakeRequest(order.Name, order.Email, order.Phone, order.ShipPolicy, OrderChannel.Import, order.PlacedAt,
                    order.Lines.Select(l => new IntakeLine(l.Sku.ToUpperInvariant(), l.Qty, l.UnitPriceCents, l.ShippedAt)).ToList(), order.Number);
                var result = await intake.PlaceInAsync(db, request, actor, now, session, ct);
                if (!result.Succeeded)
                {
                    problems.AddRange(result.Errors.Select(e => new ImportProblem(order.Row, "sku", $"Order {order.Number}: {e}")));
                    continue;
                }
                foreach (var line in order.Lines)
                {
                    affected.Add(session.Products[line.Sku.ToUpperInvariant()].Id);
                }
                placed++;
                if (placed % 50 == 0)
                {
                    progress?.Report(new ImportProgress("Importing orders", placed, orders.Count));
                }
            }
        }
        if (problems.Count > 0)
        {
            await tx.RollbackAsync(ct);
            return new ImportResult(false, $"Nothing was imported: {Words.Count(problems.Count, "order")} can't be taken as they stand.", problems);
        }
        db.ChangeTracker.Clear();
        progress?.Report(new ImportProgress("Walking the queues", placed, orders.Count));
        await intake.FinishAsync(db, session, "orders imported", actor, now, ct);
        await RecordRunAsync(db, preview, ImportKind.Orders, placed, 0, preview.Unchanged + (plan.New.Count - orders.Count), actor, now, ct);
        await tx.CommitAsync(ct);
        progress?.Report(new ImportProgress("Importing orders", orders.Count, orders.Count));
        await notifier.PublishAsync(affected);
        return new ImportResult(true, $"Imported {Words.Count(placed, "order")} ({Words.Count(plan.Lines, "line")}).", [], placed, 0, preview.Unchanged);
    }

    private async Task<ImportResult> CommitPurchaseOrdersAsync(PurchaseOrdersPlan plan, ImportPreview preview, Actor actor, IProgress<ImportProgress>? progress,
        CancellationToken ct)
    {
        var context = await availability.GetContextAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var numbers = plan.New.Select(p => p.Number).ToList();
        var done = (await db.PurchaseOrders.Where(p => numbers.Contains(p.Number)).Select(p => p.Number).ToListAsync(ct)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var pos = plan.New.Where(p => !done.Contains(p.Number)).ToList();
        var suppliers = (await db.Suppliers.Select(s => new { s.Id, s.Name }).ToListAsync(ct))
            .GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Min(s => s.Id), StringComparer.OrdinalIgnoreCase);
        foreach (var name in pos.Select(p => p.Supplier).Distinct(StringComparer.OrdinalIgnoreCase).Where(n => !suppliers.ContainsKey(n)))
        {
            var supplier = db.Suppliers.Add(new Supplier { Name = name, DefaultLeadTimeDays = new SupplierInput().DefaultLeadTimeDays }).Entity;
            await db.SaveChangesAsync(ct);
            suppliers[name] = supplier.Id;
        }
        var skus = pos.SelectMany(p => p.Lines).Select(l => l.Sku).Distinct().ToList();
        var productIds = (await db.Products.Where(p => skus.Contains(p.Sku)).Select(p => new { p.Id, p.Sku }).ToListAsync(ct))
            .ToDictionary(p => p.Sku, p => p.Id, StringComparer.OrdinalIgnoreCase);
        var placed = 0;
        foreach (var po in pos)
        {
            var draft = new PoDraft(po.Number, suppliers[po.Supplier], po.Expected,
                po.Lines.Select(l => new PoDraftLine(productIds[l.Sku], l.Qty, l.UnitCostCents ?? 0)).ToList(), "Imported from a spreadsheet.");
            await purchaseOrders.AddInAsync(db, draft, place: true, recompute: false, actor, now, ct);
            if (++placed % Chunk == 0)
            {
                db.ChangeTracker.Clear();
                progress?.Report(new ImportProgress("Importing purchase orders", placed, pos.Count));
            }
        }
        // The queues of the products they bring: walked once each, however many orders cover them.
        var affected = pos.SelectMany(p => p.Lines).Select(l => productIds[l.Sku]).Distinct().ToList();
        var walked = 0;
        foreach (var productId in affected)
        {
            await queue.RecomputeEtasAsync(db, productId, "purchase orders imported", actor, ct, context);
            if (++walked % Chunk == 0)
            {
                db.ChangeTracker.Clear();
                progress?.Report(new ImportProgress("Walking the queues", walked, affected.Count));
            }
        }
        db.ChangeTracker.Clear();
        await RecordRunAsync(db, preview, ImportKind.PurchaseOrders, placed, 0, preview.Unchanged + (plan.New.Count - pos.Count), actor, now, ct);
        await tx.CommitAsync(ct);
        await notifier.PublishAsync(affected);
        return new ImportResult(true, $"Imported {Words.Count(placed, "purchase order")}.", [], placed, 0, preview.Unchanged);
    }

    /// <summary>Product property names of <see cref="ProductInput"/> as the file's columns.</summary>
    private static string ColumnOf(string field) => field switch
    {
        nameof(ProductInput.Name) => "name",
        nameof(ProductInput.Category) => "category",
        nameof(ProductInput.Supplier) => "supplier",
        nameof(ProductInput.PriceCents) => "price",
        nameof(ProductInput.OnHand) => "on_hand",
        nameof(ProductInput.BackorderPolicy) => "backorder_policy",
        nameof(ProductInput.BackorderCap) => "backorder_cap",
        nameof(ProductInput.LowStockThreshold) => "low_stock_threshold",
        nameof(ProductInput.LeadTimeDays) => "lead_time_days",
        _ => "sku",
    };

    private static ProductInput InputOf(ProductCells cells, ProductFact? existing) => new()
    {
        Sku = cells.Sku, Name = cells.Name, Category = cells.Category, Supplier = cells.Supplier, PriceCents = cells.PriceCents,
        BackorderPolicy = cells.Policy, BackorderCap = cells.Cap, LowStockThreshold = cells.Threshold, LeadTimeDays = cells.LeadTimeDays,
        NewSupplierLeadTimeDays = new SupplierInput().DefaultLeadTimeDays,
        OnHand = existing is null ? cells.OnHand : null,
    };

    /// <summary>
    /// New products are built and checked by the catalogue's rules before the write lock is taken, then written a
    /// statement per table inside it, so a 100,000-row catalogue holds the lock for the writing alone. Products
    /// already in the store are changed inside the lock, where their stock counts can take back and allocate.
    /// </summary>
    private async Task<ImportResult> CommitProductsAsync(ProductsPlan plan, ImportPreview preview, Actor actor, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var problems = new List<ImportProblem>();
        var saved = new List<Product>();
        int created = 0, updated = 0, unchanged = preview.Unchanged, done = 0;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Products added by anyone after this are checked against the file's new SKUs under the lock.
        var knownUpToId = await db.Products.MaxAsync(p => (int?)p.Id, ct) ?? 0;
        foreach (var (cells, _) in plan.Changes.Where(c => c.Existing is null))
        {
            var result = await products.SaveInAsync(db, InputOf(cells, null), actor, now, ct);
            if (!result.Saved || result.Product is not { } product)
            {
                problems.AddRange(result.Errors.Select(e => new ImportProblem(cells.Row, ColumnOf(e.Key), e.Value)));
                continue;
            }
            saved.Add(product);
            created++;
            if (++done % 1000 == 0)
            {
                progress?.Report(new ImportProgress("Checking new products", done, plan.Changes.Count));
            }
        }
        if (problems.Count > 0)
        {
            return new ImportResult(false, $"Nothing was imported: {Words.Count(problems.Count, "row")} can't be saved as they stand.", problems);
        }
        var staged = db.TakeNewProducts();

        await using var tx = await db.BeginWriteAsync(ct);
        var taken = await db.SkusTakenMeanwhileAsync(staged, knownUpToId, ct);
        if (taken.Count > 0)
        {
            await tx.RollbackAsync(ct);
            return new ImportResult(false, $"Nothing was imported: {Words.Count(taken.Count, "SKU")} in the file ({string.Join(", ", taken.Take(5))}"
                + $"{(taken.Count > 5 ? ", …" : "")}) {(taken.Count == 1 ? "was" : "were")} added by someone else while the file was checked. Preview it again.", []);
        }
        try
        {
            progress?.Report(new ImportProgress("Writing new products", done, plan.Changes.Count));
            await db.WriteNewProductsAsync(staged, ct);
        }
        catch (DbUpdateException)
        {
            await tx.RollbackAsync(ct);
            return new ImportResult(false, "Nothing was imported: a category or supplier in the file was added by someone else while the file was checked. Import it again.", []);
        }
        db.ChangeTracker.Clear();

        foreach (var (cells, existing) in plan.Changes.Where(c => c.Existing is not null))
        {
            var result = await products.SaveInAsync(db, InputOf(cells, existing), actor, now, ct);
            if (!result.Saved || result.Product is not { } product)
            {
                problems.AddRange(result.Errors.Select(e => new ImportProblem(cells.Row, ColumnOf(e.Key), e.Value)));
                continue;
            }
            var changed = result.Outcome != ProductSaveOutcome.Unchanged;
            // On hand of a product already in the store is a stock count, with its ledger row, take-backs and allocations.
            if (cells.OnHand is { } count && count != product.OnHand)
            {
                var outcome = await stock.CorrectInAsync(db, product, new StockCorrectionInput
                {
                    Sku = product.Sku, Mode = StockCorrectionMode.Count, Quantity = count, Reason = StockCorrectionReason.Stocktake,
                    Reference = Reference(preview.FileName),
                }, actor, now, ct);
                if (!outcome.Succeeded)
                {
                    problems.Add(new ImportProblem(cells.Row, "on_hand", outcome.Error ?? "The count can't be applied."));
                    continue;
                }
                changed |= outcome.Changed;
            }
            saved.Add(product);
            if (changed)
            {
                updated++;
            }
            else
            {
                unchanged++;
            }
            if (++done % 1000 == 0)
            {
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                progress?.Report(new ImportProgress("Importing products", done, plan.Changes.Count));
            }
        }
        if (problems.Count > 0)
        {
            await tx.RollbackAsync(ct);
            return new ImportResult(false, $"Nothing was imported: {Words.Count(problems.Count, "row")} can't be saved as they stand.", problems);
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        await RecordRunAsync(db, preview, ImportKind.Products, created, updated, unchanged, actor, now, ct);
        await tx.CommitAsync(ct);
        progress?.Report(new ImportProgress("Importing products", plan.Changes.Count, plan.Changes.Count));
        await notifier.PublishAsync(saved.Select(p => p.Id).Distinct().ToList());
        return new ImportResult(true, $"Imported {Words.Count(created, "new product")}, {updated} updated, {unchanged} unchanged.", [], created, updated, unchanged);
    }

    private async Task<ImportResult> CommitStockCountsAsync(StockPlan plan, ImportPreview preview, Actor actor, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var problems = new List<ImportProblem>();
        var affected = new List<int>();
        var updated = 0;
        var unchanged = preview.Unchanged;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        foreach (var chunk in plan.Changes.Chunk(1000))
        {
            db.ChangeTracker.Clear();
            var skus = chunk.Select(c => c.Sku).ToList();
            var bySku = (await db.Products.Where(p => skus.Contains(p.Sku)).ToListAsync(ct)).ToDictionary(p => p.Sku, StringComparer.OrdinalIgnoreCase);
            foreach (var count in chunk)
            {
                var outcome = await stock.CorrectInAsync(db, bySku[count.Sku], new StockCorrectionInput
                {
                    Sku = count.Sku, Mode = StockCorrectionMode.Count, Quantity = count.OnHand, Reason = count.Reason, Reference = Reference(preview.FileName),
                }, actor, now, ct);
                if (!outcome.Succeeded)
                {
                    problems.Add(new ImportProblem(count.Row, outcome.ErrorField == nameof(StockCorrectionInput.Reason) ? "reason" : "on_hand",
                        outcome.Error ?? "The count can't be applied."));
                }
                else if (outcome.Changed)
                {
                    updated++;
                    affected.Add(bySku[count.Sku].Id);
                }
                else
                {
                    unchanged++;
                }
            }
            await db.SaveChangesAsync(ct);
            progress?.Report(new ImportProgress("Importing stock counts", updated + unchanged - preview.Unchanged + problems.Count, plan.Changes.Count));
        }
        if (problems.Count > 0)
        {
            await tx.RollbackAsync(ct);
            return new ImportResult(false, $"Nothing was imported: {Words.Count(problems.Count, "count")} can't be applied as they stand.", problems);
        }
        db.ChangeTracker.Clear();
        await RecordRunAsync(db, preview, ImportKind.StockCounts, 0, updated, unchanged, actor, now, ct);
        await tx.CommitAsync(ct);
        await notifier.PublishAsync(affected);
        return new ImportResult(true, $"Imported {Words.Count(updated, "stock count")}, {unchanged} unchanged.", [], 0, updated, unchanged);
    }

    /// <summary>What the ledger names as the cause of an imported count: the file.</summary>
    private static string Reference(string fileName)
    {
        var reference = $"import {fileName}";
        return reference.Length <= 100 ? reference : reference[..100];
    }

    private static async Task RecordRunAsync(AppDbContext db, ImportPreview preview, ImportKind kind, int created, int updated, int unchanged, Actor actor,
        DateTime now, CancellationToken ct)
    {
        db.ImportRuns.Add(new ImportRun
        {
            Kind = kind, FileName = preview.FileName.Length > 260 ? preview.FileName[..260] : preview.FileName, FileSha256 = preview.FileSha256,
            Rows = preview.Rows, Created = created, Updated = updated, Unchanged = unchanged, At = now, UserName = actor.DisplayName,
        });
        await db.SaveChangesAsync(ct);
    }
}
