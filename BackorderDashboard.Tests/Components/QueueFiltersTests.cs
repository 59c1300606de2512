using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Tests.TestSupport;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace BackorderDashboard.Tests.Components;

/// <summary>The queue's filter bar turns each control into the query the page sends to the service.</summary>
public class QueueFiltersTests : BunitTestContext, IAsyncLifetime
{
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private readonly List<QueueQuery> _sent = [];

    async Task IAsyncLifetime.InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(DateTimeOffset.UtcNow));
        Services.AddSingleton(_services.Get<ProductService>());
        await using var db = _db.CreateDbContext();
        await TestData.AddCatalogAsync(db);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private IRenderedComponent<QueueFilters> Render(QueueQuery query) => Render<QueueFilters>(p => p
        .Add(f => f.Query, query)
        .Add(f => f.OnChange, EventCallback.Factory.Create<QueueQuery>(this, q => _sent.Add(q))));

    [Fact]
    public void LateSwitch_AsksForLateLinesOnly_FromTheFirstPage()
    {
        var filters = Render(new QueueQuery(Page: 3));

        filters.Find("input[data-testid=queue-late]").Change(true);

        var query = Assert.Single(_sent);
        Assert.True(query.LateOnly);
        Assert.Equal(0, query.Page);
    }

    [Fact]
    public void ProductSearch_KeepsTheOtherFilters()
    {
        var filters = Render(new QueueQuery(LateOnly: true, Tier: CustomerTier.Vip));

        filters.Find("input[data-testid=queue-product]").Input("KET");

        // The search waits for typing to pause; a loaded machine may take a while to run its timer.
        filters.WaitForAssertion(() => Assert.NotEmpty(_sent), TimeSpan.FromSeconds(15));
        var query = _sent[^1];
        Assert.Equal("KET", query.Product);
        Assert.True(query.LateOnly);
        Assert.Equal(CustomerTier.Vip, query.Tier);
    }
}
