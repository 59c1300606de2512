using System.Net;
using System.Text;
using BackorderDashboard.Data;
using BackorderDashboard.Features.Integrations;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static BackorderDashboard.Tests.Features.Integrations.StoreWebhookFixtures;

namespace BackorderDashboard.Tests.Integration;

/// <summary>
/// Shopify and WooCommerce deliver orders over real HTTP, signed as they sign them; the app's own worker applies them.
/// </summary>
[Collection(ApiAppCollection.Name)]
public class StoreWebhookTests(AppFactory app)
{
    [Fact]
    public async Task ShopifyCreate_Signed_BecomesOneOrderInTheQueue_WithThePromisedDateOfAPageOrder()
    {
        var sku = await app.AddProductAsync(onHand: 2);
        var po = await app.PlacePurchaseOrderAsync(sku, 10, days: 8);
        var (_, handling) = await app.StoreDayAsync();
        var (id, number) = NewShopifyOrder();
        var body = Shopify(id, number, Ago(10), Ago(10), [new Line(sku, 5, "19.99")]);

        var response = await PostShopifyAsync("orders/create", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var delivery = await ProcessedAsync(StorePlatform.Shopify, id.ToString());
        Assert.Equal(DeliveryState.Processed, delivery.State);
        await using var db = await DbAsync();
        var order = await db.Orders.Include(o => o.Lines).Include(o => o.Customer).SingleAsync(o => o.ExternalNumber == $"#{number}");
        Assert.Equal(delivery.OrderNumber, order.Number);
        Assert.Equal(OrderChannel.Shopify, order.Channel);
        Assert.Equal("Ada Lovelace", order.Customer.Name);
        var line = Assert.Single(order.Lines);
        Assert.Equal((5, 2, 3, 1999L), (line.Qty, line.QtyAllocated, line.QtyUnfilled, line.UnitPriceCents));
        Assert.Equal(po.Expected.AddDays(handling), line.PromisedShipDate);
        // A page order for the same product right after it queues behind it with the same promise (the PO covers both).
        var pageOrder = await app.PlaceOrderAsync("Page Customer", "page@example.com", sku, qty: 1);
        var pageLine = await db.OrderLines.AsNoTracking().SingleAsync(l => l.Order.Number == pageOrder);
        Assert.Equal(line.PromisedShipDate, pageLine.PromisedShipDate);
        Assert.Contains(await db.OrderEvents.Where(e => e.OrderId == order.Id).Select(e => e.UserName).ToListAsync(), n => n == "Shopify webhook");
        Assert.True(await db.Outbox.AnyAsync(m => m.OrderId == order.Id), "The customer's confirmation is written.");
    }

    [Fact]
    public async Task ShopifyCreate_SameDeliveryRetried_AndSentAgainUnderANewId_StaysOneOrder()
    {
        var sku = await app.AddProductAsync(onHand: 5);
        var (id, number) = NewShopifyOrder();
        var body = Shopify(id, number, Ago(5), Ago(5), [new Line(sku, 1)]);
        var eventId = Guid.NewGuid().ToString();

        var first = await PostShopifyAsync("orders/create", body, eventId);
        var retry = await PostShopifyAsync("orders/create", body, eventId);
        await ProcessedAsync(StorePlatform.Shopify, id.ToString());
        var again = await PostShopifyAsync("orders/create", body);
        await AllDoneAsync(StorePlatform.Shopify, id.ToString());

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Contains("duplicate", await retry.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await using var db = await DbAsync();
        Assert.Equal(1, await db.Orders.CountAsync(o => o.ExternalNumber == $"#{number}"));
        Assert.Equal(2, await db.WebhookInbox.CountAsync(d => d.StoreOrderId == id.ToString()));
        Assert.Equal(1, await db.Products.Where(p => p.Sku == sku).Select(p => p.Allocated).SingleAsync());
    }

    [Fact]
    public async Task Shopify_TamperedBody_Is401_AndNothingIsStored()
    {
        var (id, number) = NewShopifyOrder();
        var body = Shopify(id, number, Ago(1), Ago(1), [new Line("ANY", 1)]);
        var headers = ShopifyHeaders("orders/create", body);
        var tampered = body.Replace("\"quantity\": 1", "\"quantity\": 9");

        var response = await PostAsync("/webhooks/shopify", tampered, headers);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await using var db = await DbAsync();
        Assert.False(await db.WebhookInbox.AnyAsync(d => d.StoreOrderId == id.ToString()));
    }

    [Theory]
    [InlineData("/webhooks/shopify", StoreWebhookReceiver.ShopifySignature)]
    [InlineData("/webhooks/woocommerce", StoreWebhookReceiver.WooSignature)]
    public async Task Webhook_MissingOrWrongSignature_Is401_AndNothingIsStored(string path, string signatureHeader)
    {
        var id = Random.Shared.Next(100_000, int.MaxValue);
        var body = Woo(id, Ago(1).UtcDateTime, Ago(1).UtcDateTime, [new Line("ANY", 1)]);
        var headers = path.Contains("shopify") ? ShopifyHeaders("orders/create", body) : WooHeaders("order.created", body);
        headers.Remove(signatureHeader);
        var wrong = new Dictionary<string, string>(headers) { [signatureHeader] = StoreWebhookReceiver.Sign("not-the-secret-at-all", Encoding.UTF8.GetBytes(body)) };

        var missing = await PostAsync(path, body, headers);
        var signedWrong = await PostAsync(path, body, wrong);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, signedWrong.StatusCode);
        await using var db = await DbAsync();
        Assert.False(await db.WebhookInbox.AnyAsync(d => d.StoreOrderId == id.ToString()));
    }

    [Fact]
    public async Task Webhook_BodyOverOneMegabyte_Is413_AndNothingIsStored()
    {
        var body = "{\"id\": 1, \"note\": \"" + new string('x', 1024 * 1024) + "\"}";
        await using var before = await DbAsync();
        var count = await before.WebhookInbox.CountAsync();

        var response = await PostShopifyAsync("orders/create", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await using var db = await DbAsync();
        Assert.Equal(count, await db.WebhookInbox.CountAsync());
    }

    [Fact]
    public async Task WooPing_WhenTheWebhookIsCreated_Is200_AndStoresNothing()
    {
        await using var before = await DbAsync();
        var count = await before.WebhookInbox.CountAsync();
        using var client = app.CreateHttpClient();

        var response = await client.PostAsync("/webhooks/woocommerce", new FormUrlEncodedContent(new Dictionary<string, string> { ["webhook_id"] = "3" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = await DbAsync();
        Assert.Equal(count, await db.WebhookInbox.CountAsync());
    }

    [Fact]
    public async Task Webhook_IsAnsweredFromTheInbox_AndTheWorkerTakesTheOrderAfterwards()
    {
        var sku = await app.AddProductAsync(onHand: 1);
        var id = Random.Shared.Next(100_000, int.MaxValue);
        var body = Woo(id, Ago(2).UtcDateTime, Ago(2).UtcDateTime, [new Line(sku, 1, "12.50")]);
        await PostWooAsync("order.created", Woo(Random.Shared.Next(100_000, int.MaxValue), Ago(2).UtcDateTime, Ago(2).UtcDateTime, [new Line(sku, 1)]));

        // How fast the answer comes under load is measured by the benchmark (benchmark --only api), not timed here.
        var response = await PostWooAsync("order.created", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var delivery = await ProcessedAsync(StorePlatform.WooCommerce, id.ToString());
        Assert.True(delivery.ProcessedAt >= delivery.ReceivedAt);
        await using var db = await DbAsync();
        var order = await db.Orders.Include(o => o.Lines).SingleAsync(o => o.Channel == OrderChannel.WooCommerce && o.ExternalNumber == id.ToString());
        Assert.Equal(1250, order.Lines.Single().UnitPriceCents);
    }

    [Fact]
    public async Task WooUpdated_StatusCancelled_CancelsWhatIsOpen_AndFreesItsUnitsToTheNextInLine()
    {
        var sku = await app.AddProductAsync(onHand: 1);
        var id = Random.Shared.Next(100_000, int.MaxValue);
        var created = Ago(30).UtcDateTime;
        await PostWooAsync("order.created", Woo(id, created, created, [new Line(sku, 1)]));
        var taken = await ProcessedAsync(StorePlatform.WooCommerce, id.ToString());
        var next = await app.PlaceOrderAsync("Next In Line", "next@example.com", sku);
        await using (var db = await DbAsync())
        {
            Assert.Equal(0, await db.OrderLines.Where(l => l.Order.Number == next).Select(l => l.QtyAllocated).SingleAsync());
        }

        await PostWooAsync("order.updated", Woo(id, created, Ago(1).UtcDateTime, [new Line(sku, 1)], status: "cancelled"));
        await AllDoneAsync(StorePlatform.WooCommerce, id.ToString());

        await using var after = await DbAsync();
        var cancelled = await after.OrderLines.AsNoTracking().SingleAsync(l => l.Order.Number == taken.OrderNumber);
        Assert.Equal((1, 0), (cancelled.QtyCancelled, cancelled.QtyAllocated));
        Assert.Equal(1, await after.OrderLines.Where(l => l.Order.Number == next).Select(l => l.QtyAllocated).SingleAsync());
    }

    [Fact]
    public async Task ShopifyCancelled_ArrivingBeforeItsCreate_PlacesNoOrder()
    {
        var sku = await app.AddProductAsync(onHand: 3);
        var (id, number) = NewShopifyOrder();
        var created = Ago(20);
        await PostShopifyAsync("orders/cancelled", Shopify(id, number, created, Ago(2), [new Line(sku, 2)], cancelledAt: Ago(2)));
        await ProcessedAsync(StorePlatform.Shopify, id.ToString());

        await PostShopifyAsync("orders/create", Shopify(id, number, created, created, [new Line(sku, 2)]));
        var deliveries = await AllDoneAsync(StorePlatform.Shopify, id.ToString());

        Assert.All(deliveries, d => Assert.Equal(DeliveryState.Processed, d.State));
        await using var db = await DbAsync();
        Assert.False(await db.Orders.AnyAsync(o => o.ExternalNumber == $"#{number}"));
        Assert.Equal(0, await db.Products.Where(p => p.Sku == sku).Select(p => p.Allocated).SingleAsync());
    }

    [Fact]
    public async Task ShopifyUpdated_LowerQuantity_CancelsTheDifference_AndAnOlderUpdateArrivingLaterChangesNothing()
    {
        var sku = await app.AddProductAsync(onHand: 0);
        var (id, number) = NewShopifyOrder();
        var created = Ago(60);
        await PostShopifyAsync("orders/create", Shopify(id, number, created, created, [new Line(sku, 3)]));
        await ProcessedAsync(StorePlatform.Shopify, id.ToString());

        // The newer edit (down to 1) arrives before the older one (down to 2).
        await PostShopifyAsync("orders/updated", Shopify(id, number, created, Ago(5), [new Line(sku, 3, CurrentQuantity: 1)]));
        await PostShopifyAsync("orders/updated", Shopify(id, number, created, Ago(30), [new Line(sku, 3, CurrentQuantity: 2)]));
        var deliveries = await AllDoneAsync(StorePlatform.Shopify, id.ToString());

        Assert.All(deliveries, d => Assert.Equal(DeliveryState.Processed, d.State));
        Assert.Contains("Out of date", deliveries.Last().Outcome);
        await using var db = await DbAsync();
        var line = await db.OrderLines.AsNoTracking().SingleAsync(l => l.Order.ExternalNumber == $"#{number}");
        Assert.Equal((3, 2, 1), (line.Qty, line.QtyCancelled, line.QtyUnfilled));
    }

    [Fact]
    public async Task ShopifyUpdated_AddingALineAfterTheOrderWasTaken_FailsWithTheReason_AndAddsNothing()
    {
        var sku = await app.AddProductAsync(onHand: 4);
        var other = await app.AddProductAsync(onHand: 4);
        var (id, number) = NewShopifyOrder();
        var created = Ago(60);
        await PostShopifyAsync("orders/create", Shopify(id, number, created, created, [new Line(sku, 1)]));
        await ProcessedAsync(StorePlatform.Shopify, id.ToString());

        await PostShopifyAsync("orders/updated", Shopify(id, number, created, Ago(5), [new Line(sku, 1), new Line(other, 2)]));
        var deliveries = await AllDoneAsync(StorePlatform.Shopify, id.ToString());

        var failed = deliveries.Last();
        Assert.Equal(DeliveryState.Failed, failed.State);
        Assert.Contains($"2 × {other}", failed.LastError);
        Assert.Contains("not applied", failed.LastError);
        await using var db = await DbAsync();
        Assert.Equal(1, await db.OrderLines.CountAsync(l => l.Order.ExternalNumber == $"#{number}"));
    }

    [Fact]
    public async Task UnknownSku_FailsVisiblyWithTheReason_ThenReplayedAfterTheSkuIsCreated_ItAndTheWaitingUpdateSucceed()
    {
        var sku = $"{AppFactory.TestSkuPrefix}{Guid.NewGuid():N}"[..10].ToUpperInvariant();
        var (id, number) = NewShopifyOrder();
        var created = Ago(60);
        await PostShopifyAsync("orders/create", Shopify(id, number, created, created, [new Line(sku, 3)]));
        var failed = await ProcessedAsync(StorePlatform.Shopify, id.ToString());
        Assert.Equal(DeliveryState.Failed, failed.State);
        Assert.Contains($"Unknown SKU {sku}", failed.LastError);

        // A later change of the same order waits behind the failed one.
        await PostShopifyAsync("orders/updated", Shopify(id, number, created, Ago(10), [new Line(sku, 3, CurrentQuantity: 2)]));
        await Task.Delay(1500);
        await using (var db = await DbAsync())
        {
            Assert.Equal(DeliveryState.Received, await db.WebhookInbox.Where(d => d.StoreOrderId == id.ToString()).OrderBy(d => d.Id).Select(d => d.State).LastAsync());
        }
        using (var scope = app.Services.CreateScope())
        {
            var rows = (await scope.ServiceProvider.GetRequiredService<StoreWebhookService>().GetDeliveriesAsync(false)).Rows.Where(r => r.StoreOrderId == id.ToString());
            Assert.Equal([(DeliveryState.Received, true), (DeliveryState.Failed, false)], rows.Select(r => (r.State, r.WaitsForEarlier)));
        }

        await CreateProductAsync(sku);
        using (var scope = app.Services.CreateScope())
        {
            var replay = await scope.ServiceProvider.GetRequiredService<StoreWebhookService>().ReplayAsync(failed.Id, TestActors.Merchant);
            Assert.True(replay.Succeeded, replay.Message);
        }
        var deliveries = await AllDoneAsync(StorePlatform.Shopify, id.ToString());

        Assert.All(deliveries, d => Assert.Equal(DeliveryState.Processed, d.State));
        await using var after = await DbAsync();
        Assert.Equal(1, await after.Orders.CountAsync(o => o.ExternalNumber == $"#{number}"));
        var line = await after.OrderLines.AsNoTracking().SingleAsync(l => l.Order.ExternalNumber == $"#{number}");
        Assert.Equal((3, 1), (line.Qty, line.QtyCancelled));
    }

    [Fact]
    public async Task ShopifyCreate_WithoutEmail_FailsWithTheReason()
    {
        var sku = await app.AddProductAsync(onHand: 1);
        var (id, number) = NewShopifyOrder();

        await PostShopifyAsync("orders/create", Shopify(id, number, Ago(3), Ago(3), [new Line(sku, 1)], email: null));
        var delivery = await ProcessedAsync(StorePlatform.Shopify, id.ToString());

        Assert.Equal(DeliveryState.Failed, delivery.State);
        Assert.Contains("No e-mail", delivery.LastError);
    }

    [Fact]
    public async Task OtherTopic_IsAcknowledged_AndKeptAsIgnored()
    {
        var (id, number) = NewShopifyOrder();

        var response = await PostShopifyAsync("orders/fulfilled", Shopify(id, number, Ago(3), Ago(3), [new Line("ANY", 1)]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = await DbAsync();
        Assert.Equal(DeliveryState.Ignored, await db.WebhookInbox.Where(d => d.StoreOrderId == id.ToString()).Select(d => d.State).SingleAsync());
    }

    // ---- helpers ----

    private static (long Id, int Number) NewShopifyOrder() => (Random.Shared.NextInt64(1_000_000_000, long.MaxValue / 100), Random.Shared.Next(1000, int.MaxValue));

    private DateTimeOffset Ago(int minutes) => app.Clock.GetUtcNow().AddMinutes(-minutes).ToOffset(TimeSpan.FromHours(-5));

    private Task<HttpResponseMessage> PostShopifyAsync(string topic, string body, string? eventId = null) => app.PostShopifyAsync(topic, body, eventId);

    private Task<HttpResponseMessage> PostWooAsync(string topic, string body) => app.PostWooAsync(topic, body);

    private Task<HttpResponseMessage> PostAsync(string path, string body, IReadOnlyDictionary<string, string> headers) => app.PostWebhookAsync(path, body, headers);

    private async Task<AppDbContext> DbAsync() => await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    /// <summary>The store order's first delivery once the worker has finished it.</summary>
    private async Task<WebhookInboxDelivery> ProcessedAsync(StorePlatform platform, string storeOrderId) => (await AllDoneAsync(platform, storeOrderId))[0];

    private Task<List<WebhookInboxDelivery>> AllDoneAsync(StorePlatform platform, string storeOrderId) => app.DeliveriesDoneAsync(platform, storeOrderId);

    private async Task CreateProductAsync(string sku)
    {
        await using var db = await DbAsync();
        db.Products.Add(new Product
        {
            Sku = sku, Name = $"Product {sku}", CategoryId = await db.Categories.Select(c => c.Id).FirstAsync(),
            SupplierId = await db.Suppliers.Select(s => s.Id).FirstAsync(), PriceCents = 2500, BackorderPolicy = BackorderPolicy.Allowed,
            CreatedAt = app.Clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync();
    }
}
