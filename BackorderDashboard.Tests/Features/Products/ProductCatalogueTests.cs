using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Products;

/// <summary>Creating, editing, archiving and restoring products, and the upsert a spreadsheet import calls per row.</summary>
public class ProductCatalogueTests : IAsyncLifetime
{
    // 17:00 UTC = noon in New York on Nov 22; handling 1 day by default.
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Dec1 = new(2026, 12, 1);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private ProductService _products = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(Now));
        _products = _services.Get<ProductService>();
        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        db.Add(TestData.Product(category, supplier, "KET"));
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private static ProductInput Mug(string sku = "MUG-1") => new()
    {
        Sku = sku, Name = "Enamel mug", Category = "Kitchen", Supplier = "Northwind", PriceCents = 1250,
        BackorderPolicy = BackorderPolicy.Allowed, OnHand = 12,
    };

    private async Task<Product> ProductAsync(string sku)
    {
        await using var db = _db.CreateDbContext();
        return await db.Products.AsNoTracking().Include(p => p.Category).Include(p => p.Supplier).SingleAsync(p => p.Sku == sku);
    }

    /// <summary>A sold-out kettle with one order line of <paramref name="qty"/> units waiting, promised for Dec 2 (PO-1 on Dec 1).</summary>
    private async Task<int> QueueKettleAsync(int qty = 2)
    {
        await using var db = _db.CreateDbContext();
        var kettle = await db.Products.SingleAsync(p => p.Sku == "KET");
        db.PurchaseOrders.Add(new PurchaseOrder
        {
            Number = "PO-1", SupplierId = kettle.SupplierId, ExpectedDate = Dec1, Status = PurchaseOrderStatus.Ordered,
            Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 10 }],
        });
        var order = TestData.Order(TestData.Customer("Ada", "ada@example.com"), "SO-1", Now.UtcDateTime.AddDays(-2));
        var line = new OrderLine
        {
            Product = kettle, Qty = qty, UnitPriceCents = 1000, QtyBackorderedAtPlacement = qty, QueuedAt = order.PlacedAt,
            PromisedShipDate = Dec1.AddDays(1), CurrentEta = Dec1.AddDays(1),
        };
        order.Lines.Add(line);
        db.Add(order);
        await db.SaveChangesAsync();
        return line.Id;
    }

    [Fact]
    public async Task Create_WithOpeningStock_StoresTheProductAndOneStocktakeLedgerRow()
    {
        var result = await _products.CreateAsync(Mug(), TestActors.Merchant);

        Assert.Equal(ProductSaveOutcome.Created, result.Outcome);
        Assert.Empty(result.Errors);
        var mug = await ProductAsync("MUG-1");
        Assert.Equal(("Enamel mug", 1250L, 12, BackorderPolicy.Allowed), (mug.Name, mug.PriceCents, mug.OnHand, mug.BackorderPolicy));
        Assert.Equal(Now.UtcDateTime, mug.CreatedAt);
        await using var db = _db.CreateDbContext();
        var entry = Assert.Single(await db.StockLedger.Where(e => e.ProductId == mug.Id).ToListAsync());
        Assert.Equal((12, StockReason.Adjustment, StockCorrectionReason.Stocktake, "merchant@example.com", ActorChannel.Page),
            (entry.OnHandDelta, entry.Reason, entry.Correction, entry.UserName, entry.Channel));
        Assert.Empty(await StoreInvariants.ViolationsAsync(db, new DateOnly(2026, 11, 22)));
        var audit = Assert.Single(await db.AuditEntries.Where(a => a.Kind == AuditKind.ProductCreated).ToListAsync());
        Assert.Equal("MUG-1", audit.Subject);
    }

    [Fact]
    public async Task Create_ShowsItsBadge()
    {
        await _products.CreateAsync(Mug(), TestActors.Merchant);

        var detail = await _products.GetDetailAsync("MUG-1");

        Assert.Equal("In stock", detail!.Availability.BadgeText);
    }

    [Theory]
    [InlineData("KET")]
    [InlineData("ket")]
    [InlineData("  Ket ")]
    public async Task Create_SkuTakenInAnyCase_IsRefusedAtTheSkuField(string sku)
    {
        var result = await _products.CreateAsync(Mug(sku), TestActors.Merchant);

        Assert.Equal(ProductSaveOutcome.Refused, result.Outcome);
        Assert.Contains("already a product with SKU KET", result.Errors[nameof(ProductInput.Sku)]);
        await using var db = _db.CreateDbContext();
        Assert.Equal(1, await db.Products.CountAsync());
    }

    [Fact]
    public async Task Create_SkuOfAnArchivedProduct_IsNotReused()
    {
        Assert.Empty(await _products.ArchiveAsync("KET", TestActors.Merchant));

        var result = await _products.CreateAsync(Mug("ket"), TestActors.Merchant);

        Assert.Contains("never reused", result.Errors[nameof(ProductInput.Sku)]);
    }

    [Fact]
    public async Task Create_NewCategoryAndSupplier_AreCreatedOnTheWay()
    {
        var input = Mug();
        input.Category = "Outdoor";
        input.Supplier = "Contoso";
        input.NewSupplierLeadTimeDays = 21;

        var result = await _products.CreateAsync(input, TestActors.Merchant);

        Assert.Equal(ProductSaveOutcome.Created, result.Outcome);
        var mug = await ProductAsync("MUG-1");
        Assert.Equal(("Outdoor", "Contoso", 21), (mug.Category.Name, mug.Supplier.Name, mug.Supplier.DefaultLeadTimeDays));
        await using var db = _db.CreateDbContext();
        Assert.Equal(2, await db.Categories.CountAsync());
        Assert.Equal(2, await db.Suppliers.CountAsync());
    }

    [Fact]
    public async Task Create_ExistingCategoryInAnotherCase_IsReused()
    {
        var input = Mug();
        input.Category = " kitchen ";
        input.Supplier = "NORTHWIND";

        await _products.CreateAsync(input, TestActors.Merchant);

        var mug = await ProductAsync("MUG-1");
        Assert.Equal(("Kitchen", "Northwind"), (mug.Category.Name, mug.Supplier.Name));
        await using var db = _db.CreateDbContext();
        Assert.Equal(1, await db.Categories.CountAsync());
    }

    public static TheoryData<string, Action<ProductInput>> BadInputs => new()
    {
        { nameof(ProductInput.Sku), i => i.Sku = " " },
        { nameof(ProductInput.Sku), i => i.Sku = new string('S', Limits.MaxSkuLength + 1) },
        { nameof(ProductInput.Sku), i => i.Sku = "A/B" },
        { nameof(ProductInput.Name), i => i.Name = null },
        { nameof(ProductInput.Name), i => i.Name = new string('n', Limits.MaxNameLength + 1) },
        { nameof(ProductInput.Category), i => i.Category = "" },
        { nameof(ProductInput.Supplier), i => i.Supplier = null },
        { nameof(ProductInput.PriceCents), i => i.PriceCents = -1 },
        { nameof(ProductInput.PriceCents), i => i.PriceCents = Limits.MaxMoneyCents + 1 },
        { nameof(ProductInput.BackorderCap), i => i.BackorderCap = -1 },
        { nameof(ProductInput.LowStockThreshold), i => i.LowStockThreshold = Limits.MaxThreshold + 1 },
        { nameof(ProductInput.HandlingDays), i => i.HandlingDays = Limits.MaxHandlingDays + 1 },
        { nameof(ProductInput.LeadTimeDays), i => i.LeadTimeDays = 0 },
        { nameof(ProductInput.LeadTimeDays), i => i.LeadTimeDays = Limits.MaxLeadTimeDays + 1 },
        { nameof(ProductInput.OnHand), i => i.OnHand = -3 },
        { nameof(ProductInput.PreorderReleaseDate), i => i.PreorderReleaseDate = new DateOnly(1999, 12, 31) },
        { nameof(ProductInput.BackorderPolicy), i => i.BackorderPolicy = (BackorderPolicy)7 },
        { nameof(ProductInput.NewSupplierLeadTimeDays), i => { i.Supplier = "Contoso"; i.NewSupplierLeadTimeDays = -1; } },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Create_BadValue_IsRefusedAtItsFieldWithNothingStored(string field, Action<ProductInput> spoil)
    {
        var input = Mug();
        input.Category = "Outdoor";
        spoil(input);

        var result = await _products.CreateAsync(input, TestActors.Merchant);

        Assert.Equal(ProductSaveOutcome.Refused, result.Outcome);
        Assert.True(result.Errors.ContainsKey(field), $"no error at {field}: {string.Join("; ", result.Errors)}");
        await using var db = _db.CreateDbContext();
        Assert.Equal(1, await db.Products.CountAsync());
        Assert.Equal(1, await db.Categories.CountAsync());
        Assert.Equal(1, await db.Suppliers.CountAsync());
        Assert.Empty(await db.StockLedger.ToListAsync());
    }

    [Fact]
    public async Task Create_BySupport_IsRefused()
    {
        var result = await _products.CreateAsync(Mug(), TestActors.Support);

        Assert.Equal(ProductSaveOutcome.Refused, result.Outcome);
        Assert.True(result.Errors.ContainsKey(""));
    }

    [Fact]
    public async Task Update_PriceAndName_LeaveOrderLinesAlreadyTakenAsTheyWere()
    {
        var lineId = await QueueKettleAsync();
        var input = new ProductInput { Name = "Kettle deluxe", PriceCents = 4999 };

        var result = await _products.UpdateAsync("KET", input, TestActors.Merchant);

        Assert.Equal(ProductSaveOutcome.Updated, result.Outcome);
        var kettle = await ProductAsync("KET");
        Assert.Equal(("Kettle deluxe", 4999L, Now.UtcDateTime), (kettle.Name, kettle.PriceCents, kettle.UpdatedAt));
        await using var db = _db.CreateDbContext();
        var line = await db.OrderLines.SingleAsync(l => l.Id == lineId);
        Assert.Equal((1000L, 2, Dec1.AddDays(1)), (line.UnitPriceCents, line.Qty, line.PromisedShipDate));
        var audit = Assert.Single(await db.AuditEntries.Where(a => a.Kind == AuditKind.ProductSettingsChanged).ToListAsync());
        Assert.Contains("Price $10.00 → $49.99", audit.Summary);
    }

    [Fact]
    public async Task Update_HandlingDays_WalksTheQueueAgainAndTellsTheLateCustomer()
    {
        var lineId = await QueueKettleAsync();

        var result = await _products.UpdateAsync("KET", new ProductInput { HandlingDays = 4 }, TestActors.Merchant);

        Assert.Equal(ProductSaveOutcome.Updated, result.Outcome);
        await using var db = _db.CreateDbContext();
        var line = await db.OrderLines.SingleAsync(l => l.Id == lineId);
        Assert.Equal((Dec1.AddDays(4), Dec1.AddDays(1)), (line.CurrentEta, line.PromisedShipDate));
        Assert.Single(await db.Outbox.Where(m => m.OrderLineId == lineId).ToListAsync());
    }

    [Fact]
    public async Task Update_DetailsChangedSinceTheFormOpened_IsRefused_AndKeepsTheOtherChange()
    {
        var opened = await _products.GetEditDetailsAsync("KET");
        var meanwhile = await _products.UpdateAsync("KET", new ProductInput { Name = "Kettle by someone else", Seen = new(opened!.UpdatedAt) }, TestActors.Merchant);

        var stale = await _products.UpdateAsync("KET", new ProductInput { PriceCents = 4999, Seen = new(opened.UpdatedAt) }, TestActors.Merchant);
        var reopened = await _products.GetEditDetailsAsync("KET");
        var fresh = await _products.UpdateAsync("KET", new ProductInput { PriceCents = 4999, Seen = new(reopened!.UpdatedAt) }, TestActors.Merchant);

        Assert.Equal(ProductSaveOutcome.Updated, meanwhile.Outcome);
        Assert.Equal(ProductSaveOutcome.Refused, stale.Outcome);
        Assert.Contains("Someone else changed KET", stale.Errors[""]);
        Assert.Equal(ProductSaveOutcome.Updated, fresh.Outcome);
        var kettle = await ProductAsync("KET");
        Assert.Equal(("Kettle by someone else", 4999L), (kettle.Name, kettle.PriceCents));
    }

    [Fact]
    public async Task Update_NothingDifferent_IsUnchangedAndWritesNothing()
    {
        var result = await _products.UpdateAsync("KET", new ProductInput { Name = "Product KET", Category = "kitchen", PriceCents = 1000 },
            TestActors.Merchant);

        Assert.Equal(ProductSaveOutcome.Unchanged, result.Outcome);
        var kettle = await ProductAsync("KET");
        Assert.Null(kettle.UpdatedAt);
        await using var db = _db.CreateDbContext();
        Assert.Empty(await db.AuditEntries.ToListAsync());
    }

    [Fact]
    public async Task Update_EmptyClears_RemovesTheProductsOwnValues()
    {
        await _products.UpdateAsync("KET", new ProductInput { BackorderCap = 5, LeadTimeDays = 9 }, TestActors.Merchant);
        var form = new ProductInput
        {
            Name = "Product KET", Category = "Kitchen", Supplier = "Northwind", PriceCents = 1000, BackorderPolicy = BackorderPolicy.Allowed,
            EmptyClears = true,
        };

        await _products.UpdateAsync("KET", form, TestActors.Merchant);

        var kettle = await ProductAsync("KET");
        Assert.Equal((null, null), (kettle.BackorderCap, kettle.LeadTimeDays));
    }

    [Fact]
    public async Task Update_OpeningStockOfAnExistingProduct_IsIgnored()
    {
        await _products.UpdateAsync("KET", new ProductInput { OnHand = 40, Name = "Kettle" }, TestActors.Merchant);

        Assert.Equal(0, (await ProductAsync("KET")).OnHand);
    }

    [Fact]
    public async Task Archive_LeavesTheListingAndRefusesNewOrders_HistoryAndPageStay()
    {
        await using (var db = _db.CreateDbContext())
        {
            var kettle = await db.Products.SingleAsync(p => p.Sku == "KET");
            kettle.OnHand = 5;
            db.StockLedger.Add(new StockLedgerEntry { Product = kettle, OnHandDelta = 5, Reason = StockReason.Import, At = Now.UtcDateTime.AddDays(-3) });
            await db.SaveChangesAsync();
        }

        Assert.Empty(await _products.ArchiveAsync("KET", TestActors.Merchant));

        Assert.Empty((await _products.GetPageAsync(new ProductQuery())).Rows);
        Assert.Null(await _products.GetRowAsync("KET"));
        Assert.Equal("KET", Assert.Single((await _products.GetPageAsync(new ProductQuery(Filter: ProductFilter.Archived))).Rows).Sku);
        var detail = await _products.GetDetailAsync("KET");
        Assert.True(detail!.Stock.Archived);
        Assert.Single(detail.Ledger);
        var order = await _services.Get<OrderIntakeService>().PlaceAsync(new NewOrderInput
        {
            CustomerName = "Ada", CustomerEmail = "ada@example.com", Lines = [new NewOrderLineInput { Sku = "ket", Qty = 1 }],
        }, TestActors.Support);
        Assert.False(order.Succeeded);
        Assert.Contains("Product KET (KET) is archived and can't be ordered.", order.Errors);
        await using var check = _db.CreateDbContext();
        Assert.Equal(AuditKind.ProductArchived, Assert.Single(await check.AuditEntries.ToListAsync()).Kind);
    }

    [Fact]
    public async Task Archive_WithLinesWaiting_IsRefusedAndSaysHowMany()
    {
        await QueueKettleAsync(qty: 3);

        var errors = await _products.ArchiveAsync("KET", TestActors.Merchant);

        Assert.Contains("while 1 order line (3 units) waits for it on backorder", errors[""]);
        Assert.Null((await ProductAsync("KET")).ArchivedAt);
    }

    [Fact]
    public async Task Archived_RefusesChangesUntilRestored()
    {
        await _products.ArchiveAsync("KET", TestActors.Merchant);

        var refused = await _products.UpdateAsync("KET", new ProductInput { PriceCents = 1 }, TestActors.Merchant);

        Assert.Contains("restore it", refused.Errors[nameof(ProductInput.Sku)]);
    }

    [Fact]
    public async Task Restore_PutsTheProductBackOnSale()
    {
        await _products.ArchiveAsync("KET", TestActors.Merchant);

        Assert.Empty(await _products.RestoreAsync("KET", TestActors.Merchant));

        Assert.Equal("KET", Assert.Single((await _products.GetPageAsync(new ProductQuery())).Rows).Sku);
        Assert.Null((await ProductAsync("KET")).ArchivedAt);
        await using var db = _db.CreateDbContext();
        Assert.Equal([AuditKind.ProductArchived, AuditKind.ProductRestored],
            await db.AuditEntries.OrderBy(a => a.Id).Select(a => a.Kind).ToListAsync());
    }

    [Fact]
    public async Task ArchiveAndRestore_BySupport_AreRefused()
    {
        Assert.NotEmpty(await _products.ArchiveAsync("KET", TestActors.Support));
        await _products.ArchiveAsync("KET", TestActors.Merchant);
        Assert.NotEmpty(await _products.RestoreAsync("KET", TestActors.Support));
        Assert.NotNull((await ProductAsync("KET")).ArchivedAt);
    }

    [Fact]
    public async Task SaveIn_ManyRowsInOneTransaction_UpsertsBySkuAndCreatesEachNewCategoryOnce()
    {
        var import = Actor.User("merchant@example.com", [Roles.Merchant], ActorChannel.Import);
        var outcomes = new List<ProductSaveOutcome>();
        await using (var db = _db.CreateDbContext())
        await using (var tx = await db.BeginWriteAsync())
        {
            foreach (var input in new[]
            {
                new ProductInput { Sku = "ket", PriceCents = 1500 },
                new ProductInput { Sku = "A-1", Name = "Lamp", Category = "Lighting", Supplier = "Contoso", OnHand = 4 },
                new ProductInput { Sku = "A-2", Name = "Bulb", Category = "lighting", Supplier = "Contoso", OnHand = 0 },
                new ProductInput { Sku = "a-1", Name = "Desk lamp" },
                new ProductInput { Sku = "A-3", Name = "Shade", Category = "Lighting", Supplier = "Contoso", PriceCents = -5 },
                new ProductInput { Sku = "KET", PriceCents = 1500 },
            })
            {
                outcomes.Add((await _products.SaveInAsync(db, input, import, Now.UtcDateTime, default)).Outcome);
            }
            await db.SaveChangesAsync();
            await tx.CommitAsync();
        }

        Assert.Equal([ProductSaveOutcome.Updated, ProductSaveOutcome.Created, ProductSaveOutcome.Created, ProductSaveOutcome.Updated,
            ProductSaveOutcome.Refused, ProductSaveOutcome.Unchanged], outcomes);
        await using var check = _db.CreateDbContext();
        Assert.Equal(["A-1", "A-2", "KET"], await check.Products.OrderBy(p => p.Sku).Select(p => p.Sku).ToListAsync());
        Assert.Equal("Desk lamp", (await ProductAsync("A-1")).Name);
        Assert.Equal(1500, (await ProductAsync("KET")).PriceCents);
        Assert.Equal(["Kitchen", "Lighting"], await check.Categories.OrderBy(c => c.Name).Select(c => c.Name).ToListAsync());
        Assert.Equal(2, await check.Suppliers.CountAsync());
        var entry = Assert.Single(await check.StockLedger.ToListAsync());
        Assert.Equal((4, StockReason.Import, ActorChannel.Import), (entry.OnHandDelta, entry.Reason, entry.Channel));
        Assert.Empty(await check.AuditEntries.ToListAsync());
        Assert.Empty(await StoreInvariants.ViolationsAsync(check, new DateOnly(2026, 11, 22)));
    }

    [Fact]
    public async Task SaveIn_AfterTheCallerClearedItsTracker_StillLinksToSavedCategories()
    {
        await using var db = _db.CreateDbContext();
        await using var tx = await db.BeginWriteAsync();
        await _products.SaveInAsync(db, new ProductInput { Sku = "A-1", Name = "Lamp", Category = "Lighting", Supplier = "Contoso" },
            TestActors.Merchant, Now.UtcDateTime, default);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        var second = await _products.SaveInAsync(db, new ProductInput { Sku = "A-2", Name = "Bulb", Category = "Lighting", Supplier = "Contoso" },
            TestActors.Merchant, Now.UtcDateTime, default);
        var again = await _products.SaveInAsync(db, new ProductInput { Sku = "A-1", Name = "Lamp" }, TestActors.Merchant, Now.UtcDateTime, default);
        await db.SaveChangesAsync();
        await tx.CommitAsync();

        Assert.Equal((ProductSaveOutcome.Created, ProductSaveOutcome.Unchanged), (second.Outcome, again.Outcome));
        await using var check = _db.CreateDbContext();
        Assert.Equal(2, await check.Categories.CountAsync());
        Assert.Equal(["A-1", "A-2"], await check.Products.Where(p => p.Category.Name == "Lighting").OrderBy(p => p.Sku).Select(p => p.Sku).ToListAsync());
    }
}
