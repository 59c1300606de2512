using System.ComponentModel.DataAnnotations;
using BackorderDashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Domain;

/// <summary>The merchant's settings as every feature reads them, with the clock of the merchant's time zone.</summary>
public sealed record MerchantSettingsView(
    string TimeZoneId,
    int DefaultHandlingDays,
    int? DailyFulfilmentCapacity,
    int DefaultLowStockThreshold,
    bool VipFirstInQueue,
    DateTime UpdatedAt,
    string? UpdatedBy,
    MerchantClock Clock,
    string StoreName = MerchantSettings.DefaultStoreName);

/// <summary>The settings form. Ranges keep the ETA walk meaningful: no negative days, no zero capacity.</summary>
public sealed class SettingsInput
{
    [Required(ErrorMessage = "Enter the store's name: customers see it on their tracking page and in every e-mail.")]
    [MaxLength(MerchantSettings.StoreNameMaxLength, ErrorMessage = "The store's name can be at most 80 characters long.")]
    public string StoreName { get; set; } = MerchantSettings.DefaultStoreName;

    [Required(ErrorMessage = "Choose the time zone the store works in.")]
    public string TimeZoneId { get; set; } = "";

    [Range(0, 60, ErrorMessage = "Handling days must be between 0 and 60.")]
    public int DefaultHandlingDays { get; set; }

    [Range(1, 1_000_000, ErrorMessage = "Capacity must be at least 1 unit a day, or left empty for no limit.")]
    public int? DailyFulfilmentCapacity { get; set; }

    [Range(0, 100_000, ErrorMessage = "The low-stock threshold must be between 0 and 100,000.")]
    public int DefaultLowStockThreshold { get; set; }

    public bool VipFirstInQueue { get; set; }
}

/// <summary>Reads and saves the merchant's settings; cached because every page needs the time zone.</summary>
public sealed class SettingsService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time)
{
    private MerchantSettingsView? _cached;

    public async Task<MerchantSettingsView> GetAsync(CancellationToken ct = default)
    {
        if (_cached is { } cached)
        {
            return cached;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.MerchantSettings.AsNoTracking().SingleOrDefaultAsync(ct) ?? new MerchantSettings();
        return _cached = ToView(row);
    }

    public async Task<MerchantClock> GetClockAsync(CancellationToken ct = default) => (await GetAsync(ct)).Clock;

    public static SettingsInput ToInput(MerchantSettingsView view) => new()
    {
        StoreName = view.StoreName,
        TimeZoneId = view.TimeZoneId,
        DefaultHandlingDays = view.DefaultHandlingDays,
        DailyFulfilmentCapacity = view.DailyFulfilmentCapacity,
        DefaultLowStockThreshold = view.DefaultLowStockThreshold,
        VipFirstInQueue = view.VipFirstInQueue,
    };

    /// <summary>Time zones offered on the settings page (IANA ids).</summary>
    public static IReadOnlyList<string> TimeZoneIds { get; } = TimeZoneInfo.GetSystemTimeZones()
        .Select(z => z.Id).Where(id => id.Contains('/') || id == "UTC").Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// Writes the settings row in the caller's transaction and returns the settings before and after; the cache
    /// follows with <see cref="Remember"/> once the caller has committed (the store's settings page saves through
    /// <c>StoreSettingsService</c>, which also walks every queue again).
    /// </summary>
    public async Task<(MerchantSettingsView Before, MerchantSettingsView After)> WriteAsync(AppDbContext db, SettingsInput input, Actor actor, CancellationToken ct)
    {
        var row = await db.MerchantSettings.SingleOrDefaultAsync(ct);
        if (row is null)
        {
            row = new MerchantSettings();
            db.MerchantSettings.Add(row);
        }
        var before = ToView(row);
        row.StoreName = input.StoreName.Trim();
        row.TimeZoneId = input.TimeZoneId;
        row.DefaultHandlingDays = input.DefaultHandlingDays;
        row.DailyFulfilmentCapacity = input.DailyFulfilmentCapacity;
        row.DefaultLowStockThreshold = input.DefaultLowStockThreshold;
        row.VipFirstInQueue = input.VipFirstInQueue;
        row.UpdatedAt = time.GetUtcNow().UtcDateTime;
        row.UpdatedBy = actor.DisplayName;
        await db.SaveChangesAsync(ct);
        return (before, ToView(row));
    }

    /// <summary>The settings every reader sees from now on (after the write that changed them committed).</summary>
    public void Remember(MerchantSettingsView view) => _cached = view;

    public static Dictionary<string, string> Validate(SettingsInput input)
    {
        // Spaces around the name would be saved trimmed, so they do not count towards its length.
        input.StoreName = input.StoreName?.Trim() ?? "";
        var errors = InputValidation.Errors(input);
        if (!string.IsNullOrWhiteSpace(input.TimeZoneId) && !TimeZoneInfo.TryFindSystemTimeZoneById(input.TimeZoneId, out _))
        {
            errors[nameof(SettingsInput.TimeZoneId)] = $"“{input.TimeZoneId}” is not a known time zone.";
        }
        return errors;
    }

    private MerchantSettingsView ToView(MerchantSettings row) => new(
        row.TimeZoneId, row.DefaultHandlingDays, row.DailyFulfilmentCapacity, row.DefaultLowStockThreshold,
        row.VipFirstInQueue, row.UpdatedAt, row.UpdatedBy, new MerchantClock(time, MerchantClock.FindZone(row.TimeZoneId)), row.StoreName);
}
