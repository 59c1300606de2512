using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Integrations;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Features.Integrations;

/// <summary>Deliveries posted by the dispatcher to a real receiver on 127.0.0.1: signed, retried, logged, once per event id.</summary>
public class OutboundWebhookDeliveryTests : IAsyncLifetime
{
    private const string Secret = "whsec_test-secret-for-the-receiver";
    private readonly FixedTimeProvider _clock = new(TestServices.DefaultNow);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private WebhookReceiver _receiver = null!;
    private OutboundWebhookService _webhooks = null!;
    private OutboundWebhookSender _sender = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, _clock, new Dictionary<string, string?> { ["Webhooks:Outbound:TimeoutSeconds"] = "1" },
            configure: s => s.AddOutboundWebhooks());
        _receiver = await WebhookReceiver.StartAsync();
        _webhooks = _services.Get<OutboundWebhookService>();
        _sender = _services.Get<OutboundWebhookSender>();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<int> SubscribeAsync(string? url = null)
    {
        var saved = await _webhooks.CreateAsync(new WebhookSubscriptionInput(url ?? _receiver.Url, [WebhookEvents.OrderCancelled], Secret), TestActors.Merchant);
        Assert.True(saved.Succeeded, string.Join(" ", saved.Errors.Values));
        return saved.Id;
    }

    private async Task<WebhookDelivery> OnlyDeliveryAsync()
    {
        await using var db = _db.CreateDbContext();
        return await db.WebhookDeliveries.AsNoTracking().SingleAsync();
    }

    /// <summary>The README's recipe, written again here: HMAC-SHA256 of "t.body", lowercase hex, t within five minutes.</summary>
    private static bool Verifies(string? header, string body, string secret, DateTimeOffset now)
    {
        var parts = (header ?? "").Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1) || !long.TryParse(t, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }
        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > 300)
        {
            return false;
        }
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}")));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(v1));
    }

    [Fact]
    public async Task TestEvent_Answered200_ArrivesOnce_SignedAsDocumented()
    {
        var id = await SubscribeAsync();
        Assert.Null(await _webhooks.SendTestAsync(id, TestActors.Merchant));

        var first = await _sender.SendDueAsync();
        var second = await _sender.SendDueAsync();

        Assert.Equal((1, 1, 0), (first.Claimed, first.Delivered, second.Claimed));
        var got = Assert.Single(_receiver.Received);
        var delivery = await OnlyDeliveryAsync();
        Assert.Equal(("/hooks", "test", delivery.EventId, delivery.Body), (got.Path, got.Event, got.EventId, got.Body));
        Assert.StartsWith("application/json", got.ContentType);
        Assert.True(Verifies(got.Signature, got.Body, Secret, _clock.Now), got.Signature);
        Assert.False(Verifies(got.Signature, got.Body, "whsec_another-secret-entirely", _clock.Now));
        Assert.False(Verifies(got.Signature, got.Body + " ", Secret, _clock.Now));
        Assert.False(Verifies(got.Signature, got.Body, Secret, _clock.Now.AddMinutes(10)));
        using var json = JsonDocument.Parse(got.Body);
        Assert.Equal(["id", "type", "createdAt", "data"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal((WebhookDeliveryState.Delivered, 1, 200), (delivery.State, delivery.Attempts, delivery.LastStatusCode));
        var log = Assert.Single(await _webhooks.AttemptsAsync(delivery.Id, TestActors.Merchant));
        Assert.Equal((200, null), (log.StatusCode, log.Error));
    }

    [Fact]
    public async Task Delivery_Answered500_IsRetriedAfterItsDelay_WithTheSameEventIdAndBody()
    {
        await SubscribeAsync();
        await CancelSomethingAsync();
        _receiver.AnswerNext(500);

        await _sender.SendDueAsync();
        var failed = await OnlyDeliveryAsync();
        var early = await _sender.SendDueAsync();
        _clock.Now += TimeSpan.FromSeconds(31);
        await _sender.SendDueAsync();

        Assert.Equal((WebhookDeliveryState.Pending, 500, _clock.Now.UtcDateTime.AddSeconds(-31 + 30)),
            (failed.State, failed.LastStatusCode, failed.NextAttemptAt!.Value));
        Assert.Equal(0, early.Claimed);
        var received = _receiver.Received.ToList();
        Assert.Equal(2, received.Count);
        Assert.Equal(received[0].EventId, received[1].EventId);
        Assert.Equal(received[0].Body, received[1].Body);
        Assert.Equal("order.cancelled", received[1].Event);
        var delivered = await OnlyDeliveryAsync();
        Assert.Equal((WebhookDeliveryState.Delivered, 2), (delivered.State, delivered.Attempts));
        Assert.Equal([500, 200], (await _webhooks.AttemptsAsync(delivered.Id, TestActors.Merchant)).Select(a => a.StatusCode ?? 0));
    }

    [Fact]
    public async Task Delivery_ReceiverTooSlow_CountsAsATimeoutAndIsRetried()
    {
        var id = await SubscribeAsync();
        await _webhooks.SendTestAsync(id, TestActors.Merchant);
        _receiver.StallNext(TimeSpan.FromSeconds(3));

        await _sender.SendDueAsync();
        var timedOut = await OnlyDeliveryAsync();
        _clock.Now += TimeSpan.FromSeconds(31);
        await _sender.SendDueAsync();

        Assert.Equal((WebhookDeliveryState.Pending, null), (timedOut.State, timedOut.LastStatusCode));
        Assert.Contains("No answer within 1 s", timedOut.LastError);
        var attempts = await _webhooks.AttemptsAsync(timedOut.Id, TestActors.Merchant);
        Assert.Equal([null, 200], attempts.Select(a => a.StatusCode));
        Assert.InRange(attempts[0].DurationMs, 900, 2900);
        Assert.Equal(WebhookDeliveryState.Delivered, (await OnlyDeliveryAsync()).State);
        Assert.Single(_receiver.Received.Select(r => r.EventId).Distinct());
    }

    [Fact]
    public async Task Delivery_NobodyListening_BacksOffToSixHours_ShowsAsFailing_AndCanBeRetriedByHand()
    {
        // A port that was free a moment ago: nothing answers there.
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var id = await SubscribeAsync($"http://127.0.0.1:{port}/hooks");
        await _webhooks.SendTestAsync(id, TestActors.Merchant);

        var delays = new List<TimeSpan>();
        for (var i = 0; i < 6; i++)
        {
            await _sender.SendDueAsync();
            var delivery = await OnlyDeliveryAsync();
            delays.Add(delivery.NextAttemptAt!.Value - _clock.Now.UtcDateTime);
            _clock.Now += TimeSpan.FromHours(7);
        }

        Assert.Equal([TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1), TimeSpan.FromHours(6), TimeSpan.FromHours(6)], delays);
        var row = Assert.Single(await _webhooks.DeliveriesAsync(TestActors.Merchant));
        Assert.Equal((6, true, WebhookDeliveryState.Pending), (row.Attempts, row.Failing, row.State));
        Assert.Contains("Could not reach the receiver", row.LastError);
        Assert.Equal(1, Assert.Single(await _webhooks.ListAsync(TestActors.Merchant)).Failing);

        // Fixed: the merchant points it at the receiver and retries now, without waiting six hours.
        Assert.True((await _webhooks.UpdateAsync(id, new WebhookSubscriptionInput(_receiver.Url, [WebhookEvents.OrderCancelled]), TestActors.Merchant)).Succeeded);
        Assert.Null(await _webhooks.RetryNowAsync(row.Id, TestActors.Merchant));
        await _sender.SendDueAsync();
        Assert.Equal(WebhookDeliveryState.Delivered, (await OnlyDeliveryAsync()).State);
        Assert.Single(_receiver.Received);
    }

    [Fact]
    public async Task TwoDispatchersAtOnce_NeverSendTheSameDeliveryTwice()
    {
        var id = await SubscribeAsync();
        for (var i = 0; i < 30; i++)
        {
            await _webhooks.SendTestAsync(id, TestActors.Merchant);
        }
        var other = ActivatorUtilities.CreateInstance<OutboundWebhookSender>(_services.Services);

        await Task.WhenAll(Task.Run(async () => { while ((await _sender.SendDueAsync()).Claimed > 0) { } }),
            Task.Run(async () => { while ((await other.SendDueAsync()).Claimed > 0) { } }));

        var ids = _receiver.Received.Select(r => r.EventId).ToList();
        Assert.Equal(30, ids.Count);
        Assert.Equal(30, ids.Distinct().Count());
        await using var db = _db.CreateDbContext();
        Assert.Equal(30, await db.WebhookDeliveries.CountAsync(d => d.State == WebhookDeliveryState.Delivered && d.Attempts == 1));
    }

    /// <summary>A line cancelled by customer service: one order.cancelled event for the subscriber.</summary>
    private async Task CancelSomethingAsync()
    {
        int lineId, version;
        await using (var db = _db.CreateDbContext())
        {
            var (category, supplier) = await TestData.AddCatalogAsync(db);
            var product = TestData.Product(category, supplier, "KET");
            var order = TestData.Order(TestData.Customer("Ann", "ann@example.com"), "SO-1", _clock.Now.UtcDateTime);
            var line = new OrderLine { Product = product, Qty = 1, QueuedAt = _clock.Now.UtcDateTime, QtyBackorderedAtPlacement = 1 };
            order.Lines.Add(line);
            db.Orders.Add(order);
            await db.SaveChangesAsync();
            (lineId, version) = (line.Id, line.Version);
        }
        var cancelled = await _services.Get<BackorderDashboard.Features.Backorders.BackorderService>()
            .CancelAsync(lineId, version, "Changed their mind", false, TestActors.Support);
        Assert.True(cancelled.Succeeded, cancelled.Message);
    }
}
