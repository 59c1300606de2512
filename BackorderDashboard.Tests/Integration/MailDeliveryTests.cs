using BackorderDashboard.Data;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Integration;

/// <summary>
/// The app's own dispatcher delivering to a real SMTP server, on an app and mail server of its own: what it counts
/// does not depend on which other tests ran before it.
/// </summary>
public sealed class MailDeliveryTests : IAsyncLifetime
{
    private readonly AppFactory _app = new();

    public Task InitializeAsync()
    {
        _ = _app.BaseUrl; // starts the server, its dispatcher with it
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Dispatcher_DeliversEveryMessageTheAppWrote_ExactlyOnce()
    {
        // Messages written through the app while the dispatcher runs: a confirmation per backordered order.
        var sku = await _app.AddProductAsync();
        for (var i = 0; i < 5; i++)
        {
            await _app.PlaceOrderAsync($"Mail Customer {i}", $"mail.{i}@example.com", sku);
        }
        await WaitUntilDrainedAsync();

        // One more message written after the outbox drained: once it has gone out, the dispatcher has run at least one
        // further cycle over the drained outbox, in which a second copy of an earlier message would have been sent.
        await _app.PlaceOrderAsync("Mail Marker", "mail.marker@example.com", sku);
        await WaitUntilDrainedAsync();

        await using var db = await Factory().CreateDbContextAsync();
        Assert.Equal(0, await db.Outbox.CountAsync(m => m.State == MessageState.Failed));
        // What this app's dispatcher sent carries its Message-ID (the demo store's history from before today was never sent by it).
        var sent = await db.Outbox.Where(m => m.State == MessageState.Sent && m.MessageId != null).Select(m => new { m.MessageId, m.ToEmail }).ToListAsync();
        Assert.Contains(sent, m => m.ToEmail == "mail.marker@example.com");
        Assert.Equal(5, sent.Count(m => m.ToEmail.StartsWith("mail.", StringComparison.Ordinal) && m.ToEmail != "mail.marker@example.com"));
        var received = _app.Mail.Received().Select(m => m.MessageId ?? "(none)").ToList();
        // Every message the dispatcher marked sent reached the server exactly once, and the server got nothing else.
        var copies = received.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => $"{g.Key} × {g.Count()}").ToList();
        Assert.Empty(copies);
        Assert.Equal(sent.Select(m => m.MessageId!.Trim('<', '>')).Order(), received.Select(id => id.Trim('<', '>')).Order());
    }

    private IDbContextFactory<AppDbContext> Factory() => _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();

    /// <summary>Waits until no message is waiting or being sent (nothing due later either: no retries in this test).</summary>
    private async Task WaitUntilDrainedAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var db = await Factory().CreateDbContextAsync();
            var open = await db.Outbox.CountAsync(m => m.State == MessageState.Pending || m.State == MessageState.Sending);
            if (open == 0)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{open} messages still waiting or being sent after 30 s");
            await Task.Delay(200);
        }
    }
}
