using System.Runtime.CompilerServices;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Products;

/// <summary>
/// A product as the merchant types it in or a spreadsheet row brings it. A null field keeps the product's current value
/// (or takes the default for a new product), so a file with empty cells changes only what it fills in.
/// </summary>
public sealed class ProductInput
{
    /// <summary>The product's key: trimmed, unique whatever its case, never reused (an archived product keeps it).</summary>
    public string? Sku { get; set; }

    public string? Name { get; set; }

    /// <summary>The category by name; a new name creates the category.</summary>
    public string? Category { get; set; }

    /// <summary>The supplier by name; a new name creates the supplier (with <see cref="NewSupplierLeadTimeDays"/>).</summary>
    public string? Supplier { get; set; }

    /// <summary>The quoted lead time of a supplier this input creates; ignored when the supplier exists. 0 when not given.</summary>
    public int? NewSupplierLeadTimeDays { get; set; }

    /// <summary>The selling price in cents; new orders take it, orders already taken keep theirs.</summary>
    public long? PriceCents { get; set; }

    public BackorderPolicy? BackorderPolicy { get; set; }

    public int? BackorderCap { get; set; }

    public int? LowStockThreshold { get; set; }

    public int? HandlingDays { get; set; }

    public int? LeadTimeDays { get; set; }

    public DateOnly? PreorderReleaseDate { get; set; }

    public bool? Discontinued { get; set; }

    /// <summary>
    /// Opening stock of a new product (one ledger row); ignored for an existing one, whose counts change through stock
    /// corrections.
    /// </summary>
    public int? OnHand { get; set; }

    /// <summary>
    /// Set by the edit form, which shows every field: an empty cap, threshold, handling days, lead time or release date
    /// then means "none" (the store's or the supplier's value), and an empty name, category or supplier is refused.
    /// </summary>
    public bool EmptyClears { get; set; }

    /// <summary>
    /// Set by the edit form: when the product's details were last changed as the form opened them (null: never). A
    /// save over details someone else changed since then is refused, so their change is not overwritten unseen.
    /// </summary>
    public ProductDetailsSeen? Seen { get; set; }
}

/// <summary>The product's <see cref="Product.UpdatedAt"/> as a form read it.</summary>
public sealed record ProductDetailsSeen(DateTime? UpdatedAt);

public enum ProductSaveOutcome
{
    Created = 0,
    Updated = 1,
    Unchanged = 2,
    Refused = 3,
}

/// <summary>What saving a product did; <see cref="Errors"/> are keyed by <see cref="ProductInput"/> property name ("" for the whole).</summary>
public sealed record ProductSaveResult(ProductSaveOutcome Outcome, Product? Product, IReadOnlyDictionary<string, string> Errors)
{
    public bool Saved => Outcome is ProductSaveOutcome.Created or ProductSaveOutcome.Updated or ProductSaveOutcome.Unchanged;

    public static ProductSaveResult Refused(string field, string message) =>
        new(ProductSaveOutcome.Refused, null, new Dictionary<string, string> { [field] = message });
}

/// <summary>A product's details as the edit form opens them.</summary>
public sealed record ProductEditDetails(string Sku, string Name, string Category, string Supplier, long PriceCents, BackorderPolicy Policy,
    int? BackorderCap, int? LowStockThreshold, int? HandlingDays, int? LeadTimeDays, DateOnly? PreorderReleaseDate, bool Discontinued,
    DateTime? ArchivedAt, int Version, DateTime? UpdatedAt = null);

/// <summary>Creating, editing, archiving and restoring products.</summary>
public sealed partial class ProductService
{
    private const string OpeningStockReference = "Opening stock";

    private enum SaveMode
    {
        Upsert,
        CreateOnly,
        UpdateOnly,
    }

    /// <summary>Adds a product (refused when its SKU is taken, archived products included); one transaction with its opening stock.</summary>
    public Task<ProductSaveResult> CreateAsync(ProductInput input, Actor actor, CancellationToken ct = default) =>
        SaveOwnAsync(input, SaveMode.CreateOnly, actor, ct);

