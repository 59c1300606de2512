using System.Text;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Integrations;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using static BackorderDashboard.Tests.Features.Integrations.StoreWebhookFixtures;

namespace BackorderDashboard.Tests.Features.Integrations;

/// <summary>The inbox on a real SQLite store, without the background worker: receiving, processing by hand, secrets, replay.</summary>
public sealed class StoreWebhookServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 15, 0, 0, TimeSpan.Zero);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(Now));
        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        db.Products.Add(TestData.Product(category, supplier, "KET-100", onHand: 5));
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private StoreWebhookReceiver Receiver => _services.Get<StoreWebhookReceiver>();
    private StoreWebhookProcessor Processor => _services.Get<StoreWebhookProcessor>();
    private StoreWebhookService Webhooks => _services.Get<StoreWebhookService>();

    [Fact]
    public async Task Receive_SignedDelivery_IsStoredAsReceived_WithoutPlacingTheOrder()
    {
        await Webhooks.SetSecretAsync(StorePlatform.Shopify, ShopifySecret, TestActors.Merchant);
        var body = Shopify(820982911946154508, 1001, Now.AddMinutes(-5), Now.AddMinutes(-5), [new Line("KET-100", 2, "19.99")]);

        var result = await Receiver.ReceiveAsync(Delivery(StorePlatform.Shopify, body, ShopifyHeaders("orders/create", body)));

        Assert.Equal(ReceiveOutcome.Stored, result.Outcome);
        await using var db = _db.CreateDbContext();
        var row = await db.WebhookInbox.SingleAsync();
        Assert.Equal((DeliveryState.Received, "orders/create", "820982911946154508", "#1001", body), (row.State, row.Topic, row.StoreOrderId, row.StoreOrderName, row.Body));
        Assert.Equal(Now.AddMinutes(-5).UtcDateTime, row.TriggeredAt);
        Assert.False(await db.Orders.AnyAsync());
    }

    [Fact]
    public async Task Process_ThenReplayedAndReceivedAgain_StaysOneOrder_WithTheShopsPriceInCents()
    {
        await Webhooks.SetSecretAsync(StorePlatform.Shopify, ShopifySecret, TestActors.Merchant);
        var body = Shopify(4001, 1002, Now.AddMinutes(-5), Now.AddMinutes(-5), [new Line("ket-100", 2, "19.99")]);
        await Receiver.ReceiveAsync(Delivery(StorePlatform.Shopify, body, ShopifyHeaders("orders/create", body)));

        Assert.Equal(1, await Processor.ProcessDueAsync());
        await using (var db = _db.CreateDbContext())
        {
            // As if it had failed: the merchant replays it, and it finds the order it placed already.
            var row = await db.WebhookInbox.SingleAsync();
            row.State = DeliveryState.Failed;
            await db.SaveChangesAsync();
        }
        Assert.True((await Webhooks.ReplayAsync((await Webhooks.GetDeliveriesAsync(true)).Rows.Single().Id, TestActors.Merchant)).Succeeded);
        Assert.Equal(1, await Processor.ProcessDueAsync());
        await Receiver.ReceiveAsync(Delivery(StorePlatform.Shopify, body, ShopifyHeaders("orders/create", body)));
        await Processor.ProcessDueAsync();

        await using var after = _db.CreateDbContext();
        var order = await after.Orders.Include(o => o.Lines).SingleAsync();
        Assert.Equal(("#1002", OrderChannel.Shopify, 1999L, 2), (order.ExternalNumber, order.Channel, order.Lines.Single().UnitPriceCents, order.Lines.Single().QtyAllocated));
        Assert.Equal(Now.AddMinutes(-5).UtcDateTime, order.PlacedAt);
        Assert.All(await after.WebhookInbox.ToListAsync(), d => Assert.Equal((DeliveryState.Processed, order.Number), (d.State, d.OrderNumber)));
        Assert.Equal(2, await after.Products.Where(p => p.Sku == "KET-100").Select(p => p.Allocated).SingleAsync());
        // The support search finds it by the shop's order name, whole, without its #, or in part.
        var home = _services.Get<BackorderDashboard.Features.Home.HomeService>();
        foreach (var text in new[] { "#1002", "1002", "#100" })
        {
            Assert.Equal(order.Number, Assert.Single(await home.FindOrdersAsync(text)).Number);
        }
    }

    [Fact]
    public async Task SecretSavedOnThePage_ChecksDeliveries_AndIsAudited_WithoutTheSecret()
    {
        var body = Woo(77, Now.UtcDateTime.AddMinutes(-3), Now.UtcDateTime.AddMinutes(-3), [new Line("KET-100", 1, "12.5")]);
        var refusedBefore = await Receiver.ReceiveAsync(Delivery(StorePlatform.WooCommerce, body, WooHeaders("order.created", body)));

        var saved = await Webhooks.SetSecretAsync(StorePlatform.WooCommerce, WooSecret, TestActors.Merchant);
        var accepted = await Receiver.ReceiveAsync(Delivery(StorePlatform.WooCommerce, body, WooHeaders("order.created", body)));
        await Processor.ProcessDueAsync();

        Assert.Equal(ReceiveOutcome.Unauthorized, refusedBefore.Outcome);
        Assert.True(saved.Succeeded, saved.Message);
        Assert.Equal(ReceiveOutcome.Stored, accepted.Outcome);
        var woo = (await Webhooks.GetConnectionsAsync()).Single(c => c.Platform == StorePlatform.WooCommerce);
        Assert.Equal((SecretSource.Page, $"••••{WooSecret[^4..]}", "http://localhost:5080/webhooks/woocommerce", 1, 1),
            (woo.Source, woo.MaskedSecret, woo.WebhookUrl, woo.Received, woo.Processed));
        await using var db = _db.CreateDbContext();
        var order = await db.Orders.Include(o => o.Lines).Include(o => o.Customer).SingleAsync();
        Assert.Equal(("77", OrderChannel.WooCommerce, 1250L, "Grace Hopper"), (order.ExternalNumber, order.Channel, order.Lines.Single().UnitPriceCents, order.Customer.Name));
        var audit = await db.AuditEntries.SingleAsync(a => a.Kind == AuditKind.StoreIntegrationChanged);
        Assert.Contains("WooCommerce webhook secret set", audit.Summary);
        Assert.DoesNotContain(WooSecret, audit.Summary);
    }

    [Fact]
    public async Task ConfiguredSecret_WinsOverTheOneSavedOnThePage()
    {
        await using var configured = TestServices.Create(_db, new FixedTimeProvider(Now),
            new Dictionary<string, string?> { ["Connectors:Shopify:WebhookSecret"] = "configured-secret-0001" });
        var service = configured.Get<StoreWebhookService>();
        var saved = await service.SetSecretAsync(StorePlatform.Shopify, ShopifySecret, TestActors.Admin);
        var body = Shopify(5, 1005, Now, Now, [new Line("KET-100", 1)]);

        var withPageSecret = await configured.Get<StoreWebhookReceiver>().ReceiveAsync(Delivery(StorePlatform.Shopify, body, ShopifyHeaders("orders/create", body)));
        var withConfigured = await configured.Get<StoreWebhookReceiver>().ReceiveAsync(
            Delivery(StorePlatform.Shopify, body, ShopifyHeaders("orders/create", body, secret: "configured-secret-0001")));

        Assert.Contains("is used instead", saved.Message);
        Assert.Equal(ReceiveOutcome.Unauthorized, withPageSecret.Outcome);
        Assert.Equal(ReceiveOutcome.Stored, withConfigured.Outcome);
        Assert.Equal(SecretSource.Configuration, (await service.GetConnectionsAsync()).Single(c => c.Platform == StorePlatform.Shopify).Source);
    }

    [Theory]
    [InlineData(Roles.CustomerService)]
    [InlineData(Roles.Manager)]
    public async Task SetSecretAndReplay_OtherThanMerchantOrAdmin_AreRefused_AndChangeNothing(string role)
    {
        var actor = TestActors.ForRole(role);

        var secret = await Webhooks.SetSecretAsync(StorePlatform.Shopify, ShopifySecret, actor);
        var replay = await Webhooks.ReplayAllFailedAsync(actor);

        Assert.Equal(Access.Refusal(actor, Operation.ManageIntegrations), secret.Message);
        Assert.True(secret.Refused && replay.Refused);
        await using var db = _db.CreateDbContext();
        Assert.False(await db.StoreConnections.AnyAsync());
        Assert.False(await db.AuditEntries.AnyAsync());
    }

    [Fact]
    public void Signature_IsTheBase64HmacOfTheRawBody()
    {
        var body = Encoding.UTF8.GetBytes("{\"id\":1}");
        var signature = StoreWebhookReceiver.Sign("secret", body);

        Assert.True(StoreWebhookReceiver.SignatureMatches(signature, "secret", body));
        Assert.False(StoreWebhookReceiver.SignatureMatches(signature, "secret", Encoding.UTF8.GetBytes("{\"id\":2}")));
        Assert.False(StoreWebhookReceiver.SignatureMatches(signature, "other", body));
        Assert.False(StoreWebhookReceiver.SignatureMatches("not base64!", "secret", body));
        Assert.False(StoreWebhookReceiver.SignatureMatches(null, "secret", body));
        // HMAC-SHA256("secret", {"id":1}) worked out with openssl dgst -sha256 -hmac secret -binary | base64.
        Assert.Equal(OpenSslSignature, signature);
    }

    [Fact]
    public void ShopifyPayload_RemovedUnits_ReadFromCurrentQuantity_AndNoSkuIsAReason()
    {
        var edited = Shopify(9, 1009, Now, Now, [new Line("KET-100", 3, "5.00", CurrentQuantity: 1)]);
        var noSku = Shopify(9, 1009, Now, Now, [new Line(null, 1)]);

        var (order, _) = StoreOrderPayload.Read(StorePlatform.Shopify, edited, "orders/updated");
        var (none, problem) = StoreOrderPayload.Read(StorePlatform.Shopify, noSku, "orders/create");

        Assert.Equal(new StoreOrderLine("KET-100", 1, 500), Assert.Single(order!.Lines));
        Assert.Equal(("ada@example.com", "Ada Lovelace", "+44 20 7946 0000", false), (order.Email, order.CustomerName, order.Phone, order.Cancelled));
        Assert.Null(none);
        Assert.Contains("has no SKU", problem);
    }

    [Fact]
    public async Task Process_PassingDatabaseError_IsRetriedAfterABackOff_AndThenPlacesTheOrderOnce()
    {
        var failOnce = new FailFirstOrderInsert();
        var time = new FixedTimeProvider(Now);
        await using var services = TestServices.Create(_db.WithInterceptors(failOnce), time,
            new Dictionary<string, string?> { ["Connectors:Shopify:WebhookSecret"] = ShopifySecret });
        var body = Shopify(6001, 1006, Now.AddMinutes(-1), Now.AddMinutes(-1), [new Line("KET-100", 1)]);
        await services.Get<StoreWebhookReceiver>().ReceiveAsync(Delivery(StorePlatform.Shopify, body, ShopifyHeaders("orders/create", body)));
        var processor = services.Get<StoreWebhookProcessor>();

        var first = await processor.ProcessDueAsync();
        var tooEarly = await processor.ProcessDueAsync();
        await using (var db = _db.CreateDbContext())
        {
            var waiting = await db.WebhookInbox.SingleAsync();
            Assert.Equal((DeliveryState.Received, 1, Now.UtcDateTime + StoreWebhookProcessor.Backoff(1)), (waiting.State, waiting.Attempts, waiting.NextAttemptAt));
            Assert.Contains("database is locked", waiting.LastError);
            Assert.False(await db.Orders.AnyAsync());
        }
        time.Now = Now + StoreWebhookProcessor.Backoff(1);
        var second = await processor.ProcessDueAsync();

        Assert.Equal((0, 0, 1), (first, tooEarly, second));
        await using var after = _db.CreateDbContext();
        Assert.Equal(1, await after.Orders.CountAsync());
        Assert.Equal((DeliveryState.Processed, 2), await after.WebhookInbox.Select(d => ValueTuple.Create(d.State, d.Attempts)).SingleAsync());
    }

    /// <summary>The database busy once, when the first order is written: what a passing error looks like to the worker.</summary>
    private sealed class FailFirstOrderInsert : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
    {
        private int _failed;

        public override ValueTask<System.Data.Common.DbDataReader> ReaderExecutedAsync(System.Data.Common.DbCommand command,
            Microsoft.EntityFrameworkCore.Diagnostics.CommandExecutedEventData eventData, System.Data.Common.DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("INSERT INTO \"Orders\"", StringComparison.Ordinal) && Interlocked.Exchange(ref _failed, 1) == 0)
            {
                throw new Microsoft.Data.Sqlite.SqliteException("SQLite Error 5: 'database is locked'.", 5);
            }
            return base.ReaderExecutedAsync(command, eventData, result, cancellationToken);
        }
    }

    private const string OpenSslSignature = "A971iWIMgT8Zj9A9eWfikrFj7wQ16/Qwcc4OlRl2PLc=";

    private static InboundDelivery Delivery(StorePlatform platform, string body, Dictionary<string, string> headers) =>
        new(platform, name => headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value, Encoding.UTF8.GetBytes(body));
}
