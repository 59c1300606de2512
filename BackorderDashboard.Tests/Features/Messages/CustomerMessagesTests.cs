using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Messages;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Messages;

/// <summary>Updates support writes by hand, and the outbox as support reads it: states, search, the mail as sent, "send again".</summary>
public class CustomerMessagesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private readonly FixedTimeProvider _time = new(Now);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private CustomerMessageService _messages = null!;
    private OutboxService _outbox = null!;
    private int _orderId;
    private string _token = "";

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, _time, new Dictionary<string, string?> { ["Messages:PublicBaseUrl"] = "https://shop.example.com" });
        _messages = _services.Get<CustomerMessageService>();
        _outbox = _services.Get<OutboxService>();
        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var order = TestData.Order(TestData.Customer("Ann Lee", "ann@example.com"), "SO-1", Now.UtcDateTime.AddDays(-2));
        order.Lines.Add(new OrderLine { Product = TestData.Product(category, supplier, "KET"), Qty = 1, QtyShipped = 1 });
        db.Add(order);
        await db.SaveChangesAsync();
        (_orderId, _token) = (order.Id, order.TrackingToken);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task SendUpdate_QueuesTheMessageAndNotesItInTheHistory_WhoAndWhen()
    {
        var result = await _messages.SendUpdateAsync(_orderId, "  About your order  ", "your kettle left today.\n", TestActors.Support);

        Assert.True(result.Succeeded, result.Message);
        var order = await _services.Get<OrderService>().GetAsync("SO-1");
        Assert.Equal(["Update written to the customer: “About your order”.", "About your order (to ann@example.com)"], order!.Timeline.Select(t => t.Detail));
        Assert.Equal("support@example.com", order.Timeline[0].By);
        Assert.Equal("Hello Ann Lee,\n\nyour kettle left today.\n", order.Timeline[1].MessageBody);
        Assert.Equal(MessageState.Pending, order.Timeline[1].MessageState);
        await using var db = _db.CreateDbContext();
        Assert.Equal(MessageKind.Update, (await db.Outbox.SingleAsync()).Kind);
    }

    [Theory]
    [InlineData("", "body", "Subject")]
    [InlineData("   ", "body", "Subject")]
    [InlineData("subject", "", "Body")]
    [InlineData("subject", " \n ", "Body")]
    public async Task SendUpdate_BlankSubjectOrBody_IsRefusedAtTheField_AndNothingIsWritten(string subject, string body, string field)
    {
        Assert.Contains(field, CustomerMessageService.Validate(subject, body).Keys);

        Assert.False((await _messages.SendUpdateAsync(_orderId, subject, body, TestActors.Support)).Succeeded);

        await using var db = _db.CreateDbContext();
        Assert.Equal((0, 0), (await db.Outbox.CountAsync(), await db.OrderEvents.CountAsync()));
    }

    [Fact]
    public async Task SendUpdate_TooLongOrUnknownOrder_IsRefused()
    {
        Assert.Contains("Subject", CustomerMessageService.Validate(new string('s', CustomerMessageService.MaxSubject + 1), "b").Keys);
        Assert.Contains("Body", CustomerMessageService.Validate("s", new string('b', CustomerMessageService.MaxBody + 1)).Keys);
        Assert.Empty(CustomerMessageService.Validate(new string('s', CustomerMessageService.MaxSubject), new string('b', CustomerMessageService.MaxBody)));
        Assert.False((await _messages.SendUpdateAsync(_orderId + 99, "s", "b", TestActors.Merchant)).Succeeded);
    }

    [Fact]
    public async Task Outbox_ListsByStateAndSearch_NewestFirst_WithCounts()
    {
        await using (var db = _db.CreateDbContext())
        {
            var order = await db.Orders.Include(o => o.Customer).SingleAsync();
            db.Tell(order, MessageTemplates.Consolation("SO-1", "5% off"), Actor.System, Now.UtcDateTime.AddHours(-2)).State = MessageState.Sent;
            var failed = db.Tell(order, MessageTemplates.Shipped("SO-1", [("Kettle", 1)], null, null), Actor.System, Now.UtcDateTime.AddHours(-1));
            (failed.State, failed.LastError, failed.Attempts) = (MessageState.Failed, "Refused by the mail server: 550 no such user", 1);
            db.Outbox.Add(OrderJournal.Message(null, "Bo", "bo@example.org", MessageTemplates.BackInStock("Kettle", "KET"), Actor.System, Now.UtcDateTime));
            await db.SaveChangesAsync();
        }

        var all = await _outbox.ListAsync(new OutboxQuery());
        Assert.Equal(["Kettle is back in stock", "Your order SO-1 has shipped", "A thank-you for waiting on order SO-1"], all.Rows.Select(r => r.Subject));
        Assert.Equal((1, 1, 1), (all.Counts[MessageState.Pending].Count, all.Counts[MessageState.Sent].Count, all.Counts[MessageState.Failed].Count));
        var failedRow = Assert.Single((await _outbox.ListAsync(new OutboxQuery(State: MessageState.Failed))).Rows);
        Assert.Contains("550", failedRow.LastError);
        Assert.Equal(["Kettle is back in stock"], (await _outbox.ListAsync(new OutboxQuery(Search: "BO@EXAMPLE"))).Rows.Select(r => r.Subject));
        Assert.Equal(2, (await _outbox.ListAsync(new OutboxQuery(Search: "so-1"))).Total);
        Assert.Equal(["Your order SO-1 has shipped"], (await _outbox.ListAsync(new OutboxQuery(Kind: MessageKind.Shipped))).Rows.Select(r => r.Subject));
        var first = await _outbox.ListAsync(new OutboxQuery(PageSize: 2));
        var second = await _outbox.ListAsync(new OutboxQuery(After: first.Rows[^1].Id, PageSize: 2));
        Assert.Equal(["A thank-you for waiting on order SO-1"], second.Rows.Select(r => r.Subject));
        Assert.Equal((false, true, true, false), (first.HasPrevious, first.HasNext, second.HasPrevious, second.HasNext));
        var back = await _outbox.ListAsync(new OutboxQuery(Before: second.Rows[0].Id, PageSize: 2));
        Assert.Equal(first.Rows.Select(r => r.Id), back.Rows.Select(r => r.Id));
    }

    [Fact]
    public async Task Outbox_ShowsTheMailAsSent_AndSendsAFailedOneAgain()
    {
        long id;
        await using (var db = _db.CreateDbContext())
        {
            var order = await db.Orders.Include(o => o.Customer).SingleAsync();
            var message = db.Tell(order, MessageTemplates.Shipped("SO-1", [("Kettle", 1)], "UPS", "1Z9"), Actor.System, Now.UtcDateTime);
            (message.State, message.Attempts, message.LastError) = (MessageState.Failed, 10, "gave up");
            await db.SaveChangesAsync();
            id = message.Id;
        }

        var (row, mail) = (await _outbox.GetAsync(id))!.Value;
        Assert.Equal(MessageState.Failed, row.State);
        Assert.Contains($"https://shop.example.com/track/{_token}", mail.Text);
        Assert.Contains("Tracking: UPS 1Z9", mail.Html);

        Assert.True((await _outbox.RetryAsync(id, TestActors.Support)).Succeeded);
        await using (var db = _db.CreateDbContext())
        {
            var again = await db.Outbox.SingleAsync();
            Assert.Equal((MessageState.Pending, 0, Now.UtcDateTime), (again.State, again.Attempts, again.NextAttemptAt));
            again.State = MessageState.Sent;
            await db.SaveChangesAsync();
        }
        // A sent message is never sent again from here.
        Assert.False((await _outbox.RetryAsync(id, TestActors.Support)).Succeeded);
        Assert.Null(await _outbox.GetAsync(id + 1));
    }
}