    /// <summary>
    /// Changes a product's details (its SKU stays). Order lines already taken keep their prices and promises; the
    /// product's queue is walked again in the same transaction when the change can move its dates.
    /// </summary>
    public Task<ProductSaveResult> UpdateAsync(string sku, ProductInput input, Actor actor, CancellationToken ct = default)
    {
        input.Sku = sku;
        return SaveOwnAsync(input, SaveMode.UpdateOnly, actor, ct);
    }

    /// <summary>
    /// Creates or updates the product with the input's SKU (any case) inside the caller's write transaction: it neither
    /// opens nor commits one. Changes are left in <paramref name="db"/> for the caller's next save, except where the
    /// product's queue must be walked again (which saves first). Category, supplier and SKU lookups are cached for the
    /// context's life, so a file of many rows costs one read of those tables, plus one read of each existing product.
    /// A caller that rolls back must not reuse the context. With <see cref="ActorChannel.Import"/> the opening stock is
    /// an import row in the ledger and no audit entry is written per product (the import records its run).
    /// </summary>
    internal Task<ProductSaveResult> SaveInAsync(AppDbContext db, ProductInput input, Actor actor, DateTime now, CancellationToken ct) =>
        SaveInAsync(db, input, SaveMode.Upsert, actor, now, ct);

