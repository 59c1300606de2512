using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Messages;
using BackorderDashboard.Features.Settings;
using BackorderDashboard.Features.Tracking;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Features.Settings;

/// <summary>The store's name as a setting, and where customers meet it: the tracking page and every e-mail.</summary>
public class StoreNameTests : IAsyncLifetime
{
    private SqliteTestDatabase _db = null!;
    private TestServices _app = null!;
    private Order _order = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        _app = TestServices.Create(_db);
        await using var db = _db.CreateDbContext();
        _order = TestData.Order(TestData.Customer("Ann Lee", "ann@example.com"), "SO-1", TestServices.DefaultNow.UtcDateTime.AddDays(-1));
        db.Orders.Add(_order);
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<IReadOnlyDictionary<string, string>> RenameStoreAsync(string name)
    {
        var settings = _app.Get<StoreSettingsService>();
        var input = SettingsService.ToInput(await settings.GetAsync());
        input.StoreName = name;
        return await settings.SaveAsync(input, TestActors.Admin);
    }

    /// <summary>A message queued now, as every service queues one, and the e-mail the outbox composes from it.</summary>
    private async Task<ComposedMessage> QueueShippedMessageAsync()
    {
        await using var db = _db.CreateDbContext();
        var order = await db.Orders.Include(o => o.Customer).SingleAsync(o => o.Id == _order.Id);
        var message = db.Tell(order, MessageTemplates.Shipped("SO-1", [("Blue Kettle", 1)], "UPS", "1Z999"), TestActors.Merchant, DateTime.UtcNow);
        await db.SaveChangesAsync();
        return (await _app.Get<OutboxService>().GetAsync(message.Id))!.Value.Mail;
    }

    [Fact]
    public async Task NewStore_IsCalledNorthwindOutfitters_OnTheTrackingPageAndInMessages()
    {
        var mail = await QueueShippedMessageAsync();

        Assert.Equal("Northwind Outfitters", await _app.Get<TrackingService>().GetStoreNameAsync());
        Assert.Equal("Your order SO-1 has shipped · Northwind Outfitters", mail.Subject);
        Assert.EndsWith("Kind regards,\nCustomer service\nNorthwind Outfitters\n", mail.Text);
    }

    [Fact]
    public async Task Rename_TrackingPageAndANewlyQueuedMessage_CarryTheNewName()
    {
        var errors = await RenameStoreAsync("  Acme Home Goods ");
        var mail = await QueueShippedMessageAsync();

        Assert.Empty(errors);
        Assert.Equal("Acme Home Goods", await _app.Get<TrackingService>().GetStoreNameAsync());
        Assert.Equal("Your order SO-1 has shipped · Acme Home Goods", mail.Subject);
        Assert.EndsWith("Customer service\nAcme Home Goods\n", mail.Text);
        Assert.Contains("Customer service<br>Acme Home Goods", mail.Html);
        await using var db = _db.CreateDbContext();
        Assert.Equal("Acme Home Goods", (await db.MerchantSettings.SingleAsync()).StoreName);
    }

    [Fact]
    public async Task Rename_ANewAppInstance_ReadsTheNameFromTheDatabase()
    {
        await RenameStoreAsync("Acme Home Goods");

        await using var restarted = TestServices.Create(_db);

        Assert.Equal("Acme Home Goods", await restarted.Get<TrackingService>().GetStoreNameAsync());
    }

    [Theory]
    [InlineData("", "Enter the store's name")]
    [InlineData("   ", "Enter the store's name")]
    [InlineData("x81", "at most 80 characters")]
    public async Task Rename_BadName_IsRefusedAtTheFieldAndNothingIsSaved(string name, string message)
    {
        await RenameStoreAsync("Acme Home Goods");

        var errors = await RenameStoreAsync(name == "x81" ? new string('x', 81) : name);

        Assert.Contains(message, errors[nameof(SettingsInput.StoreName)]);
        Assert.Equal("Acme Home Goods", await _app.Get<TrackingService>().GetStoreNameAsync());
        await using var db = _db.CreateDbContext();
        Assert.Equal("Acme Home Goods", (await db.MerchantSettings.SingleAsync()).StoreName);
    }

    [Fact]
    public async Task Rename_EightyCharacters_IsAccepted()
    {
        var errors = await RenameStoreAsync(new string('x', 80));

        Assert.Empty(errors);
        Assert.Equal(new string('x', 80), await _app.Get<TrackingService>().GetStoreNameAsync());
    }

    [Fact]
    public void Signature_WithThePlaceholder_PutsTheNameWhereItSays()
    {
        Assert.Equal("Thanks,\nthe Acme team", MessageComposer.Signature("Thanks,\nthe {StoreName} team", "Acme"));
        Assert.Equal("Thanks,\nMia\nAcme", MessageComposer.Signature("Thanks,\nMia\n", "Acme"));
    }
}
