using System.Text;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Import;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Import;

/// <summary>
/// Importing files into a small store: kettles (KET, 3 on hand, 10 on PO-1 due Dec 1), a product that may not be
/// backordered (NOBO, 1 on hand) and one with none (WAIT, nothing inbound, supplier Northwind quotes 14 days). It is
/// noon on Sun Nov 22 2026 in New York; handling takes a day.
/// </summary>
public class ImportServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Dec1 = new(2026, 12, 1);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private ImportService _import = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(Now));
        _import = _services.Get<ImportService>();
        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET", onHand: 3);
        var never = TestData.Product(category, supplier, "NOBO", onHand: 1);
        never.BackorderPolicy = BackorderPolicy.NotAllowed;
        var waiting = TestData.Product(category, supplier, "WAIT");
        db.AddRange(kettle, never, waiting);
        db.PurchaseOrders.Add(new PurchaseOrder
        {
            Number = "PO-1", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, ExpectedDate = Dec1,
            Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 10 }],
        });
        db.StockLedger.AddRange(
            new StockLedgerEntry { Product = kettle, OnHandDelta = 3, Reason = StockReason.Import, At = Now.UtcDateTime.AddDays(-10) },
            new StockLedgerEntry { Product = never, OnHandDelta = 1, Reason = StockReason.Import, At = Now.UtcDateTime.AddDays(-10) });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private static byte[] File(params string[] lines) => Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n");

    private const string OrdersHeader = "order_number,placed_at,customer_email,customer_name,sku,quantity,unit_price,ship_policy,customer_phone,shipped_at";
    private const string PoHeader = "po_number,supplier,expected_date,sku,quantity,unit_cost";

    private static readonly byte[] GoodOrders = File(
        OrdersHeader,
        "1001,2026-11-20 09:15,ada@example.com,Ada Lovelace,KET,5,35.00,ship_available,+1 555 0100,",
        "1001,2026-11-20 09:15,ada@example.com,Ada Lovelace,NOBO,1,12.50,ship_available,+1 555 0100,",
        "1002,2026-11-18,bob@example.com,Bob Stone,WAIT,2,\"1,000.00\",ship_complete,,",
        "1003,2026-11-10 08:00,cy@example.com,Cy Dee,WAIT,4,20,,,2026-11-12");

    private async Task<string> CountsAsync()
    {
        await using var db = _db.CreateDbContext();
        return string.Join(",", await db.Orders.CountAsync(), await db.OrderLines.CountAsync(), await db.StockLedger.CountAsync(),
            await db.Outbox.CountAsync(), await db.OrderEvents.CountAsync(), await db.PurchaseOrders.CountAsync(), await db.PurchaseOrderLines.CountAsync(),
            await db.Suppliers.CountAsync(), await db.Customers.CountAsync(), await db.ImportRuns.CountAsync(), await db.Shipments.CountAsync(),
            await db.Products.SumAsync(p => p.Allocated + p.OnHand));
    }

    private static string Problems(ImportPreview preview) => string.Join(" | ", preview.Problems.Select(p => $"{p.Row}/{p.Column}: {p.Message}"));

    [Fact]
    public async Task Orders_GoodFile_PlacedThroughIntakeQueuedFromTheirOwnTimeWithPromisedDatesAndConfirmations()
    {
        var preview = await _import.PreviewAsync(GoodOrders, "orders.csv", null, TestActors.Merchant);

        Assert.True(preview.CanCommit, Problems(preview) + preview.Refusal);
        Assert.Equal((ImportKind.Orders, true, 3, 0), (preview.Kind, preview.Detected, preview.Created, preview.Unchanged));
        Assert.Equal("4 rows: 3 new orders (4 lines), 0 already imported", preview.Summary);

        var result = await _import.CommitAsync(GoodOrders, "orders.csv", null, TestActors.Merchant);

        Assert.True(result.Succeeded, result.Message + string.Join(" ", result.Problems.Select(p => p.Message)));
        await using var db = _db.CreateDbContext();
        var orders = await db.Orders.Include(o => o.Lines).ThenInclude(l => l.Product).Include(o => o.Customer).OrderBy(o => o.ExternalNumber).ToListAsync();
        Assert.All(orders, o => Assert.Equal(OrderChannel.Import, o.Channel));
        Assert.Equal(["1001", "1002", "1003"], orders.Select(o => o.ExternalNumber));
        // Oldest first: 1003 (Nov 10) got the first number.
        Assert.Equal(["SO-100003", "SO-100002", "SO-100001"], orders.Select(o => o.Number));

        var ada = orders[0];
        Assert.Equal(new DateTime(2026, 11, 20, 14, 15, 0), ada.PlacedAt);
        Assert.Equal(("+1 555 0100", ShipPolicy.ShipAvailable), (ada.Customer.Phone, ada.ShipPolicy));
        var kettle = ada.Lines.Single(l => l.Product.Sku == "KET");
        Assert.Equal((3, 2, 3500L), (kettle.QtyAllocated, kettle.QtyUnfilled, kettle.UnitPriceCents));
        Assert.Equal(ada.PlacedAt, kettle.QueuedAt);
        Assert.Equal(Dec1.AddDays(1), kettle.PromisedShipDate);
        Assert.Equal((1, 0), (ada.Lines.Single(l => l.Product.Sku == "NOBO").QtyAllocated, ada.Lines.Single(l => l.Product.Sku == "NOBO").QtyUnfilled));

        var bob = orders[1];
        Assert.Equal((ShipPolicy.ShipComplete, 100_000L), (bob.ShipPolicy, bob.Lines.Single().UnitPriceCents));
        Assert.Equal(new DateTime(2026, 11, 18, 5, 0, 0), bob.Lines.Single().QueuedAt);
        // Nothing inbound: the supplier's 14 days from today, plus a day of handling.
        Assert.Equal(new DateOnly(2026, 12, 7), bob.Lines.Single().PromisedShipDate);

        var cy = orders[2].Lines.Single();
        Assert.Equal((4, 0, 0), (cy.QtyShipped, cy.QtyAllocated, cy.QtyUnfilled));
        Assert.Equal(new DateTime(2026, 11, 12, 5, 0, 0), (await db.Shipments.SingleAsync()).ShippedAt);

        var products = await db.Products.ToDictionaryAsync(p => p.Sku);
        Assert.Equal((3, 3), (products["KET"].Allocated, products["KET"].OnHand));
        Assert.Equal((1, 0), (products["NOBO"].Allocated, products["WAIT"].Allocated));
        foreach (var product in products.Values)
        {
            Assert.Equal(product.Allocated, await db.StockLedger.Where(e => e.ProductId == product.Id).SumAsync(e => e.AllocatedDelta));
            Assert.Equal(product.OnHand, await db.StockLedger.Where(e => e.ProductId == product.Id).SumAsync(e => e.OnHandDelta));
        }
        var messages = await db.Outbox.OrderBy(m => m.ToEmail).ToListAsync();
        Assert.Equal(["ada@example.com", "bob@example.com"], messages.Select(m => m.ToEmail));
        Assert.All(messages, m => Assert.Equal(MessageKind.BackorderConfirmation, m.Kind));
        Assert.Contains("3 ship now, 2 on backorder, expected to ship Dec 2", messages[0].BodyText);
        var run = await db.ImportRuns.SingleAsync();
        Assert.Equal((ImportKind.Orders, 4, 3, "merchant@example.com"), (run.Kind, run.Rows, run.Created, run.UserName));
    }

    [Fact]
    public async Task Orders_SameFileTwice_SecondChangesNothing()
    {
        Assert.True((await _import.CommitAsync(GoodOrders, "orders.csv", null, TestActors.Merchant)).Succeeded);
        var before = await CountsAsync();

        var preview = await _import.PreviewAsync(GoodOrders, "orders.csv", null, TestActors.Merchant);
        var again = await _import.CommitAsync(GoodOrders, "orders.csv", null, TestActors.Merchant);

        Assert.Equal((0, 3, false), (preview.Created, preview.Unchanged, preview.CanCommit));
        Assert.True(again.Succeeded, again.Message);
        Assert.StartsWith("Nothing to import", again.Message);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Orders_FileWithEachKindOfError_NamesEveryRowAndColumnAndStoresNothing()
    {
        var file = File(
            OrdersHeader,
            "2001,2026-11-20,ada@example.com,Ada,NOPE,1,10.00,,,",
            "2002,2026-11-20,ada@example.com,Ada,KET,two,10.00,,,",
            "2003,2026-11-31,ada@example.com,Ada,KET,1,10.00,,,",
            "2004,2026-11-20,ada@example.com,Ada,KET,1,10.00,,,",
            "2004,2026-11-20,ada@example.com,Ada,ket,2,10.00,,,",
            "2005,2026-11-20,ada@example.com,Ada,KET,1,10.00,ship_sometime,,",
            "2006,2026-11-20,not-an-address,,KET,0,10.123,,,");
        var before = await CountsAsync();

        var preview = await _import.PreviewAsync(file, "orders.csv", null, TestActors.Merchant);
        var result = await _import.CommitAsync(file, "orders.csv", null, TestActors.Merchant);

        Assert.False(preview.CanCommit);
        Assert.Equal(
            [(2, "sku"), (3, "quantity"), (4, "placed_at"), (6, "sku"), (7, "ship_policy"), (8, "customer_email"), (8, "customer_name"), (8, "quantity"), (8, "unit_price")],
            preview.Problems.Select(p => (p.Row, p.Column)));
        Assert.Contains("There is no product with SKU “NOPE”", preview.Problems[0].Message);
        Assert.Contains("is already on row 5", preview.Problems[3].Message);
        Assert.False(result.Succeeded);
        Assert.Equal(preview.Problems, result.Problems);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Orders_OneOrderTheRulesRefuse_NamesItsRowAndStoresNoneOfTheOthers()
    {
        var file = File(
            OrdersHeader,
            "3001,2026-11-20,ada@example.com,Ada,KET,1,10.00,,,",
            "3002,2026-11-21,bob@example.com,Bob,NOBO,5,10.00,,,");
        var before = await CountsAsync();

        var result = await _import.CommitAsync(file, "orders.csv", null, TestActors.Merchant);

        Assert.False(result.Succeeded);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(3, problem.Row);
        Assert.Contains("can't be backordered", problem.Message);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task PurchaseOrders_GoodFile_PlacedWithTheirDatesNewSupplierCreatedAndQueueDatesWalked()
    {
        var intake = await _services.Get<OrderIntakeService>().PlaceAsync(new NewOrderInput
        {
            CustomerName = "Ada", CustomerEmail = "ada@example.com", Lines = [new NewOrderLineInput { Sku = "WAIT", Qty = 2 }],
        }, TestActors.Merchant);
        Assert.True(intake.Succeeded);
        var file = File(PoHeader, "PO-77,Acme Tools,2026-11-28,WAIT,5,4.25", "PO-77,Acme Tools,2026-11-28,KET,6,", "PO-78,northwind,2026-12-20,KET,2,3");

        var preview = await _import.PreviewAsync(file, "pos.csv", null, TestActors.Merchant);
        var result = await _import.CommitAsync(file, "pos.csv", null, TestActors.Merchant);

        Assert.Equal("3 rows: 2 new purchase orders (3 lines), 0 already in the store", preview.Summary);
        Assert.Contains(preview.Notes, n => n.Contains("Acme Tools") && n.Contains("will be created"));
        Assert.True(result.Succeeded, result.Message);
        await using var db = _db.CreateDbContext();
        var po = await db.PurchaseOrders.Include(p => p.Lines).ThenInclude(l => l.Product).Include(p => p.Supplier).SingleAsync(p => p.Number == "PO-77");
        Assert.Equal((PurchaseOrderStatus.Ordered, new DateOnly(2026, 11, 28), "Acme Tools"), (po.Status, po.ExpectedDate, po.Supplier.Name));
        Assert.Equal([("KET", 6, 0L), ("WAIT", 5, 425L)], po.Lines.OrderBy(l => l.Product.Sku).Select(l => (l.Product.Sku, l.QtyOrdered, l.UnitCostCents)));
        Assert.Equal("Northwind", (await db.PurchaseOrders.Include(p => p.Supplier).SingleAsync(p => p.Number == "PO-78")).Supplier.Name);
        Assert.Equal(2, await db.Suppliers.CountAsync());
        var waiting = await db.OrderLines.SingleAsync(l => l.Product.Sku == "WAIT");
        Assert.Equal((new DateOnly(2026, 11, 29), new DateOnly(2026, 12, 7)), (waiting.CurrentEta, waiting.PromisedShipDate));
    }

    [Fact]
    public async Task PurchaseOrders_SameFileTwice_SecondChangesNothing_AndOtherLinesUnderTheSameNumberAreAProblem()
    {
        var file = File(PoHeader, "PO-77,Northwind,2026-11-28,WAIT,5,4.25");
        Assert.True((await _import.CommitAsync(file, "pos.csv", null, TestActors.Merchant)).Succeeded);
        var before = await CountsAsync();

        var again = await _import.PreviewAsync(file, "pos.csv", null, TestActors.Merchant);
        var changed = await _import.PreviewAsync(File(PoHeader, "PO-77,Northwind,2026-11-28,WAIT,6,4.25"), "pos.csv", null, TestActors.Merchant);
        var commit = await _import.CommitAsync(file, "pos.csv", null, TestActors.Merchant);

        Assert.Equal((0, 1, false), (again.Created, again.Unchanged, again.CanCommit));
        Assert.True(commit.Succeeded);
        var problem = Assert.Single(changed.Problems);
        Assert.Equal((2, "po_number"), (problem.Row, problem.Column));
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task PurchaseOrders_FileWithEachKindOfError_NamesEveryRowAndColumnAndStoresNothing()
    {
        var file = File(
            PoHeader,
            "PO-90,Northwind,2026-12-10,NOPE,5,",
            "PO-91,Northwind,2026-12-10,KET,five,",
            "PO-92,Northwind,10/12/2026,KET,5,",
            "PO-93,Northwind,2026-12-10,KET,5,",
            "PO-93,Northwind,2026-12-10,KET,1,",
            "PO-94,Northwind,2026-11-01,KET,1,",
            "PO-95,,2026-12-10,KET,1,-2");
        var before = await CountsAsync();

        var preview = await _import.PreviewAsync(file, "pos.csv", null, TestActors.Merchant);
        var result = await _import.CommitAsync(file, "pos.csv", null, TestActors.Merchant);

        Assert.Equal([(2, "sku"), (3, "quantity"), (4, "expected_date"), (6, "sku"), (7, "expected_date"), (8, "supplier"), (8, "unit_cost")],
            preview.Problems.Select(p => (p.Row, p.Column)));
        Assert.False(result.Succeeded);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Products_File_CountsNewUpdatedAndUnchangedAndNamesUnknownPolicyBadNumberAndDuplicate()
    {
        var good = File(
            "sku,name,category,supplier,price,on_hand,backorder_policy,backorder_cap,low_stock_threshold,lead_time_days",
            "NEW-1,New kettle,Kitchen,Northwind,19.90,4,allow,,,",
            "KET,,,,,,deny,,,",
            "NOBO,Product NOBO,,,10.00,1,,,,",
            "WAIT,,,,,,,,,");
        var bad = File(
            "sku;name;category;supplier;price;on_hand;backorder_policy",
            "NEW-2;;Kitchen;Northwind;12,00;1;allow",
            "NEW-3;Mug;Kitchen;Northwind;12,00;lots;allow",
            "NEW-4;Cup;Kitchen;Northwind;1;1;sometimes",
            "NEW-3;Mug again;Kitchen;Northwind;1;1;allow");

        var preview = await _import.PreviewAsync(good, "products.csv", null, TestActors.Merchant);
        var problems = await _import.PreviewAsync(bad, "products.csv", null, TestActors.Merchant);

        Assert.True(preview.IsClean, Problems(preview));
        Assert.Equal("4 rows: 1 new product, 1 updated, 2 unchanged", preview.Summary);
        Assert.Equal([(2, "name"), (3, "on_hand"), (4, "backorder_policy"), (5, "sku")], problems.Problems.Select(p => (p.Row, p.Column)));
        Assert.Contains("deny, allow, allow_notify", problems.Problems[2].Message);
    }

    private static readonly byte[] GoodProducts = File(
        "sku,name,category,supplier,price,on_hand,backorder_policy,backorder_cap,low_stock_threshold,lead_time_days",
        "NEW-1,\"Teapot, blue\",Tea,Leaf & Co,19.90,4,allow_notify,20,2,30",
        "KET,,,,45.00,7,deny,,,",
        "NOBO,Product NOBO,,,10.00,1,,,,");

    [Fact]
    public async Task Products_GoodFile_CreatesAndUpdatesThroughTheCatalogueWithOpeningStockAndCounts()
    {
        var result = await _import.CommitAsync(GoodProducts, "products.csv", null, TestActors.Merchant);

        Assert.True(result.Succeeded, result.Message + string.Join(" ", result.Problems.Select(p => $"{p.Row}/{p.Column}: {p.Message}")));
        Assert.Equal((1, 1, 1), (result.Created, result.Updated, result.Unchanged));
        await using var db = _db.CreateDbContext();
        var teapot = await db.Products.Include(p => p.Category).Include(p => p.Supplier).SingleAsync(p => p.Sku == "NEW-1");
        Assert.Equal(("Teapot, blue", "Tea", "Leaf & Co", 1990L, 4), (teapot.Name, teapot.Category.Name, teapot.Supplier.Name, teapot.PriceCents, teapot.OnHand));
        Assert.Equal((BackorderPolicy.AllowedAndNotify, (int?)20, (int?)2, (int?)30), (teapot.BackorderPolicy, teapot.BackorderCap, teapot.LowStockThreshold, teapot.LeadTimeDays));
        Assert.Equal((Now.UtcDateTime, (DateTime?)null, (int?)null, (DateOnly?)null, false), (teapot.CreatedAt, teapot.ArchivedAt, teapot.HandlingDays, teapot.PreorderReleaseDate, teapot.Discontinued));
        var opening = await db.StockLedger.SingleAsync(e => e.ProductId == teapot.Id);
        Assert.Equal((4, 0, StockReason.Import, (StockCorrectionReason?)StockCorrectionReason.Stocktake, ActorChannel.Import, Now.UtcDateTime),
            (opening.OnHandDelta, opening.AllocatedDelta, opening.Reason, opening.Correction, opening.Channel, opening.At));
        Assert.Equal(TestActors.Merchant.DisplayName, opening.UserName);
        var kettle = await db.Products.SingleAsync(p => p.Sku == "KET");
        Assert.Equal((4500L, BackorderPolicy.NotAllowed, 7, "Product KET"), (kettle.PriceCents, kettle.BackorderPolicy, kettle.OnHand, kettle.Name));
        var count = await db.StockLedger.SingleAsync(e => e.ProductId == kettle.Id && e.Reference == "import products.csv");
        Assert.Equal((4, StockCorrectionReason.Stocktake, ActorChannel.Import), (count.OnHandDelta, count.Correction, count.Channel));
        foreach (var product in await db.Products.ToListAsync())
        {
            Assert.Equal(product.OnHand, await db.StockLedger.Where(e => e.ProductId == product.Id).SumAsync(e => e.OnHandDelta));
        }
    }

    [Fact]
    public async Task Products_SameFileTwice_SecondChangesNothing()
    {
        Assert.True((await _import.CommitAsync(GoodProducts, "products.csv", null, TestActors.Merchant)).Succeeded);
        var before = await CountsAsync();

        var preview = await _import.PreviewAsync(GoodProducts, "products.csv", null, TestActors.Merchant);
        var again = await _import.CommitAsync(GoodProducts, "products.csv", null, TestActors.Merchant);

        Assert.Equal((0, 0, 3), (preview.Created, preview.Updated, preview.Unchanged));
        Assert.True(again.Succeeded);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task StockCounts_GoodFile_CountsWithTheirReasonsAndTheSameFileTwiceChangesNothing()
    {
        var file = File("sku;on_hand;reason", "KET;1;damaged", "WAIT;6;", "NOBO;1;");

        var result = await _import.CommitAsync(file, "counts.csv", null, TestActors.Merchant);

        Assert.True(result.Succeeded, result.Message + string.Join(" ", result.Problems.Select(p => $"{p.Row}/{p.Column}: {p.Message}")));
        Assert.Equal((2, 1), (result.Updated, result.Unchanged));
        await using (var db = _db.CreateDbContext())
        {
            var rows = await db.StockLedger.Where(e => e.Reference == "import counts.csv").OrderBy(e => e.Product.Sku)
                .Select(e => new { e.Product.Sku, e.OnHandDelta, e.Correction }).ToListAsync();
            Assert.Equal([("KET", -2, (StockCorrectionReason?)StockCorrectionReason.Damaged), ("WAIT", 6, StockCorrectionReason.Stocktake)],
                rows.Select(r => (r.Sku, r.OnHandDelta, r.Correction)));
        }
        var before = await CountsAsync();
        var again = await _import.CommitAsync(file, "counts.csv", null, TestActors.Merchant);
        Assert.True(again.Succeeded);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task StockCounts_File_CountsChangesAndNamesUnknownSkusAndReasons()
    {
        var file = File("sku,on_hand,reason", "KET,3,", "NOBO,0,damaged", "NOPE,1,", "WAIT,2,stolen");

        var preview = await _import.PreviewAsync(file, "stock.csv", null, TestActors.Merchant);

        Assert.Equal([(4, "sku"), (5, "reason")], preview.Problems.Select(p => (p.Row, p.Column)));
        Assert.Equal((1, 1), (preview.Updated, preview.Unchanged));
    }

    [Fact]
    public async Task Preview_KindChosenByHand_ChecksTheFileAsThatKindAndNamesMissingColumns()
    {
        var file = File("sku,on_hand,name", "KET,5,Kettle");

        var detected = await _import.PreviewAsync(file, "x.csv", null, TestActors.Merchant);
        var chosen = await _import.PreviewAsync(file, "x.csv", ImportKind.StockCounts, TestActors.Merchant);
        var wrong = await _import.PreviewAsync(file, "x.csv", ImportKind.Orders, TestActors.Merchant);

        Assert.Equal((ImportKind.Products, true), (detected.Kind, detected.Detected));
        Assert.Equal((ImportKind.StockCounts, false, 1), (chosen.Kind, chosen.Detected, chosen.Updated));
        Assert.Equal(["order_number", "placed_at", "customer_email", "customer_name", "quantity", "unit_price"],
            wrong.Problems.Select(p => p.Column));
        Assert.All(wrong.Problems, p => Assert.Equal(1, p.Row));
    }

    [Fact]
    public async Task Preview_HeaderOfNoKind_AsksForTheKind()
    {
        var preview = await _import.PreviewAsync(File("article,count", "KET,5"), "x.csv", null, TestActors.Merchant);

        Assert.Null(preview.Kind);
        Assert.Contains("Choose the kind by hand", preview.Refusal);
    }

    [Fact]
    public async Task Commit_CustomerServiceAgent_RefusedWithoutWriting()
    {
        var before = await CountsAsync();

        var result = await _import.CommitAsync(GoodOrders, "orders.csv", null, TestActors.Support);

        Assert.False(result.Succeeded);
        Assert.Equal(Access.Refusal(TestActors.Support, Operation.ImportData), result.Message);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Products_LargeFile_NewProductsGetTheirOwnOpeningStock_AndStockCountsOfExistingOnesApply()
    {
        var lines = new List<string> { "sku,name,category,supplier,price,on_hand,backorder_policy,backorder_cap,low_stock_threshold,lead_time_days", "KET,,,,,9,,,," };
        lines.AddRange(Enumerable.Range(1, 2500).Select(i => $"BULK-{i:0000},Bulk {i},Bulk {i % 7},Bulk supplier {i % 3},{i}.00,{i % 11},allow,,,"));

        var result = await _import.CommitAsync(File([.. lines]), "bulk.csv", null, TestActors.Merchant);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal((2500, 1), (result.Created, result.Updated));
        await using var db = _db.CreateDbContext();
        var bulk = await db.Products.Include(p => p.Category).Include(p => p.Supplier).Where(p => p.Sku.StartsWith("BULK-")).ToListAsync();
        Assert.Equal(2500, bulk.Count);
        var opening = await db.StockLedger.Where(e => e.Product.Sku.StartsWith("BULK-")).GroupBy(e => e.Product.Sku)
            .Select(g => new { Sku = g.Key, Units = g.Sum(e => e.OnHandDelta) }).ToDictionaryAsync(g => g.Sku, g => g.Units);
        foreach (var product in bulk)
        {
            var i = int.Parse(product.Sku[5..]);
            Assert.Equal(($"Bulk {i}", $"Bulk {i % 7}", $"Bulk supplier {i % 3}", i * 100L, i % 11), (product.Name, product.Category.Name, product.Supplier.Name, product.PriceCents, product.OnHand));
            Assert.Equal(i % 11, opening.GetValueOrDefault(product.Sku));
        }
        Assert.Equal(9, (await db.Products.SingleAsync(p => p.Sku == "KET")).OnHand);
    }

    /// <summary>Runs a step the first time the import reports a stage: another user acting while the file is worked through.</summary>
    private sealed class WhenStage(string stage, Action step) : IProgress<ImportProgress>
    {
        private bool _done;

        public void Report(ImportProgress value)
        {
            if (!_done && value.Stage == stage)
            {
                _done = true;
                step();
            }
        }
    }

    [Fact]
    public async Task Products_SkuAddedBySomeoneElseWhileTheFileIsChecked_NothingImportedAndTheSkuNamed()
    {
        var lines = new List<string> { "sku,name,category,supplier,price,on_hand,backorder_policy,backorder_cap,low_stock_threshold,lead_time_days" };
        lines.AddRange(Enumerable.Range(1, 1500).Select(i => $"RACE-{i:0000},Race {i},Race,Race supplier,1.00,2,allow,,,"));
        var meanwhile = new WhenStage("Checking new products", () =>
        {
            using var other = _db.CreateDbContext();
            var (category, supplier) = (other.Categories.First(), other.Suppliers.First());
            other.Products.Add(TestData.Product(category, supplier, "race-1400"));
            other.SaveChanges();
        });

        var result = await _import.CommitAsync(File([.. lines]), "race.csv", null, TestActors.Merchant, meanwhile);

        Assert.False(result.Succeeded);
        Assert.Contains("RACE-1400", result.Message);
        Assert.Contains("added by someone else", result.Message);
        await using var db = _db.CreateDbContext();
        Assert.Equal(["race-1400"], await db.Products.Where(p => p.Sku.StartsWith("RACE-")).Select(p => p.Sku).ToListAsync());
        Assert.Equal(0, await db.Categories.CountAsync(c => c.Name == "Race"));
        Assert.Equal(0, await db.ImportRuns.CountAsync());
    }
}
