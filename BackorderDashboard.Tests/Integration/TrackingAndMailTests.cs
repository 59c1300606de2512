using System.Net;
using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Integration;

/// <summary>The tracking page through plain HTTP with no sign-in, and the app's own dispatcher delivering to a real SMTP server.</summary>
[Collection(AppCollection.Name)]
public class TrackingAndMailTests(AppFactory app)
{
    [Fact]
    public async Task TrackingPage_ValidToken_ShowsTheOrder_WithoutSignIn_AndKeepsTheLinkPrivate()
    {
        var (number, token) = await ABackorderedOrderAsync();

        var response = await app.CreateHttpClient().GetAsync($"/track/{token}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains($"Order {number}", html);
        Assert.Contains("Waiting for stock", html);
        Assert.Contains("<meta name=\"referrer\" content=\"no-referrer\"", html);
        Assert.Contains("<meta name=\"robots\" content=\"noindex, nofollow\"", html);
    }

    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("short")]
    [InlineData("SO-100001")]
    [InlineData("%3Cscript%3Ealert(1)%3C%2Fscript%3E")]
    public async Task TrackingPage_WrongOrMalformedToken_GetsTheSameFriendlyPage_AndNoOrder(string token)
    {
        var response = await app.CreateHttpClient().GetAsync($"/track/{token}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("We can&#x27;t find this order", html);
        Assert.DoesNotContain("SO-1", html);
        Assert.DoesNotContain("<script>alert", html);
    }

    [Fact]
    public async Task Dispatcher_DeliversEveryMessageTheAppWrote_ExactlyOnce()
    {
        var factory = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        // Whatever the other tests wrote is due now; wait for the dispatcher to finish with it.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<string?> sent;
        while (true)
        {
            await using var db = await factory.CreateDbContextAsync();
            var open = await db.Outbox.CountAsync(m => m.State == MessageState.Pending || m.State == MessageState.Sending);
            sent = await db.Outbox.Where(m => m.State == MessageState.Sent && m.MessageId != null).Select(m => m.MessageId).ToListAsync();
            if (open == 0 || DateTime.UtcNow > deadline)
            {
                Assert.Equal(0, open);
                Assert.Equal(0, await db.Outbox.CountAsync(m => m.State == MessageState.Failed));
                break;
            }
            await Task.Delay(200);
        }

        var received = app.Mail.Received().Select(m => m.MessageId).ToList();
        Assert.NotEmpty(received);
        Assert.Equal(received.Count, received.Distinct().Count());
        // Every message the dispatcher marked sent reached the server, and the server got nothing else.
        Assert.Equal(sent.Order(), received.Order());
    }

    private async Task<(string Number, string Token)> ABackorderedOrderAsync()
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var order = await db.Orders.Where(o => o.Lines.Any(l => l.QtyUnfilled > 0)).OrderBy(o => o.Id)
            .Select(o => new { o.Number, o.TrackingToken }).FirstAsync();
        return (order.Number, order.TrackingToken);
    }
}