    private async Task<ProductSaveResult> SaveOwnAsync(ProductInput input, SaveMode mode, Actor actor, CancellationToken ct)
    {
        if (Access.Refusal(actor, Operation.EditProduct) is { } refused)
        {
            return ProductSaveResult.Refused("", refused);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        ProductSaveResult result;
        try
        {
            result = await SaveInAsync(db, input, mode, actor, time.GetUtcNow().UtcDateTime, ct);
            if (result.Outcome is ProductSaveOutcome.Refused or ProductSaveOutcome.Unchanged)
            {
                return result;
            }
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ProductSaveResult.Refused("", "Someone else changed this product meanwhile. Reload to see their change.");
        }
        await tx.CommitAsync(ct);
        await notifier.PublishAsync([result.Product!.Id]);
        return result;
    }

    private async Task<ProductSaveResult> SaveInAsync(AppDbContext db, ProductInput input, SaveMode mode, Actor actor, DateTime now, CancellationToken ct)
    {
        if (Access.Refusal(actor, Operation.EditProduct) is { } refused)
        {
            return ProductSaveResult.Refused("", refused);
        }
        var errors = new Dictionary<string, string>();
        var sku = input.Sku?.Trim() ?? "";
        if (SkuProblem(sku) is { } skuProblem)
        {
            return new ProductSaveResult(ProductSaveOutcome.Refused, null, new Dictionary<string, string> { [nameof(ProductInput.Sku)] = skuProblem });
        }

        var cache = await CatalogueCache.ForAsync(db, ct);
        Product? product = null;
        if (cache.ProductBySku(sku) is var (knownId, entity))
        {
            // A product this context added is used as it is, saved or not; after the caller cleared its tracker, it is
            // read again (or, never saved, it is new again).
            product = entity is not null && db.Entry(entity).State != EntityState.Detached ? entity
                : (entity?.Id ?? knownId) is > 0 and var id ? await db.Products.FindAsync([id], ct)
                : null;
        }
        if (product is not null)
        {
            product.Category ??= Tracked(db, cache.CategoryById(product.CategoryId));
            product.Supplier ??= Tracked(db, cache.SupplierById(product.SupplierId));
        }
        if (product is null && mode == SaveMode.UpdateOnly)
        {
            return ProductSaveResult.Refused("", $"There is no product {sku}.");
        }
        if (product is not null && mode == SaveMode.CreateOnly)
        {
            return ProductSaveResult.Refused(nameof(ProductInput.Sku), product.ArchivedAt is null
                ? $"There is already a product with SKU {product.Sku}."
                : $"SKU {product.Sku} belongs to an archived product: SKUs are never reused. Restore that product or choose another SKU.");
        }
        if (product?.ArchivedAt is not null)
        {
            return ProductSaveResult.Refused(nameof(ProductInput.Sku), $"{product.Sku} is archived: restore it before changing it.");
        }
        if (product is not null && input.Seen is { } seen && product.UpdatedAt != seen.UpdatedAt)
        {
            return ProductSaveResult.Refused("", $"Someone else changed {product.Sku}'s details after you opened this form. "
                + "Reload the page to see their change, then make yours again.");
        }

        var isNew = product is null;
        var clears = input.EmptyClears;
        var name = Text(input.Name);
        var category = Text(input.Category);
        var supplier = Text(input.Supplier);
        Required(errors, nameof(ProductInput.Name), name, isNew || clears, "Enter the product's name.");
        Required(errors, nameof(ProductInput.Category), category, isNew || clears, "Enter a category (a new name creates it).");
        Required(errors, nameof(ProductInput.Supplier), supplier, isNew || clears, "Enter a supplier (a new name creates it).");
        Check(errors, nameof(ProductInput.Name), Limits.LengthProblem(name, Limits.MaxNameLength, "A name"));
        Check(errors, nameof(ProductInput.Category), Limits.LengthProblem(category, CategoryNameMaxLength, "A category"));
        Check(errors, nameof(ProductInput.Supplier), Limits.LengthProblem(supplier, Limits.MaxNameLength, "A supplier's name"));
        Range(errors, nameof(ProductInput.PriceCents), input.PriceCents, 0, Limits.MaxMoneyCents,
            $"The price must be between {Money.Format(0)} and {Money.Format(Limits.MaxMoneyCents)}.");
        Range(errors, nameof(ProductInput.BackorderCap), input.BackorderCap, 0, Limits.MaxBackorderCap,
            $"The backorder cap must be between 0 and {Limits.MaxBackorderCap:N0} units, or empty for no cap.");
        Range(errors, nameof(ProductInput.LowStockThreshold), input.LowStockThreshold, 0, Limits.MaxThreshold,
            $"The low-stock threshold must be between 0 and {Limits.MaxThreshold:N0}, or empty for the store's.");
        Range(errors, nameof(ProductInput.HandlingDays), input.HandlingDays, 0, Limits.MaxHandlingDays,
            $"Handling days must be between 0 and {Limits.MaxHandlingDays}, or empty for the store's.");
        Range(errors, nameof(ProductInput.LeadTimeDays), input.LeadTimeDays, 1, Limits.MaxLeadTimeDays,
            $"The lead time must be between 1 and {Limits.MaxLeadTimeDays} days, or empty for the supplier's.");
        Range(errors, nameof(ProductInput.NewSupplierLeadTimeDays), input.NewSupplierLeadTimeDays, 0, MaxSupplierLeadTimeDays,
            $"A supplier's lead time is between 0 and {MaxSupplierLeadTimeDays} days.");
        if (isNew)
        {
            Range(errors, nameof(ProductInput.OnHand), input.OnHand, 0, Limits.MaxUnitsPerPoLine,
                $"Opening stock must be between 0 and {Limits.MaxUnitsPerPoLine:N0} units.");
        }
        if (input.BackorderPolicy is { } policy && !Enum.IsDefined(policy))
        {
            errors[nameof(ProductInput.BackorderPolicy)] = "Choose a backorder policy: not allowed, allowed, or allowed and notify.";
        }
        if (input.PreorderReleaseDate is { } release && release != product?.PreorderReleaseDate
            && Limits.DateProblem(release, (await availability.GetContextAsync(ct)).Today) is { } dateProblem)
        {
            errors[nameof(ProductInput.PreorderReleaseDate)] = dateProblem;
        }
        if (errors.Count > 0)
        {
            return new ProductSaveResult(ProductSaveOutcome.Refused, null, errors);
        }

        if (isNew)
        {
            product = new Product { Sku = sku, Name = name!, CreatedAt = now, BackorderPolicy = Data.BackorderPolicy.NotAllowed };
        }
        var before = Snapshot.Of(product!);
        SetCategory(db, cache, product!, category);
        SetSupplier(db, cache, product!, supplier, input.NewSupplierLeadTimeDays ?? 0);
        product!.Name = name ?? product.Name;
        product.PriceCents = input.PriceCents ?? product.PriceCents;
        product.BackorderPolicy = input.BackorderPolicy ?? product.BackorderPolicy;
        product.BackorderCap = Optional(input.BackorderCap, product.BackorderCap, clears);
        product.LowStockThreshold = Optional(input.LowStockThreshold, product.LowStockThreshold, clears);
        product.HandlingDays = Optional(input.HandlingDays, product.HandlingDays, clears);
        product.LeadTimeDays = Optional(input.LeadTimeDays, product.LeadTimeDays, clears);
        product.PreorderReleaseDate = Optional(input.PreorderReleaseDate, product.PreorderReleaseDate, clears);
        product.Discontinued = input.Discontinued ?? product.Discontinued;
        var after = Snapshot.Of(product);
        var viaImport = actor.Channel == ActorChannel.Import;

        if (isNew)
        {
            db.Products.Add(product);
            cache.Remember(product);
            if (input.OnHand is > 0 and var opening)
            {
                product.OnHand = opening;
                db.StockLedger.Add(new StockLedgerEntry
                {
                    Product = product, OnHandDelta = opening, Reason = viaImport ? StockReason.Import : StockReason.Adjustment,
                    Correction = StockCorrectionReason.Stocktake, Reference = OpeningStockReference,
                    UserName = actor.DisplayName, Channel = actor.Channel, At = now,
                });
            }
            if (!viaImport)
            {
                audit.Add(db, AuditKind.ProductCreated, actor, sku,
                    $"{product.Name} in {after.Category} from {after.Supplier}, {Money.Format(product.PriceCents)}, opening stock {product.OnHand}");
            }
            return new ProductSaveResult(ProductSaveOutcome.Created, product, NoErrors);
        }

        var changes = Snapshot.Changes(before, after);
        if (changes.Length == 0)
        {
            return new ProductSaveResult(ProductSaveOutcome.Unchanged, product, NoErrors);
        }
        product.UpdatedAt = now;
        product.Version++;
        if (!viaImport)
        {
            audit.Add(db, AuditKind.ProductSettingsChanged, actor, product.Sku, changes);
        }
        // Dates of lines already waiting follow the product's handling days, lead time (its own or its supplier's),
        // release date and policy: walk them again now, in the caller's transaction, with a delay message where one
        // becomes late. Prices and promises of lines already taken stay as they were.
        if (before.MovesDates(after) && await db.OrderLines.AnyAsync(l => l.ProductId == product.Id && l.QtyUnfilled > 0, ct))
        {
            await queue.RecomputeEtasAsync(db, product.Id, "the product's details changed", actor, ct);
        }
        return new ProductSaveResult(ProductSaveOutcome.Updated, product, NoErrors);
    }

    /// <summary>
    /// Takes a product off sale: it leaves the listings and refuses new orders, while its orders, ledger and history
    /// stay. Refused while order lines still wait for it on backorder (they would wait for nothing).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> ArchiveAsync(string sku, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.EditProduct) is { } refused)
        {
            return new Dictionary<string, string> { [""] = refused };
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var product = await db.Products.SingleOrDefaultAsync(p => p.Sku == sku, ct);
        if (product is null)
        {
            return new Dictionary<string, string> { [""] = $"There is no product {sku}." };
        }
        if (product.ArchivedAt is not null)
        {
            return NoErrors;
        }
        var waiting = await db.OrderLines.Where(l => l.ProductId == product.Id && l.QtyUnfilled > 0)
            .GroupBy(_ => 1).Select(g => new { Lines = g.Count(), Units = g.Sum(l => l.QtyUnfilled) }).FirstOrDefaultAsync(ct);
        if (waiting is { Lines: > 0 })
        {
            return new Dictionary<string, string>
            {
                [""] = $"{product.Sku} can't be archived while {Words.Count(waiting.Lines, "order line")} ({Words.Count(waiting.Units, "unit")}) "
                    + $"{(waiting.Lines == 1 ? "waits" : "wait")} for it on backorder. Cancel those lines first, or let them ship.",
            };
        }
        var now = time.GetUtcNow().UtcDateTime;
        product.ArchivedAt = now;
        product.UpdatedAt = now;
        product.Version++;
        audit.Add(db, AuditKind.ProductArchived, actor, product.Sku, $"{product.Name} archived: no new orders, history kept");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await notifier.PublishAsync([product.Id]);
        return NoErrors;
    }

    /// <summary>Puts an archived product back on sale, with its SKU, settings and history.</summary>
    public async Task<IReadOnlyDictionary<string, string>> RestoreAsync(string sku, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.EditProduct) is { } refused)
        {
            return new Dictionary<string, string> { [""] = refused };
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var product = await db.Products.SingleOrDefaultAsync(p => p.Sku == sku, ct);
        if (product is null)
        {
            return new Dictionary<string, string> { [""] = $"There is no product {sku}." };
        }
        if (product.ArchivedAt is null)
        {
            return NoErrors;
        }
        product.ArchivedAt = null;
        product.UpdatedAt = time.GetUtcNow().UtcDateTime;
        product.Version++;
        audit.Add(db, AuditKind.ProductRestored, actor, product.Sku, $"{product.Name} restored: on sale again");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await notifier.PublishAsync([product.Id]);
        return NoErrors;
    }

