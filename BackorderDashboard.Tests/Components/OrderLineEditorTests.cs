using BackorderDashboard.Features.Orders;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Tests.TestSupport;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BackorderDashboard.Tests.Components;

/// <summary>One line of the New order page over a real SQLite store: the picker waits for the page to be live, and the chosen product shows with its badge.</summary>
public class OrderLineEditorTests : BunitTestContext, IAsyncLifetime
{
    private SqliteTestDatabase _db = null!;
    private TestServices _services = null!;
    private readonly NewOrderLineInput _line = new();

    async Task IAsyncLifetime.InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _services = TestServices.Create(_db, new FixedTimeProvider(TestServices.DefaultNow));
        Services.AddSingleton(_services.Get<ProductService>());
        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        db.AddRange(TestData.Product(category, supplier, "KET", onHand: 40), TestData.Product(category, supplier, "KETTLE-2"));
        await db.SaveChangesAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private IRenderedComponent<OrderLineEditor> RenderLine(bool interactive)
    {
        SetRendererInfo(new RendererInfo(interactive ? "Server" : "Static", interactive));
        return Render<OrderLineEditor>(p => p.Add(e => e.Line, _line).Add(e => e.Index, 0));
    }

    [Fact]
    public void Picker_BeforeThePageIsLive_TakesNoKeystrokes()
    {
        var line = RenderLine(interactive: false);

        Assert.True(line.Find("input[data-testid=line-sku-0]").HasAttribute("disabled"));
        Assert.True(line.Find("input[data-testid=line-qty-0]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Picker_ProductChosen_ShowsItsNameAndBadge()
    {
        var line = RenderLine(interactive: true);
        Assert.False(line.Find("input[data-testid=line-sku-0]").HasAttribute("disabled"));
        Assert.Empty(line.FindAll("[data-testid=line-product-0]"));

        var picker = line.FindComponent<MudAutocomplete<string>>();
        await line.InvokeAsync(() => picker.Instance.ValueChanged.InvokeAsync("ket"));

        line.WaitForAssertion(() => Assert.Contains("Product KET", line.Find("[data-testid=line-product-0]").TextContent));
        Assert.Equal("In stock", line.Find("[data-testid=line-product-0] [data-testid=availability-badge]").TextContent.Trim());
        Assert.Equal("ket", _line.Sku);
    }
}
