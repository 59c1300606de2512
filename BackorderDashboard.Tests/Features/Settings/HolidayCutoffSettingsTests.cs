using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Orders;
using BackorderDashboard.Features.Products;
using BackorderDashboard.Features.Settings;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Settings;

/// <summary>The holiday cutoff as a setting: saved with its label or not at all, and read by badges and confirmations at once.</summary>
public class HolidayCutoffSettingsTests : IAsyncLifetime
{
    // Noon in New York on Nov 22; the kettle is sold out and PO-1 brings 10 on Dec 27 (ships Dec 28 with 1 handling day).
    private SqliteTestDatabase _db = null!;
    private TestServices _app = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _app = TestServices.Create(_db);
        await using var db = _db.CreateDbContext();
        var (category, supplier) = await TestData.AddCatalogAsync(db);
        var kettle = TestData.Product(category, supplier, "KET");
        db.Add(kettle);
        db.PurchaseOrders.Add(new PurchaseOrder
        {
            Number = "PO-1", Supplier = supplier, ExpectedDate = new DateOnly(2026, 12, 27), Status = PurchaseOrderStatus.Ordered,
            Lines = [new PurchaseOrderLine { Product = kettle, QtyOrdered = 10 }],
        });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<IReadOnlyDictionary<string, string>> SetCutoffAsync(DateTime? date, string? label)
    {
        var settings = _app.Get<StoreSettingsService>();
        var input = SettingsService.ToInput(await settings.GetAsync());
        input.HolidayCutoffDate = date;
        input.HolidayCutoffLabel = label;
        return await settings.SaveAsync(input, TestActors.Admin);
    }

    private async Task<string> BadgeAsync() => (await _app.Get<ProductService>().GetDetailAsync("KET"))!.Availability.BadgeText;

    [Fact]
    public async Task Save_DateAndLabel_TheBadgeSaysSoAtOnce_AndClearingItTakesItBack()
    {
        Assert.Equal("Backordered – ships Dec 28", await BadgeAsync());

        Assert.Empty(await SetCutoffAsync(new DateTime(2026, 12, 24), " Christmas "));

        Assert.Equal("Backordered – ships Dec 28 · after Christmas", await BadgeAsync());
        var saved = await _app.Get<StoreSettingsService>().GetAsync();
        Assert.Equal(new HolidayCutoff(new DateOnly(2026, 12, 24), "Christmas"), saved.HolidayCutoff);
        await using (var db = _db.CreateDbContext())
        {
            var audit = await db.AuditEntries.Where(a => a.Kind == AuditKind.SettingsChanged).SingleAsync();
            Assert.Contains("Holiday cutoff (none) → Christmas 2026-12-24", audit.Summary);
        }

        Assert.Empty(await SetCutoffAsync(null, null));

        Assert.Equal("Backordered – ships Dec 28", await BadgeAsync());
    }

    [Theory]
    [InlineData(true, null, nameof(SettingsInput.HolidayCutoffLabel))]
    [InlineData(true, "  ", nameof(SettingsInput.HolidayCutoffLabel))]
    [InlineData(false, "Christmas", nameof(SettingsInput.HolidayCutoffDate))]
    [InlineData(true, "A very long name for an occasion, longer than forty", nameof(SettingsInput.HolidayCutoffLabel))]
    public async Task Save_OnlyOneOfTheTwoOrATooLongLabel_IsRefusedAtTheField(bool withDate, string? label, string field)
    {
        var errors = await SetCutoffAsync(withDate ? new DateTime(2026, 12, 24) : null, label);

        Assert.True(errors.ContainsKey(field), string.Join("; ", errors));
        Assert.Null((await _app.Get<StoreSettingsService>().GetAsync()).HolidayCutoff);
    }

    [Fact]
    public async Task Order_BackorderedPastTheCutoff_ConfirmationNamesIt()
    {
        await SetCutoffAsync(new DateTime(2026, 12, 24), "Christmas");

        var placed = await _app.Get<OrderIntakeService>().PlaceAsync(new NewOrderInput
        {
            CustomerName = "Ada", CustomerEmail = "ada@example.com", Lines = [new NewOrderLineInput { Sku = "KET", Qty = 1 }],
        }, TestActors.Support);

        Assert.True(placed.Succeeded, string.Join(" ", placed.Errors));
        await using var db = _db.CreateDbContext();
        var message = await db.Outbox.SingleAsync(m => m.Kind == MessageKind.BackorderConfirmation);
        Assert.Contains("Product KET won't ship before Christmas (Dec 24).", message.BodyText);
    }
}