    /// <summary>The product's own details for the edit form; null when there is no such product.</summary>
    public async Task<ProductEditDetails?> GetEditDetailsAsync(string sku, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Products.AsNoTracking().Where(p => p.Sku == sku)
            .Select(p => new ProductEditDetails(p.Sku, p.Name, p.Category.Name, p.Supplier.Name, p.PriceCents, p.BackorderPolicy, p.BackorderCap,
                p.LowStockThreshold, p.HandlingDays, p.LeadTimeDays, p.PreorderReleaseDate, p.Discontinued, p.ArchivedAt, p.Version, p.UpdatedAt))
            .SingleOrDefaultAsync(ct);
    }

    /// <summary>A category's longest name (its column).</summary>
    public const int CategoryNameMaxLength = 100;

    /// <summary>The longest quoted lead time of a supplier, as the suppliers page allows.</summary>
    public const int MaxSupplierLeadTimeDays = 365;

    /// <summary>Why the text can't be a SKU; null when it can. SKUs appear in addresses, files and e-mails.</summary>
    public static string? SkuProblem(string sku) =>
        sku.Length == 0 ? "Enter the SKU."
        : sku.Length > Limits.MaxSkuLength ? $"A SKU can be at most {Limits.MaxSkuLength} characters long."
        : sku.Any(c => char.IsControl(c) || c is '/' or '\\' or '?' or '#') ? "A SKU can't contain / \\ ? # or control characters."
        // The address of the page that adds products: a product called that could not be opened.
        : string.Equals(sku, "new", StringComparison.OrdinalIgnoreCase) ? "“new” can't be a SKU: choose another."
        : null;

