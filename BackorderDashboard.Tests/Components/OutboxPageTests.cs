using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Messages;
using BackorderDashboard.Tests.TestSupport;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Components;

/// <summary>The outbox page over a real SQLite store with no mail server set up: its state counts and its banner.</summary>
public class OutboxPageTests : BunitTestContext, IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(Now));
        Services.AddSingleton(_services.Get<OutboxService>());
        Services.AddSingleton(_services.Get<SettingsService>());
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        await using var db = _db.CreateDbContext();
        var states = new[] { MessageState.Pending, MessageState.Pending, MessageState.Pending, MessageState.Sent, MessageState.Failed };
        db.Outbox.AddRange(states.Select((state, i) => new OutboxMessage
        {
            Kind = MessageKind.Update, ToEmail = $"customer{i}@example.com", Subject = $"Message {i}", BodyText = "Hello",
            CreatedAt = Now.UtcDateTime.AddMinutes(-i), State = state, LastError = state == MessageState.Failed ? "Mailbox unknown" : null,
        }));
        await db.SaveChangesAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private static string Chip(IRenderedComponent<OutboxPage> page, string testId) =>
        page.Find($"[data-testid={testId}]").TextContent.Trim();

    [Fact]
    public void OutboxPage_FirstLoad_CountsEveryStateWithoutAClick()
    {
        var page = Render<OutboxPage>();

        page.WaitForAssertion(() => Assert.Contains("All (5)", page.Find("[data-testid=outbox-states]").TextContent));
        Assert.Equal("Waiting (3)", Chip(page, "outbox-state-Pending"));
        Assert.Equal("Sending (0)", Chip(page, "outbox-state-Sending"));
        Assert.Equal("Sent (1)", Chip(page, "outbox-state-Sent"));
        Assert.Equal("Failed (1)", Chip(page, "outbox-state-Failed"));
    }

    [Fact]
    public void OutboxPage_AfterAMessageInTheAddress_ShowsTheOlderOnesWithLinksBothWays()
    {
        long second;
        using (var db = _db.CreateDbContext())
        {
            second = db.Outbox.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Skip(1).Select(m => m.Id).First();
        }
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/outbox?state=pending&after={second}");

        var page = Render<OutboxPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=outbox-table] tbody tr")));
        Assert.Contains("Message 2", page.Find("[data-testid=outbox-table] tbody").TextContent);
        Assert.Equal("3 messages", page.Find("[data-testid=outbox-pager-count]").TextContent.Trim());
        Assert.Contains($"before=", page.Find("a[data-testid=outbox-pager-previous]").GetAttribute("href"));
        Assert.Contains("state=pending", page.Find("a[data-testid=outbox-pager-previous]").GetAttribute("href"));
        Assert.Null(page.Find("[data-testid=outbox-pager-next]").GetAttribute("href"));
    }

    [Fact]
    public void OutboxPage_NoMailServer_SaysSoInPlainWords_WithoutConfigurationKeys()
    {
        var page = Render<OutboxPage>();

        var banner = page.Find("[data-testid=smtp-status]").TextContent;
        Assert.Contains("E-mail sending is not set up yet", banner);
        Assert.Contains("An admin must set up e-mail sending", banner);
        Assert.DoesNotContain("Smtp", banner, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(":Host", banner);
    }
}
