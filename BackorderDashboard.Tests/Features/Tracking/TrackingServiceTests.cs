using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Features.Tracking;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Tracking;

/// <summary>
/// Two customers wait for kettles (none in stock): Ann first, then Ben. Ben also bought a mug, which shipped. Ann was
/// told her kettle is delayed; Ben was not. Each reaches their order only with their own token.
/// </summary>
public class TrackingServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private TrackingService _tracking = null!;
    private string _annToken = "";
    private string _benToken = "";
    private int _annKettle;
    private int _benKettle;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(Now));
        _tracking = _services.Get<TrackingService>();

        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET");
        var mug = TestData.Product(category, supplier, "MUG");
        var placed = Now.UtcDateTime.AddDays(-5);
        var ann = TestData.Order(TestData.Customer("Ann Lee", "ann@example.com"), "SO-ANN", placed);
        ann.Lines.Add(new OrderLine { Product = kettle, Qty = 1, QueuedAt = placed, QtyBackorderedAtPlacement = 1, PromisedShipDate = new(2026, 12, 1), CurrentEta = new(2026, 12, 9) });
        var ben = TestData.Order(TestData.Customer("Ben Ode", "ben@example.com"), "SO-BEN", placed.AddHours(1));
        ben.Lines.Add(new OrderLine { Product = kettle, Qty = 2, QueuedAt = placed.AddHours(1), QtyBackorderedAtPlacement = 2, PromisedShipDate = new(2026, 12, 9), CurrentEta = new(2026, 12, 9) });
        ben.Lines.Add(new OrderLine { Product = mug, Qty = 1, QtyShipped = 1 });
        db.AddRange(ann, ben);
        await db.SaveChangesAsync();
        db.Tell(ann, MessageTemplates.Delay("Product KET", "SO-ANN", ann.Lines[0].Id, new(2026, 12, 9), new(2026, 12, 1)), Actor.System, Now.UtcDateTime);
        await db.SaveChangesAsync();
        (_annToken, _benToken, _annKettle, _benKettle) = (ann.TrackingToken, ben.TrackingToken, ann.Lines[0].Id, ben.Lines[0].Id);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task ValidToken_ShowsThatOrdersLinesStagesAndDates_InPlainWords()
    {
        var ben = await _tracking.GetAsync(_benToken);

        Assert.NotNull(ben);
        Assert.Equal(("SO-BEN", "Ben"), (ben.Number, ben.FirstName));
        var kettle = ben.Lines.Single(l => l.Product == "Product KET");
        Assert.Equal(TrackingStage.Backordered, kettle.Stage);
        Assert.Equal(new DateOnly(2026, 12, 9), kettle.Eta);
        Assert.Equal("ship around Dec 9; you are 2nd in line", kettle.Status);
        Assert.False(kettle.CanCancel); // never told of a delay
        var mug = ben.Lines.Single(l => l.Product == "Product MUG");
        Assert.Equal((TrackingStage.Shipped, false, "shipped"), (mug.Stage, mug.EverBackordered, mug.Status));
        Assert.True((await _tracking.GetAsync(_annToken))!.Lines.Single().Late);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("SO-ANN")]
    [InlineData("abc")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("' OR 1=1 --aaaaaaaaaaa")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task MalformedToken_FindsNothing(string? token) => Assert.Null(await _tracking.GetAsync(token));

    [Fact]
    public async Task WellFormedButWrongToken_FindsNothing_LikeAMalformedOne()
    {
        var wrong = TrackingTokens.New();
        Assert.True(TrackingTokens.IsWellFormed(wrong));
        Assert.Null(await _tracking.GetAsync(wrong));
        // One character off a real token is just as unknown.
        var near = (_annToken[0] == 'A' ? 'B' : 'A') + _annToken[1..];
        Assert.Null(await _tracking.GetAsync(near));
    }

    [Fact]
    public void Tokens_Are128RandomBits_InTheLinkSafeAlphabet()
    {
        var tokens = Enumerable.Range(0, 2000).Select(_ => TrackingTokens.New()).ToList();
        AssertAll.NonEmpty(tokens, t => Assert.True(TrackingTokens.IsWellFormed(t)));
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
        // 22 base64 characters carry 132 bits; the last one only 2 of its 6, so it takes 4 values of 64.
        AssertAll.NonEmpty(tokens, t => Assert.Equal(16, Convert.FromBase64String(t.Replace('-', '+').Replace('_', '/') + "==").Length));
    }

    [Fact]
    public async Task CustomerCancelsTheDelayedLine_ThroughTheStaffsCancellation_Once()
    {
        var ann = await _tracking.GetAsync(_annToken);
        Assert.True(ann!.Lines.Single().CanCancel);

        var result = await _tracking.CancelDelayedLineAsync(_annToken, _annKettle, Actor.Customer("SO-ANN"));

        Assert.True(result.Succeeded, result.Message);
        await using var db = _db.CreateDbContext();
        var line = await db.OrderLines.SingleAsync(l => l.Id == _annKettle);
        Assert.Equal((1, 0), (line.QtyCancelled, line.QtyUnfilled));
        var history = await db.OrderEvents.SingleAsync(e => e.OrderLineId == _annKettle && e.Kind == OrderEventKind.Cancelled);
        Assert.Equal(Actor.CustomerDisplayName, history.UserName);
        Assert.Contains("cancelled", (await db.Outbox.SingleAsync(m => m.Kind == MessageKind.Cancelled)).Subject);
        // Ben moved up to 1st in line.
        Assert.Contains("you are 1st in line", (await _tracking.GetAsync(_benToken))!.Lines.Single(l => l.Product == "Product KET").Status);
        // A second try (double click, another tab) changes nothing.
        Assert.False((await _tracking.CancelDelayedLineAsync(_annToken, _annKettle, Actor.Customer("SO-ANN"))).Succeeded);
        Assert.Equal(1, await db.OrderEvents.CountAsync(e => e.Kind == OrderEventKind.Cancelled));
    }

    [Fact]
    public async Task Cancel_RefusedWithoutADelayOffer_OrWithSomeoneElsesToken()
    {
        Assert.False((await _tracking.CancelDelayedLineAsync(_benToken, _benKettle, Actor.Customer("SO-BEN"))).Succeeded);
        Assert.False((await _tracking.CancelDelayedLineAsync(_benToken, _annKettle, Actor.Customer("SO-BEN"))).Succeeded);
        Assert.False((await _tracking.CancelDelayedLineAsync("not-a-token", _annKettle, Actor.Customer("SO-ANN"))).Succeeded);

        await using var db = _db.CreateDbContext();
        Assert.Equal(0, await db.OrderLines.SumAsync(l => l.QtyCancelled));
    }
}