    private static readonly IReadOnlyDictionary<string, string> NoErrors = new Dictionary<string, string>();

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static T? Optional<T>(T? given, T? current, bool emptyClears) where T : struct => given ?? (emptyClears ? null : current);

    private static void Required(Dictionary<string, string> errors, string field, string? value, bool required, string message)
    {
        if (required && value is null)
        {
            errors.TryAdd(field, message);
        }
    }

    private static void Check(Dictionary<string, string> errors, string field, string? problem)
    {
        if (problem is not null)
        {
            errors.TryAdd(field, problem);
        }
    }

    private static void Range(Dictionary<string, string> errors, string field, long? value, long min, long max, string message)
    {
        if (value is { } v && (v < min || v > max))
        {
            errors.TryAdd(field, message);
        }
    }

    private static void SetCategory(AppDbContext db, CatalogueCache cache, Product product, string? name)
    {
        if (name is null || string.Equals(product.Category?.Name, name, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        product.Category = Tracked(db, cache.Category(name) ?? cache.Add(new Category { Name = name }));
    }

    private static void SetSupplier(AppDbContext db, CatalogueCache cache, Product product, string? name, int newLeadTimeDays)
    {
        if (name is null || string.Equals(product.Supplier?.Name, name, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        product.Supplier = Tracked(db, cache.Supplier(name) ?? cache.Add(new Supplier { Name = name, DefaultLeadTimeDays = newLeadTimeDays }));
    }

    /// <summary>
    /// The entity as this context tracks it: a caller that cleared its change tracker between saves gets the saved row
    /// attached again (or a row it never saved added again).
    /// </summary>
    private static T Tracked<T>(AppDbContext db, T entity) where T : class
    {
        if (db.Entry(entity).State == EntityState.Detached)
        {
            db.Attach(entity);
        }
        return entity;
    }

    /// <summary>The fields a merchant edits, as the audit log names them; category and supplier by name.</summary>
    private sealed record Snapshot(string Name, string? Category, string? Supplier, long PriceCents, BackorderPolicy Policy, int? Cap, int? Threshold,
        int? HandlingDays, int? LeadTimeDays, DateOnly? Release, bool Discontinued)
    {
        public static Snapshot Of(Product p) => new(p.Name, p.Category?.Name, p.Supplier?.Name,
            p.PriceCents, p.BackorderPolicy, p.BackorderCap, p.LowStockThreshold, p.HandlingDays, p.LeadTimeDays, p.PreorderReleaseDate, p.Discontinued);

        public bool MovesDates(Snapshot after) => HandlingDays != after.HandlingDays || LeadTimeDays != after.LeadTimeDays || Policy != after.Policy
            || Release != after.Release || Discontinued != after.Discontinued || !string.Equals(Supplier, after.Supplier, StringComparison.Ordinal);

        public static string Changes(Snapshot before, Snapshot after) => AuditLog.Changes(
            ("Name", before.Name, after.Name),
            ("Category", before.Category, after.Category),
            ("Supplier", before.Supplier, after.Supplier),
            ("Price", Money.Format(before.PriceCents), Money.Format(after.PriceCents)),
            ("Policy", before.Policy, after.Policy),
            ("Backorder cap", before.Cap, after.Cap),
            ("Low-stock threshold", before.Threshold, after.Threshold),
            ("Handling days", before.HandlingDays, after.HandlingDays),
            ("Lead time days", before.LeadTimeDays, after.LeadTimeDays),
            ("Pre-order release", before.Release, after.Release),
            ("Discontinued", before.Discontinued, after.Discontinued));
    }

    /// <summary>
    /// Categories, suppliers and SKUs of one context, read once and kept as long as the context lives (categories and
    /// suppliers as tracked entities, so products link to them by reference): inside the write transaction nobody else
    /// can add to them, and what this context adds it records here itself.
    /// </summary>
    private sealed class CatalogueCache
    {
        private static readonly ConditionalWeakTable<AppDbContext, CatalogueCache> ByContext = new();

        private readonly Dictionary<string, Category> _categories = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, Supplier> _suppliers = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<int, Category> _categoriesById = [];
        private readonly Dictionary<int, Supplier> _suppliersById = [];
        private readonly Dictionary<string, (int Id, Product? Entity)> _skus = [];

        public static async Task<CatalogueCache> ForAsync(AppDbContext db, CancellationToken ct)
        {
            if (ByContext.TryGetValue(db, out var cached))
            {
                return cached;
            }
            var cache = new CatalogueCache();
            foreach (var c in await db.Categories.OrderBy(c => c.Id).ToListAsync(ct))
            {
                cache._categories.TryAdd(c.Name, c);
                cache._categoriesById[c.Id] = c;
            }
            foreach (var s in await db.Suppliers.OrderBy(s => s.Id).ToListAsync(ct))
            {
                cache._suppliers.TryAdd(s.Name, s);
                cache._suppliersById[s.Id] = s;
            }
            foreach (var p in await db.Products.AsNoTracking().Select(p => new { p.Id, p.Sku }).ToListAsync(ct))
            {
                cache._skus.TryAdd(Key(p.Sku), (p.Id, null));
            }
            ByContext.AddOrUpdate(db, cache);
            return cache;
        }

        private static string Key(string sku) => sku.Trim().ToUpperInvariant();

        public (int Id, Product? Entity)? ProductBySku(string sku) => _skus.TryGetValue(Key(sku), out var found) ? found : null;

        /// <summary>A product's category; one this context added is found once saved.</summary>
        public Category CategoryById(int id) =>
            _categoriesById.TryGetValue(id, out var c) ? c : _categoriesById[id] = _categories.Values.Single(x => x.Id == id);

        public Supplier SupplierById(int id) =>
            _suppliersById.TryGetValue(id, out var s) ? s : _suppliersById[id] = _suppliers.Values.Single(x => x.Id == id);

        public void Remember(Product product) => _skus[Key(product.Sku)] = (product.Id, product);

        public Category? Category(string name) => _categories.GetValueOrDefault(name);

        public Supplier? Supplier(string name) => _suppliers.GetValueOrDefault(name);

        public Category Add(Category category)
        {
            _categories[category.Name] = category;
            return category;
        }

        public Supplier Add(Supplier supplier)
        {
            _suppliers[supplier.Name] = supplier;
            return supplier;
        }
    }
}
