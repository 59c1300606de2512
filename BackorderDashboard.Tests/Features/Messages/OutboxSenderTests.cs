using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Messages;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BackorderDashboard.Tests.Features.Messages;

/// <summary>
/// The dispatcher against a real SMTP server (aiosmtpd on 127.0.0.1): what arrives, to whom, with which words and
/// links; what an outage, a bad address, a crashed dispatcher and two dispatchers at once do. Every assertion counts
/// the copies the server actually received.
/// </summary>
public class OutboxSenderTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private readonly FixedTimeProvider _time = new(Now);
    private readonly MessagingOptions _messaging = new() { PublicBaseUrl = "https://shop.example.com/", FromAddress = "orders@shop.example.com", FromName = "Shop" };
    private SqliteTestDatabase _db = null!;
    private readonly List<TestServices> _services = [];
    private int _orderId;
    private int _lineId;
    private string _token = "";

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET");
        var order = TestData.Order(TestData.Customer("Ann Smith", "ann@example.com"), "SO-1", Now.UtcDateTime.AddDays(-3));
        order.Lines.Add(new OrderLine { Product = kettle, Qty = 1, QueuedAt = order.PlacedAt, QtyBackorderedAtPlacement = 1 });
        db.Add(order);
        await db.SaveChangesAsync();
        (_orderId, _lineId, _token) = (order.Id, order.Lines[0].Id, order.TrackingToken);
    }

    public async Task DisposeAsync()
    {
        foreach (var services in _services)
        {
            await services.DisposeAsync();
        }
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task EveryKindOfMessage_ArrivesOnce_WithItsRecipientSubjectWordsAndLinks()
    {
        await using var sink = await SmtpSink.StartNewAsync();
        var written = await WriteAsync(
            MessageTemplates.Confirmation("SO-1", [("Blue Kettle", 2, 1, 1, new DateOnly(2026, 12, 5))]),
            MessageTemplates.Delay("Blue Kettle", "SO-1", _lineId, new DateOnly(2026, 12, 20), new DateOnly(2026, 12, 5)),
            MessageTemplates.ReadyToShip("SO-1", [("Blue Kettle", 1)], orderComplete: true),
            MessageTemplates.Shipped("SO-1", [("Blue Kettle", 1)], "UPS", "1Z999"),
            MessageTemplates.Cancelled("Blue Kettle", "SO-1", 1, "customer asked", waitlisted: true),
            MessageTemplates.Consolation("SO-1", "10% off"),
            MessageTemplates.StatusUpdate("SO-1", [new("Blue Kettle", 1, "ships around Dec 5; you are 3rd in line")]));
        await using (var db = _db.CreateDbContext())
        {
            db.Outbox.Add(OrderJournal.Message(null, "Bo <Brown>", "bo@example.com", MessageTemplates.BackInStock("Blue Kettle", "KET"), Actor.System, Now.UtcDateTime));
            await db.SaveChangesAsync();
        }

        var result = await Sender(sink.Port).SendDueAsync();

        Assert.Equal(new DispatchResult(8, 8, 0, 0), result);
        var received = await sink.WaitForAsync(8);
        Assert.Equal(8, received.Count);
        var byKind = written.ToDictionary(w => w.Kind, w => received.Single(r => r.Subject == $"{w.Subject} · Northwind Outfitters"));
        foreach (var (kind, mail) in byKind)
        {
            Assert.Equal("ann@example.com", mail.To.Mailboxes.Single().Address);
            Assert.Equal("orders@shop.example.com", mail.From.Mailboxes.Single().Address);
            Assert.StartsWith("Hello Ann Smith,", mail.TextBody);
            Assert.Contains($"Follow your order any time: https://shop.example.com/track/{_token}", mail.TextBody);
            Assert.Contains($"href=\"https://shop.example.com/track/{_token}\"", mail.HtmlBody);
        }
        Assert.Contains("expected to ship Dec 5", byKind[MessageKind.BackorderConfirmation].TextBody);
        Assert.Contains("<li>2 × Blue Kettle: 1 ship now, 1 on backorder, expected to ship Dec 5</li>", byKind[MessageKind.BackorderConfirmation].HtmlBody);
        Assert.Contains("now ships around Dec 20, later than the Dec 5 we promised", byKind[MessageKind.Delay].TextBody);
        Assert.Contains($"Cancel this item: https://shop.example.com/track/{_token}#line-{_lineId}", byKind[MessageKind.Delay].TextBody);
        Assert.Contains("Tracking: UPS 1Z999", byKind[MessageKind.Shipped].TextBody);
        Assert.DoesNotContain("Cancel this item", byKind[MessageKind.Shipped].TextBody);
        Assert.Contains("you are 3rd in line", byKind[MessageKind.Update].TextBody);

        // The waitlist note has no order, so no tracking link; the name is escaped in the HTML part.
        var backInStock = received.Single(r => r.Subject == "Blue Kettle is back in stock · Northwind Outfitters");
        Assert.Equal("bo@example.com", backInStock.To.Mailboxes.Single().Address);
        Assert.DoesNotContain("/track/", backInStock.TextBody);
        Assert.Contains("Hello Bo &lt;Brown&gt;,", backInStock.HtmlBody);

        await using var check = _db.CreateDbContext();
        var stored = await check.Outbox.ToListAsync();
        AssertAll.NonEmpty(stored, m =>
        {
            Assert.Equal(MessageState.Sent, m.State);
            Assert.Equal(Now.UtcDateTime, m.SentAt);
            Assert.Equal(1, m.Attempts);
            Assert.Null(m.ClaimedBy);
        });
        Assert.Equal(stored.Select(m => m.MessageId).Order(), received.Select(r => r.MessageId).Order());
        // Nothing is due any more: a second pass sends nothing.
        Assert.Equal(0, (await Sender(sink.Port).SendDueAsync()).Claimed);
        Assert.Equal(8, sink.Received().Count);
    }

    [Fact]
    public async Task ServerDown_MessagesWaitWithTheError_ThenArriveOnceWhenItIsBack()
    {
        await using var sink = SmtpSink.OnFreePort();
        await WriteAsync(MessageTemplates.Consolation("SO-1", "free shipping"), MessageTemplates.Shipped("SO-1", [("Blue Kettle", 1)], null, null));
        var sender = Sender(sink.Port, retryBaseSeconds: 60);

        var down = await sender.SendDueAsync();

        Assert.Equal(new DispatchResult(2, 0, 2, 0), down);
        await using (var db = _db.CreateDbContext())
        {
            AssertAll.NonEmpty(await db.Outbox.ToListAsync(), m =>
            {
                Assert.Equal(MessageState.Pending, m.State);
                Assert.Equal(1, m.Attempts);
                Assert.Contains($"Could not reach the mail server 127.0.0.1:{sink.Port}", m.LastError);
                Assert.Equal(Now.UtcDateTime.AddSeconds(60), m.NextAttemptAt);
            });
        }

        // Back up, but the retry is not due yet: nothing goes.
        await sink.StartAsync();
        _time.Now = Now.AddSeconds(30);
        Assert.Equal(0, (await sender.SendDueAsync()).Claimed);

        _time.Now = Now.AddSeconds(61);
        Assert.Equal(new DispatchResult(2, 2, 0, 0), await sender.SendDueAsync());
        Assert.Equal(0, (await sender.SendDueAsync()).Claimed);
        var received = await sink.WaitForAsync(2);
        Assert.Equal(2, received.Count);
        Assert.Equal(2, received.Select(r => r.MessageId).Distinct().Count());
        await using var check = _db.CreateDbContext();
        AssertAll.NonEmpty(await check.Outbox.ToListAsync(), m =>
        {
            Assert.Equal(MessageState.Sent, m.State);
            Assert.Equal(2, m.Attempts);
            Assert.Null(m.LastError);
        });
    }

    [Fact]
    public async Task RetryDelays_Double_UpToTheCap_AndAfterTheLastTryTheMessageFailsVisibly()
    {
        var smtp = new SmtpOptions { RetryBaseSeconds = 30, MaxRetryDelaySeconds = 3600 };
        Assert.Equal([30, 60, 120, 240, 3600], new[] { 1, 2, 3, 4, 20 }.Select(a => OutboxSender.RetryDelay(a, smtp).TotalSeconds));

        await using var sink = SmtpSink.OnFreePort();
        await WriteAsync(MessageTemplates.Consolation("SO-1", "free shipping"));
        var sender = Sender(sink.Port, retryBaseSeconds: 10, maxAttempts: 2);
        Assert.Equal(new DispatchResult(1, 0, 1, 0), await sender.SendDueAsync());
        _time.Now = Now.AddSeconds(11);
        Assert.Equal(new DispatchResult(1, 0, 0, 1), await sender.SendDueAsync());

        await using var db = _db.CreateDbContext();
        var message = await db.Outbox.SingleAsync();
        Assert.Equal(MessageState.Failed, message.State);
        Assert.Contains("gave up after 2 attempts", message.LastError);
        // A failed message is not picked up again by itself, even with the server back.
        await sink.StartAsync();
        _time.Now = Now.AddDays(1);
        Assert.Equal(0, (await sender.SendDueAsync()).Claimed);
        Assert.Empty(sink.Received());
    }

    [Fact]
    public async Task ABadAddress_FailsThatMessageWithTheReason_AndTheOthersStillGo()
    {
        await using var sink = await SmtpSink.StartNewAsync();
        await using (var db = _db.CreateDbContext())
        {
            db.Outbox.Add(OrderJournal.Message(_orderId, "Ann", "ann-at-example", MessageTemplates.Consolation("SO-1", "5% off"), Actor.System, Now.UtcDateTime));
            await db.SaveChangesAsync();
        }
        await WriteAsync(MessageTemplates.Shipped("SO-1", [("Blue Kettle", 1)], null, null));

        Assert.Equal(new DispatchResult(2, 1, 0, 1), await Sender(sink.Port).SendDueAsync());

        Assert.Equal("Your order SO-1 has shipped · Northwind Outfitters", Assert.Single(await sink.WaitForAsync(1)).Subject);
        await using var check = _db.CreateDbContext();
        var bad = await check.Outbox.SingleAsync(m => m.ToEmail == "ann-at-example");
        Assert.Equal(MessageState.Failed, bad.State);
        Assert.Contains("is not an e-mail address", bad.LastError);
    }

    [Fact]
    public async Task AMessageClaimedByACrashedDispatcher_IsSentOnceItsClaimRunsOut_AndALiveClaimIsLeftAlone()
    {
        await using var sink = await SmtpSink.StartNewAsync();
        var messages = await WriteAsync(MessageTemplates.Consolation("SO-1", "5% off"), MessageTemplates.Consolation("SO-1", "free shipping"));
        await using (var db = _db.CreateDbContext())
        {
            await db.Outbox.Where(m => m.Subject == messages[0].Subject && m.BodyText.Contains("5% off")).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.State, MessageState.Sending).SetProperty(m => m.ClaimedBy, "crashed").SetProperty(m => m.ClaimedUntil, Now.UtcDateTime.AddMinutes(-1)));
            await db.Outbox.Where(m => m.BodyText.Contains("free shipping")).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.State, MessageState.Sending).SetProperty(m => m.ClaimedBy, "alive").SetProperty(m => m.ClaimedUntil, Now.UtcDateTime.AddMinutes(4)));
        }

        Assert.Equal(new DispatchResult(1, 1, 0, 0), await Sender(sink.Port).SendDueAsync());

        Assert.Contains("5% off", Assert.Single(await sink.WaitForAsync(1)).TextBody);
    }

    [Fact]
    public async Task TwoDispatchersAtOnce_DeliverEveryMessageExactlyOnce()
    {
        await using var sink = await SmtpSink.StartNewAsync();
        await WriteAsync(Enumerable.Range(1, 60).Select(i => MessageTemplates.Consolation($"SO-{i}", $"{i}% off")).ToArray());
        var senders = new[] { Sender(sink.Port, batchSize: 7), Sender(sink.Port, batchSize: 7) };

        var results = await Task.WhenAll(senders.Select(async sender =>
        {
            var sent = 0;
            while (await sender.SendDueAsync() is { Claimed: > 0 } pass)
            {
                sent += pass.Sent;
            }
            return sent;
        }));

        Assert.Equal(60, results.Sum());
        var received = await sink.WaitForAsync(60);
        Assert.Equal(60, received.Count);
        Assert.Equal(60, received.Select(r => r.MessageId).Distinct().Count());
        await using var db = _db.CreateDbContext();
        Assert.Equal(60, await db.Outbox.CountAsync(m => m.State == MessageState.Sent && m.Attempts == 1));
    }

    /// <summary>The sender of an app instance of its own (two calls, two dispatchers) configured for the test's mail server.</summary>
    private OutboxSender Sender(int port, double retryBaseSeconds = 1, int maxAttempts = 10, int batchSize = 50)
    {
        static string Text(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var services = TestServices.Create(_db, _time, new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = Text(port), ["Smtp:Security"] = nameof(SmtpSecurity.None),
            ["Smtp:RetryBaseSeconds"] = Text(retryBaseSeconds), ["Smtp:MaxAttempts"] = Text(maxAttempts), ["Smtp:BatchSize"] = Text(batchSize),
            ["Smtp:TimeoutSeconds"] = "10",
            ["Messages:PublicBaseUrl"] = _messaging.PublicBaseUrl, ["Messages:FromAddress"] = _messaging.FromAddress,
            ["Messages:FromName"] = _messaging.FromName,
        });
        _services.Add(services);
        return services.Get<OutboxSender>();
    }

    private async Task<MessageContent[]> WriteAsync(params MessageContent[] contents)
    {
        await using var db = _db.CreateDbContext();
        var order = await db.Orders.Include(o => o.Customer).SingleAsync(o => o.Id == _orderId);
        foreach (var content in contents)
        {
            db.Tell(order, content, Actor.System, Now.UtcDateTime);
        }
        await db.SaveChangesAsync();
        return contents;
    }
}
