using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Orders;

/// <summary>SO-1: 2 kettles at $10.00 and $5.00 shipping, one more kettle cancelled: worth $25.00 in all.</summary>
public class ConsolationGuardTests : IAsyncLifetime
{
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private BackorderService _backorders = null!;
    private int _order;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db);
        _backorders = _services.Get<BackorderService>();
        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var order = TestData.Order(TestData.Customer("Ann Lee", "ann@example.com"), "SO-1", TestServices.DefaultNow.UtcDateTime.AddDays(-3));
        order.ShippingCents = 500;
        order.Lines.Add(new OrderLine { Product = TestData.Product(category, supplier, "KET"), Qty = 3, QtyCancelled = 1, UnitPriceCents = 1000 });
        db.Orders.Add(order);
        await db.SaveChangesAsync();
        _order = order.Id;
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<long[]> GivenAsync()
    {
        await using var db = _db.CreateDbContext();
        return await db.Consolations.Where(c => c.OrderId == _order).OrderBy(c => c.Id).Select(c => c.AmountCents ?? -(long)(c.Percent ?? 0)).ToArrayAsync();
    }

    [Fact]
    public async Task Amount_MoreThanTheOrderIsWorth_IsRefusedAndNothingIsAdded()
    {
        var result = await _backorders.AddConsolationAsync(_order, ConsolationKind.AmountDiscount, null, 2501, "sorry for the wait", TestActors.Support);

        Assert.False(result.Succeeded);
        Assert.Contains("$25.00", result.Message);
        Assert.Empty(await GivenAsync());
    }

    [Fact]
    public async Task Consolations_TogetherCannotExceedTheOrder_MinusWhatWasAlreadyGiven()
    {
        Assert.True((await _backorders.AddConsolationAsync(_order, ConsolationKind.PercentDiscount, 50, null, "late", TestActors.Support)).Succeeded);

        var tooMuch = await _backorders.AddConsolationAsync(_order, ConsolationKind.AmountDiscount, null, 1251, "later still", TestActors.Support);
        var rest = await _backorders.AddConsolationAsync(_order, ConsolationKind.AmountDiscount, null, 1250, "later still", TestActors.Support);
        var beyond = await _backorders.AddConsolationAsync(_order, ConsolationKind.PercentDiscount, 1, null, "one more", TestActors.Support);

        Assert.False(tooMuch.Succeeded);
        Assert.Contains("at most $12.50", tooMuch.Message);
        Assert.True(rest.Succeeded, rest.Message);
        Assert.False(beyond.Succeeded);
        Assert.Equal(new long[] { -50, 1250 }, await GivenAsync());
    }

    [Fact]
    public async Task FreeShipping_IsGivenOnce()
    {
        Assert.True((await _backorders.AddConsolationAsync(_order, ConsolationKind.FreeShipping, null, null, "late", TestActors.Support)).Succeeded);

        var again = await _backorders.AddConsolationAsync(_order, ConsolationKind.FreeShipping, null, null, "very late", TestActors.Support);

        Assert.False(again.Succeeded);
        Assert.Single(await GivenAsync());
    }

    [Fact]
    public async Task DoubleSubmit_OnTwoThreadsAtOnce_AddsItOnce()
    {
        using var start = new Barrier(2);
        var submits = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            start.SignalAndWait();
            return await _backorders.AddConsolationAsync(_order, ConsolationKind.AmountDiscount, null, 500, "sorry for the wait", TestActors.Support);
        })).ToArray();

        var results = await Task.WhenAll(submits);

        Assert.All(results, r => Assert.True(r.Succeeded, r.Message));
        Assert.Equal(new long[] { 500 }, await GivenAsync());
        await using var db = _db.CreateDbContext();
        Assert.Equal(1, await db.Outbox.CountAsync(m => m.OrderId == _order && m.Kind == MessageKind.Consolation));
    }
}
