using BackorderDashboard.Data;
using BackorderDashboard.Features.Messages;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Messages;

/// <summary>
/// The outbox paged by its key (newest first, ties by number): Next and Previous visit every message the filters
/// match once; the state counts stop at the cap; a search reads a window of messages and says where it stopped.
/// </summary>
public class OutboxListTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private OutboxService _outbox = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(Now));
        _outbox = _services.Get<OutboxService>();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    /// <summary>Messages written <paramref name="count"/> at a time, some at the same moment, in every state and kind.</summary>
    private async Task<List<OutboxMessage>> AddAsync(int count, Func<int, string>? to = null)
    {
        var states = Enum.GetValues<MessageState>();
        var kinds = Enum.GetValues<MessageKind>();
        await using var db = _db.CreateDbContext();
        var messages = Enumerable.Range(0, count).Select(i => new OutboxMessage
        {
            Kind = kinds[(i * 3) % kinds.Length], State = states[(i * 5) % states.Length], ToEmail = to?.Invoke(i) ?? $"customer{i}@example.com",
            Subject = $"Message {i}", BodyText = "Hello", CreatedAt = Now.UtcDateTime.AddMinutes(-(i / 3)),
        }).ToList();
        db.Outbox.AddRange(messages);
        await db.SaveChangesAsync();
        return messages;
    }

    public static TheoryData<string> Filters() => ["none", "state", "kind", "state+kind", "search"];

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task List_NextThenPrevious_VisitsEveryMatchOnceNewestFirst(string filter)
    {
        var messages = await AddAsync(61);
        var query = filter switch
        {
            "state" => new OutboxQuery(State: MessageState.Sent),
            "kind" => new OutboxQuery(Kind: MessageKind.Delay),
            "state+kind" => new OutboxQuery(State: MessageState.Pending, Kind: MessageKind.BackorderConfirmation),
            "search" => new OutboxQuery(Search: "customer1"),
            _ => new OutboxQuery(),
        };
        var expected = messages
            .Where(m => query.State is not { } s || m.State == s)
            .Where(m => query.Kind is not { } k || m.Kind == k)
            .Where(m => query.Search is null || m.ToEmail.Contains(query.Search))
            .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Select(m => m.Id).ToList();
        Assert.NotEmpty(expected);

        var pages = new List<OutboxListing> { await _outbox.ListAsync(query with { PageSize = 3 }) };
        while (pages[^1].HasNext)
        {
            pages.Add(await _outbox.ListAsync(query with { PageSize = 3, After = pages[^1].Rows[^1].Id }));
            Assert.True(pages.Count < 50, "the pages never end");
        }
        var back = new List<OutboxListing> { pages[^1] };
        while (back[^1].HasPrevious)
        {
            back.Add(await _outbox.ListAsync(query with { PageSize = 3, Before = back[^1].Rows[0].Id }));
            Assert.True(back.Count < 50, "the pages never end");
        }

        Assert.Equal(expected, pages.SelectMany(p => p.Rows).Select(r => r.Id));
        Assert.Equal(expected.Count, pages[0].Total);
        Assert.Equal(pages.Select(p => p.Rows.Select(r => r.Id).ToList()), Enumerable.Reverse(back).Select(p => p.Rows.Select(r => r.Id).ToList()));
        Assert.All(pages, p => Assert.Null(p.SearchedUntil));
    }

    [Fact]
    public async Task List_ManyMessages_CountsStopAtTheCap()
    {
        await AddAsync(4 * 1_003);

        var listing = await _outbox.ListAsync(new OutboxQuery(PageSize: 50));

        Assert.Equal(50, listing.Rows.Count);
        Assert.Equal("more than 1,000 messages", listing.Matches.Text("message", "messages"));
        Assert.All(listing.Counts.Values, c => Assert.True(c.More));
        Assert.Equal(new BackorderDashboard.Domain.ListCount(1000, true), listing.Matches);
    }

    [Fact]
    public async Task Search_RareText_ReadsOneWindowAndOffersToLookFurtherBack()
    {
        // The one match is older than the window of messages a search reads.
        await AddAsync(OutboxService.SearchWindow + 10, i => i == OutboxService.SearchWindow + 5 ? "rare.person@example.com" : $"c{i}@example.com");

        var first = await _outbox.ListAsync(new OutboxQuery(Search: "rare.person", PageSize: 50));
        Assert.Empty(first.Rows);
        Assert.NotNull(first.SearchedUntil);
        var further = await _outbox.ListAsync(new OutboxQuery(Search: "rare.person", PageSize: 50, After: first.SearchedUntil));

        Assert.Equal(["rare.person@example.com"], further.Rows.Select(r => r.ToEmail));
        Assert.Null(further.SearchedUntil);
        await using var db = _db.CreateDbContext();
        // The window ends with the 5,000th newest message.
        var windowEnd = await db.Outbox.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Skip(OutboxService.SearchWindow - 1)
            .Select(m => m.Id).FirstAsync();
        Assert.Equal(windowEnd, first.SearchedUntil);
    }
}
