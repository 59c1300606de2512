using System.Text.Json;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Integrations;
using BackorderDashboard.Features.Restock;
using BackorderDashboard.Features.Shipping;
using BackorderDashboard.Tests.TestSupport;
using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BackorderDashboard.Tests.Features.Integrations;

/// <summary>
/// Events for other systems, written with the change that causes them. Kettles: none in stock; Ann waits for 2, Bob
/// for 1 (ships complete, also waits for a mug), Cat for 3, Dan for 1. PO-1 brings 4 on Dec 1, PO-2 10 on Dec 10.
/// </summary>
public class OutboundEventsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Dec2 = new(2026, 12, 2);
    private static readonly DateOnly Dec11 = new(2026, 12, 11);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private ReceivingService _receiving = null!;
    private OutboundWebhookService _webhooks = null!;
    private int _po1;
    private int _kettle;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(Now), configure: s => s.AddOutboundWebhooks());
        _receiving = _services.Get<ReceivingService>();
        _webhooks = _services.Get<OutboundWebhookService>();

        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET");
        var mug = TestData.Product(category, supplier, "MUG");
        db.AddRange(kettle, mug);
        var po1 = new PurchaseOrder { Number = "PO-1", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, OrderedAt = Now.UtcDateTime.AddDays(-10),
            ExpectedDate = new DateOnly(2026, 12, 1), OriginalExpectedDate = new DateOnly(2026, 12, 1), Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 4 }] };
        var po2 = new PurchaseOrder { Number = "PO-2", Supplier = supplier, Status = PurchaseOrderStatus.Ordered, OrderedAt = Now.UtcDateTime.AddDays(-5),
            ExpectedDate = new DateOnly(2026, 12, 10), OriginalExpectedDate = new DateOnly(2026, 12, 10), Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 10 }] };
        db.PurchaseOrders.AddRange(po1, po2);
        var waiting = new (string Name, int Qty, DateOnly Promised)[] { ("Ann", 2, Dec2), ("Bob", 1, Dec2), ("Cat", 3, Dec11), ("Dan", 1, Dec11) };
        var i = 0;
        foreach (var (name, qty, promised) in waiting)
        {
            var placed = Now.UtcDateTime.AddDays(-5 + i++);
            var order = TestData.Order(TestData.Customer(name, $"{name.ToLowerInvariant()}@example.com"), $"SO-{name}", placed);
            order.Lines.Add(new OrderLine { Product = kettle, Qty = qty, QueuedAt = placed, QtyBackorderedAtPlacement = qty, PromisedShipDate = promised, CurrentEta = promised });
            if (name == "Bob")
            {
                order.ShipPolicy = ShipPolicy.ShipComplete;
                order.Lines.Add(new OrderLine { Product = mug, Qty = 1, QueuedAt = placed, QtyBackorderedAtPlacement = 1, PromisedShipDate = Dec2, CurrentEta = Dec2 });
            }
            if (name == "Ann")
            {
                order.ExternalNumber = "#1001";
            }
            db.Orders.Add(order);
        }
        await db.SaveChangesAsync();
        (_po1, _kettle) = (po1.Id, kettle.Id);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private static ReceiptInput Receipt(int? po, int qty) => new()
    {
        IdempotencyKey = Guid.NewGuid().ToString("N"), PurchaseOrderId = po, Lines = [new ReceiptLineInput { Sku = "KET", Qty = qty }],
    };

    private async Task<int> SubscribeAsync(params string[] events)
    {
        var saved = await _webhooks.CreateAsync(new WebhookSubscriptionInput("https://erp.example.com/hooks", events), TestActors.Merchant);
        Assert.True(saved.Succeeded, string.Join(" ", saved.Errors.Values));
        return saved.Id;
    }

    private async Task<List<(WebhookDelivery Delivery, JsonElement Json)>> DeliveriesAsync(string? type = null)
    {
        await using var db = _db.CreateDbContext();
        var rows = await db.WebhookDeliveries.AsNoTracking().Where(d => type == null || d.EventType == type).OrderBy(d => d.Id).ToListAsync();
        return rows.Select(d => (d, JsonDocument.Parse(d.Body).RootElement.Clone())).ToList();
    }

    [Fact]
    public async Task Receipt_WithASubscriber_WritesLineAllocatedForEachLineItReached()
    {
        var subscription = await SubscribeAsync(WebhookEvents.LineAllocated);

        var outcome = await _receiving.CommitAsync(Receipt(_po1, 4), TestActors.Merchant);

        Assert.True(outcome.Succeeded, string.Join(" ", outcome.Errors));
        var allocated = await DeliveriesAsync(WebhookEvents.LineAllocated);
        // Ann takes 2 and Cat 2 of her 3; Bob is held for his mug.
        Assert.Equal([("SO-Ann", 2, "allocated"), ("SO-Cat", 2, "partially-allocated")], allocated.Select(a =>
            (a.Json.GetProperty("data").GetProperty("orderNumber").GetString(), a.Json.GetProperty("data").GetProperty("quantity").GetInt32(),
             a.Json.GetProperty("data").GetProperty("status").GetString())));
        var ann = allocated[0];
        Assert.All(allocated, a => Assert.Equal(subscription, a.Delivery.SubscriptionId));
        Assert.Equal("line.allocated", ann.Json.GetProperty("type").GetString());
        Assert.Equal(ann.Delivery.EventId, ann.Json.GetProperty("id").GetString());
        Assert.Equal("2026-11-22T17:00:00.000Z", ann.Json.GetProperty("createdAt").GetString());
        Assert.Equal("#1001", ann.Json.GetProperty("data").GetProperty("externalNumber").GetString());
        Assert.Equal("KET", ann.Json.GetProperty("data").GetProperty("sku").GetString());
        Assert.Matches("^evt_[0-9a-f]{32}$", ann.Delivery.EventId);
        Assert.NotEqual(allocated[0].Delivery.EventId, allocated[1].Delivery.EventId);
        Assert.Empty(await DeliveriesAsync(WebhookEvents.AvailabilityChanged));
    }

    [Fact]
    public async Task Receipt_WhenTheBadgeChanges_WritesAvailabilityChangedWithTheBadgeOfTheApi()
    {
        await SubscribeAsync(WebhookEvents.AvailabilityChanged);

        await _receiving.CommitAsync(Receipt(_po1, 4), TestActors.Merchant);

        // The mug's queue is walked again too (the supplier's lead-time history changed): its first announcement.
        var announced = await DeliveriesAsync(WebhookEvents.AvailabilityChanged);
        Assert.Equal(["KET", "MUG"], announced.Select(a => a.Json.GetProperty("data").GetProperty("sku").GetString()).Order());
        var data = announced.Single(a => a.Json.GetProperty("data").GetProperty("sku").GetString() == "KET").Json.GetProperty("data");
        var availability = _services.Get<AvailabilityService>();
        var context = await availability.GetContextAsync();
        await using var db = _db.CreateDbContext();
        var row = await availability.Rows(db, context).Where(r => r.ProductId == _kettle).ForRule().SingleAsync();
        var (_, badge) = (await availability.EvaluateAsync(db, [row], context))[_kettle];
        Assert.Equal(("KET", badge.BadgeText, BackorderDashboard.Features.Api.ApiEndpoints.StatusName(badge.Status)),
            (data.GetProperty("sku").GetString(), data.GetProperty("badge").GetString(), data.GetProperty("status").GetString()));
        Assert.StartsWith("Backordered", badge.BadgeText);

        // A change that leaves the badge as it was announces nothing new.
        var dan = await db.OrderLines.AsNoTracking().SingleAsync(l => l.Order.Number == "SO-Dan");
        var expedited = await _services.Get<BackorderService>().SetExpeditedAsync(dan.Id, dan.Version, true, TestActors.Merchant);
        Assert.True(expedited.Succeeded, expedited.Message);
        Assert.Equal(2, (await DeliveriesAsync(WebhookEvents.AvailabilityChanged)).Count);
    }

    [Fact]
    public async Task Receipt_WithNoSubscriberOrAPausedOne_WritesNoDelivery()
    {
        var paused = await SubscribeAsync([.. WebhookEvents.All]);
        Assert.Null(await _webhooks.SetActiveAsync(paused, false, TestActors.Merchant));
        await SubscribeAsync(WebhookEvents.OrderShipped);

        var outcome = await _receiving.CommitAsync(Receipt(_po1, 4), TestActors.Merchant);

        Assert.True(outcome.Succeeded);
        Assert.Empty(await DeliveriesAsync());
        await using var db = _db.CreateDbContext();
        Assert.Equal(2, await db.OrderEvents.CountAsync(e => e.Kind == OrderEventKind.Allocated));
    }

    /// <summary>Every statement the app sends, as text.</summary>
    private sealed class Statements : DbCommandInterceptor
    {
        public ConcurrentQueue<string> Texts { get; } = new();

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Texts.Enqueue(command.CommandText);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Texts.Enqueue(command.CommandText);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    [Fact]
    public async Task Receipt_WithNoSubscription_AsksWhoListensOnceAndWritesNothingMore()
    {
        var statements = new Statements();
        await using var counted = TestServices.Create(_db.WithInterceptors(statements), new FixedTimeProvider(Now), configure: s => s.AddOutboundWebhooks());

        var outcome = await counted.Get<ReceivingService>().CommitAsync(Receipt(_po1, 4), TestActors.Merchant);

        Assert.True(outcome.Succeeded, string.Join(" ", outcome.Errors));
        // Allocation, re-dating and the badges of two products all ask; the store's write number keeps the first answer.
        Assert.Single(statements.Texts, t => t.Contains("WebhookSubscriptions", StringComparison.Ordinal));
        Assert.DoesNotContain(statements.Texts, t => t.Contains("WebhookDeliveries", StringComparison.Ordinal));
        Assert.DoesNotContain(statements.Texts, t => t.Contains("AnnouncedAvailability", StringComparison.Ordinal) && t.StartsWith("UPDATE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReceiptPreview_RolledBack_LeavesNoDelivery()
    {
        await SubscribeAsync([.. WebhookEvents.All]);

        var preview = await _receiving.PreviewAsync(Receipt(_po1, 4), TestActors.Merchant);

        Assert.True(preview.Succeeded, string.Join(" ", preview.Errors));
        Assert.Equal(2, preview.Products.Single().Filled.Count);
        Assert.Empty(await DeliveriesAsync());
    }

    [Fact]
    public async Task PurchaseOrderDelay_WritesEtaChangedWithOldAndNewDates_AndItsPreviewNothing()
    {
        await SubscribeAsync(WebhookEvents.LineEtaChanged);
        var purchaseOrders = _services.Get<PurchaseOrderService>();
        int version;
        await using (var db = _db.CreateDbContext())
        {
            version = await db.PurchaseOrders.Where(p => p.Id == _po1).Select(p => p.Version).SingleAsync();
        }

        var preview = await purchaseOrders.ChangeExpectedDateAsync(_po1, version, new DateOnly(2026, 12, 5), TestActors.Merchant, commit: false);
        Assert.Empty(await DeliveriesAsync());
        var impact = await purchaseOrders.ChangeExpectedDateAsync(_po1, version, new DateOnly(2026, 12, 5), TestActors.Merchant, commit: true);

        Assert.True(impact.Succeeded && preview.Succeeded, impact.Message);
        var moved = await DeliveriesAsync(WebhookEvents.LineEtaChanged);
        Assert.Equal(["SO-Ann", "SO-Bob"], moved.Select(m => m.Json.GetProperty("data").GetProperty("orderNumber").GetString()).Order());
        var ann = moved.Single(m => m.Json.GetProperty("data").GetProperty("orderNumber").GetString() == "SO-Ann").Json.GetProperty("data");
        Assert.Equal(("2026-12-02", "2026-12-06", "2026-12-02", true),
            (ann.GetProperty("oldEta").GetString(), ann.GetProperty("newEta").GetString(), ann.GetProperty("promisedShipDate").GetString(),
             ann.GetProperty("late").GetBoolean()));
    }

    [Fact]
    public async Task ShippingAndCancelling_WriteOrderShippedAndOrderCancelled()
    {
        await SubscribeAsync(WebhookEvents.OrderShipped, WebhookEvents.OrderCancelled);
        await _receiving.CommitAsync(Receipt(_po1, 4), TestActors.Merchant);
        Order ann, dan;
        await using (var db = _db.CreateDbContext())
        {
            ann = await db.Orders.AsNoTracking().Include(o => o.Lines).SingleAsync(o => o.Number == "SO-Ann");
            dan = await db.Orders.AsNoTracking().Include(o => o.Lines).SingleAsync(o => o.Number == "SO-Dan");
        }

        var shipped = await _services.Get<ShippingService>().ShipAsync(ann.Id, ann.Version, null, "UPS", "1Z999", TestActors.Merchant);
        var cancelled = await _services.Get<BackorderService>().CancelAsync(dan.Lines[0].Id, dan.Lines[0].Version, "Found it elsewhere", false, TestActors.Support);

        Assert.True(shipped.Succeeded && cancelled.Succeeded, shipped.Message + cancelled.Message);
        var events = await DeliveriesAsync();
        Assert.Equal([WebhookEvents.OrderShipped, WebhookEvents.OrderCancelled], events.Select(e => e.Delivery.EventType));
        var ship = events[0].Json.GetProperty("data");
        Assert.Equal(("SO-Ann", "#1001", "shipped", "1Z999", "2026-11-22"), (ship.GetProperty("orderNumber").GetString(), ship.GetProperty("externalNumber").GetString(),
            ship.GetProperty("status").GetString(), ship.GetProperty("trackingNumber").GetString(), ship.GetProperty("shippedOn").GetString()));
        Assert.Equal(2, ship.GetProperty("lines")[0].GetProperty("quantity").GetInt32());
        var cancel = events[1].Json.GetProperty("data");
        Assert.Equal(("SO-Dan", JsonValueKind.Null, 1, "cancelled", "Found it elsewhere"), (cancel.GetProperty("orderNumber").GetString(),
            cancel.GetProperty("externalNumber").ValueKind, cancel.GetProperty("quantity").GetInt32(), cancel.GetProperty("lineStatus").GetString(),
            cancel.GetProperty("reason").GetString()));
    }
}
