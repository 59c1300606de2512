using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Features.Restock;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Restock;

/// <summary>
/// Northwind quotes 14 days and took 30 on each of its two received orders; PO-3 (kettles, ordered 30 days ago) is
/// its third. Lou waits for a lamp from Northwind with nothing on order, so her date comes from the lead time: the
/// quote (too few receipts) gives Nov 22 + 14 + 1 handling day = Dec 7. Today is Sunday Nov 22, 2026.
/// </summary>
public class LeadTimeHistoryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private SqliteTestDatabase _db = null!;
    private TestServices _app = null!;
    private int _po3;
    private int _supplier;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _app = TestServices.Create(_db, new FixedTimeProvider(Now));
        await using var db = _db.CreateDbContext();
        db.MerchantSettings.Add(new MerchantSettings { TimeZoneId = "America/New_York", DefaultHandlingDays = 1 });
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET");
        var lamp = TestData.Product(category, supplier, "LAMP");
        db.AddRange(kettle, lamp);
        var now = Now.UtcDateTime;
        foreach (var (number, ordered) in new[] { ("PO-1", now.AddDays(-100)), ("PO-2", now.AddDays(-60)) })
        {
            db.PurchaseOrders.Add(new PurchaseOrder
            {
                Number = number, Supplier = supplier, Status = PurchaseOrderStatus.Received, OrderedAt = ordered, ReceivedAt = ordered.AddDays(30),
                ExpectedDate = DateOnly.FromDateTime(ordered.AddDays(14)), Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 1, QtyReceived = 1 }],
            });
        }
        var po3 = new PurchaseOrder
        {
            Number = "PO-3", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, OrderedAt = now.AddDays(-30),
            ExpectedDate = new DateOnly(2026, 11, 6), Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 5 }],
        };
        db.PurchaseOrders.Add(po3);
        var order = TestData.Order(TestData.Customer("Lou", "lou@example.com"), "SO-LOU", now.AddDays(-1));
        order.Lines.Add(new OrderLine { Product = lamp, Qty = 1, QueuedAt = order.PlacedAt, QtyBackorderedAtPlacement = 1 });
        db.Orders.Add(order);
        await db.SaveChangesAsync();
        (_po3, _supplier) = (po3.Id, supplier.Id);
        await _app.Get<QueueMaintenance>().RecomputeEtasAsync(db, lamp.Id, "opening", TestActors.Admin, default);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Setup_LampDatedByTheQuote()
    {
        Assert.Equal(new DateOnly(2026, 12, 7), (await _app.Get<ProductService>().GetQueueAsync("LAMP"))!.Single().Eta);
    }

    [Fact]
    public async Task ThirdOrderReceivedInFull_LinesOfOtherProductsOfTheSupplier_DatedByTheHistoryOnEveryReaderWithTheirDelayMessage()
    {
        var outcome = await _app.Get<ReceivingService>().CommitAsync(new ReceiptInput
        {
            IdempotencyKey = "po-3-in-full", PurchaseOrderId = _po3, Lines = [new ReceiptLineInput { Sku = "KET", Qty = 5 }],
        }, TestActors.Merchant);

        // Three receipts of 30 days: Nov 22 + 30 + 1 handling day.
        var dec23 = new DateOnly(2026, 12, 23);
        Assert.True(outcome.Succeeded, string.Join(" ", outcome.Errors));
        Assert.Equal(dec23, (await _app.Get<ProductService>().GetQueueAsync("LAMP"))!.Single().Eta);
        Assert.Equal(dec23, (await _app.Get<BackorderService>().GetQueueAsync(new QueueQuery(Product: "LAMP"))).Rows.Single().Eta);
        await using var db = _db.CreateDbContext();
        var delay = await db.Outbox.SingleAsync(m => m.Kind == MessageKind.Delay);
        Assert.Contains("now ships around Dec 23, later than the Dec 7 we promised", delay.BodyText);
    }

    [Fact]
    public async Task QuoteChanged_LinesWithoutHistoryOrPurchaseOrder_WalkedAgainInTheSameSave()
    {
        var errors = await _app.Get<SupplierService>().SaveAsync(_supplier, new SupplierInput { Name = "Northwind", DefaultLeadTimeDays = 21 }, TestActors.Merchant);

        Assert.Empty(errors);
        var dec14 = new DateOnly(2026, 12, 14);
        Assert.Equal(dec14, (await _app.Get<ProductService>().GetQueueAsync("LAMP"))!.Single().Eta);
        Assert.Equal(dec14, (await _app.Get<BackorderService>().GetQueueAsync(new QueueQuery(Product: "LAMP"))).Rows.Single().Eta);
    }
}
