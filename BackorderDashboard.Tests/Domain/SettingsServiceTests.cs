using BackorderDashboard.Domain;
using BackorderDashboard.Features.Settings;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Domain;

public class SettingsServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private SqliteTestDatabase _db = null!;
    private readonly List<TestServices> _services = [];

    public async Task InitializeAsync() => _db = await SqliteTestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        foreach (var services in _services)
        {
            await services.DisposeAsync();
        }
        await _db.DisposeAsync();
    }

    /// <summary>The settings of a new app instance on the test's database (so with nothing cached), read and saved as the settings page does.</summary>
    private StoreSettingsService NewService()
    {
        var services = TestServices.Create(_db, new FixedTimeProvider(Now));
        _services.Add(services);
        return services.Get<StoreSettingsService>();
    }

    [Fact]
    public async Task Save_ValidInput_IsStoredAndChangesTheClock()
    {
        var service = NewService();
        var input = new SettingsInput
        {
            TimeZoneId = "Asia/Tokyo",
            DefaultHandlingDays = 3,
            DailyFulfilmentCapacity = 40,
            DefaultLowStockThreshold = 8,
            VipFirstInQueue = true,
        };

        var errors = await service.SaveAsync(input, TestActors.Admin);

        Assert.Empty(errors);
        // A new service reads the row back from the database, not from the first one's cache.
        var reread = await NewService().GetAsync();
        Assert.Equal("Asia/Tokyo", reread.TimeZoneId);
        Assert.Equal(3, reread.DefaultHandlingDays);
        Assert.Equal(40, reread.DailyFulfilmentCapacity);
        Assert.Equal(8, reread.DefaultLowStockThreshold);
        Assert.True(reread.VipFirstInQueue);
        Assert.Equal("admin@example.com", reread.UpdatedBy);
        Assert.Equal(new DateOnly(2026, 11, 22), reread.Clock.Today);
        Assert.Equal("Asia/Tokyo", (await service.GetAsync()).Clock.Zone.Id);
    }

    [Theory]
    [InlineData("Mars/Base", 1, 10, 5, nameof(SettingsInput.TimeZoneId))]
    [InlineData("", 1, 10, 5, nameof(SettingsInput.TimeZoneId))]
    [InlineData("UTC", -1, 10, 5, nameof(SettingsInput.DefaultHandlingDays))]
    [InlineData("UTC", 1, 0, 5, nameof(SettingsInput.DailyFulfilmentCapacity))]
    [InlineData("UTC", 1, 10, -3, nameof(SettingsInput.DefaultLowStockThreshold))]
    public async Task Save_InvalidField_IsRefusedWithAMessageAndNothingChanges(string zone, int handling, int capacity, int threshold, string field)
    {
        var service = NewService();
        var input = new SettingsInput
        {
            TimeZoneId = zone, DefaultHandlingDays = handling, DailyFulfilmentCapacity = capacity, DefaultLowStockThreshold = threshold,
        };

        var errors = await service.SaveAsync(input, TestActors.Admin);

        Assert.True(errors.ContainsKey(field), $"no error for {field}: {string.Join(", ", errors.Keys)}");
        Assert.False(string.IsNullOrWhiteSpace(errors[field]));
        await using var db = _db.CreateDbContext();
        Assert.False(await db.MerchantSettings.AnyAsync());
    }

    [Fact]
    public async Task Save_NoCapacity_MeansNoLimit()
    {
        var service = NewService();

        var errors = await service.SaveAsync(new SettingsInput { TimeZoneId = "UTC", DailyFulfilmentCapacity = null }, TestActors.Admin);

        Assert.Empty(errors);
        Assert.Null((await service.GetAsync()).DailyFulfilmentCapacity);
    }
}
