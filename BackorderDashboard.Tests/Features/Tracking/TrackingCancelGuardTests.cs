using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Tracking;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Tracking;

/// <summary>
/// Ann's 3 kettles (1 set aside, 2 waiting) are late: promised Dec 1, now Dec 9. Ben's kettle was once told of a
/// delay, but its date is back within the promise. Both got a delay message offering to cancel.
/// </summary>
public class TrackingCancelGuardTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 17, 0, 0, TimeSpan.Zero);
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private TrackingService _tracking = null!;
    private string _annToken = "";
    private string _benToken = "";
    private int _annLine;
    private int _benLine;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(Now));
        _tracking = _services.Get<TrackingService>();
        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET", onHand: 1, allocated: 1);
        var placed = Now.UtcDateTime.AddDays(-5);
        var ann = TestData.Order(TestData.Customer("Ann Lee", "ann@example.com"), "SO-ANN", placed);
        ann.Lines.Add(new OrderLine { Product = kettle, Qty = 3, QtyAllocated = 1, QueuedAt = placed, QtyBackorderedAtPlacement = 3,
            PromisedShipDate = new(2026, 12, 1), CurrentEta = new(2026, 12, 9) });
        var ben = TestData.Order(TestData.Customer("Ben Ode", "ben@example.com"), "SO-BEN", placed.AddHours(1));
        ben.Lines.Add(new OrderLine { Product = kettle, Qty = 1, QueuedAt = placed.AddHours(1), QtyBackorderedAtPlacement = 1,
            PromisedShipDate = new(2026, 12, 9), CurrentEta = new(2026, 12, 9) });
        db.AddRange(ann, ben);
        await db.SaveChangesAsync();
        db.Tell(ann, MessageTemplates.Delay("Product KET", "SO-ANN", ann.Lines[0].Id, new(2026, 12, 9), new(2026, 12, 1)), Actor.System, Now.UtcDateTime);
        db.Tell(ben, MessageTemplates.Delay("Product KET", "SO-BEN", ben.Lines[0].Id, new(2026, 12, 12), new(2026, 12, 9)), Actor.System, Now.UtcDateTime);
        await db.SaveChangesAsync();
        (_annToken, _benToken, _annLine, _benLine) = (ann.TrackingToken, ben.TrackingToken, ann.Lines[0].Id, ben.Lines[0].Id);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<int> CancelledAsync(int lineId)
    {
        await using var db = _db.CreateDbContext();
        return await db.OrderLines.Where(l => l.Id == lineId).Select(l => l.QtyCancelled).SingleAsync();
    }

    [Fact]
    public async Task LateLine_OffersToCancelExactlyItsUnshippedUnits_AndCancelsThatMany()
    {
        var line = (await _tracking.GetAsync(_annToken))!.Lines.Single();
        Assert.True(line.CanCancel);
        Assert.Equal(3, line.CancelUnits);

        var result = await _tracking.CancelDelayedLineAsync(_annToken, _annLine, Actor.Customer("SO-ANN"), units: 3);

        Assert.True(result.Succeeded, result.Message);
        Assert.StartsWith("3 units of Product KET cancelled", result.Message);
        Assert.Equal(3, await CancelledAsync(_annLine));
    }

    [Fact]
    public async Task CountThatNoLongerMatches_CancelsNothing()
    {
        var result = await _tracking.CancelDelayedLineAsync(_annToken, _annLine, Actor.Customer("SO-ANN"), units: 2);

        Assert.False(result.Succeeded);
        Assert.Equal(0, await CancelledAsync(_annLine));
    }

    [Fact]
    public async Task LineNoLongerLate_IsNotOffered_AndTheServiceRefuses()
    {
        var line = (await _tracking.GetAsync(_benToken))!.Lines.Single();
        Assert.False(line.CanCancel);

        var viaPage = await _tracking.CancelDelayedLineAsync(_benToken, _benLine, Actor.Customer("SO-BEN"), units: 1);
        await using var db = _db.CreateDbContext();
        var version = await db.OrderLines.Where(l => l.Id == _benLine).Select(l => l.Version).SingleAsync();
        var direct = await _services.Get<BackorderService>().CancelAsync(_benLine, version, "changed my mind", false, Actor.Customer("SO-BEN"));

        Assert.False(viaPage.Succeeded);
        Assert.False(direct.Succeeded);
        Assert.Contains("no longer late", direct.Message);
        Assert.Equal(0, await CancelledAsync(_benLine));
    }
}
