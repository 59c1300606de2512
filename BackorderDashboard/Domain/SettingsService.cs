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
    string StoreName = MerchantSettings.DefaultStoreName,
    HolidayCutoff? HolidayCutoff = null,
    IReadOnlyList<string>? StorefrontOrigins = null)
{
    /// <summary>The shop sites the admin allows to show the live badge, normalised (<see cref="StorefrontOrigin"/>).</summary>
    public IReadOnlyList<string> StorefrontOrigins { get; init; } = StorefrontOrigins ?? [];
}

/// <summary>The settings form. Ranges keep the ETA walk meaningful: no negative days, no zero capacity.</summary>
public sealed class SettingsInput
{
    [Required(ErrorMessage = "Enter the store's name: customers see it on their tracking page and in every e-mail.")]
    [MaxLength(MerchantSettings.StoreNameMaxLength, ErrorMessage = "The store's name can be at most 80 characters long.")]
    public string StoreName { get; set; } = MerchantSettings.DefaultStoreName;

    [Required(ErrorMessage = "Choose the time zone the store works in.")]
    public string TimeZoneId { get; set; } = "";

    [Range(0, Limits.MaxHandlingDays, ErrorMessage = "Handling days must be between 0 and 60.")]
    public int DefaultHandlingDays { get; set; }

    [Range(1, Limits.MaxDailyCapacity, ErrorMessage = "Capacity must be at least 1 unit a day, or left empty for no limit.")]
    public int? DailyFulfilmentCapacity { get; set; }

    [Range(0, Limits.MaxThreshold, ErrorMessage = "The low-stock threshold must be between 0 and 100,000.")]
    public int DefaultLowStockThreshold { get; set; }

    public bool VipFirstInQueue { get; set; }

    /// <summary>The day backordered units must ship by for an occasion; set with <see cref="HolidayCutoffLabel"/> or not at all.</summary>
    public DateTime? HolidayCutoffDate { get; set; }

    [MaxLength(MerchantSettings.HolidayCutoffLabelMaxLength, ErrorMessage = "The occasion's name can be at most 40 characters long.")]
    public string? HolidayCutoffLabel { get; set; }

    /// <summary>The shop sites allowed to show the live badge, one origin (<c>https://shop.example.com</c>) a line.</summary>
    [MaxLength(MerchantSettings.StorefrontOriginsMaxLength, ErrorMessage = "The shop addresses can be at most 2,000 characters long in all.")]
    public string? StorefrontOrigins { get; set; }
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
        HolidayCutoffDate = view.HolidayCutoff?.Date.ToDateTime(TimeOnly.MinValue),
        HolidayCutoffLabel = view.HolidayCutoff?.Label,
        StorefrontOrigins = view.StorefrontOrigins.Count == 0 ? null : string.Join('\n', view.StorefrontOrigins),
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
        var cutoff = HolidayCutoff.From(input.HolidayCutoffDate is { } date ? DateOnly.FromDateTime(date) : null, input.HolidayCutoffLabel);
        row.HolidayCutoffDate = cutoff?.Date;
        row.HolidayCutoffLabel = cutoff?.Label;
        var origins = StorefrontOrigin.Parse(input.StorefrontOrigins);
        row.StorefrontOrigins = origins.Count == 0 ? null : string.Join('\n', origins);
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
        input.HolidayCutoffLabel = string.IsNullOrWhiteSpace(input.HolidayCutoffLabel) ? null : input.HolidayCutoffLabel.Trim();
        if (input.HolidayCutoffLabel is not null && input.HolidayCutoffDate is null)
        {
            errors.TryAdd(nameof(SettingsInput.HolidayCutoffDate), $"Choose the day by which orders must ship for {input.HolidayCutoffLabel}, or clear its name.");
        }
        if (input.HolidayCutoffDate is not null && input.HolidayCutoffLabel is null)
        {
            errors.TryAdd(nameof(SettingsInput.HolidayCutoffLabel), "Name the occasion (like Christmas): badges say “after Christmas”. Or clear the date.");
        }
        if (input.HolidayCutoffDate is { } cutoff && DateOnly.FromDateTime(cutoff) < Limits.EarliestDate)
        {
            errors.TryAdd(nameof(SettingsInput.HolidayCutoffDate),
                $"Enter a date from {Limits.EarliestDate.ToString("MMM d, yyyy", System.Globalization.CultureInfo.InvariantCulture)} on.");
        }
        if (StorefrontOrigin.Lines(input.StorefrontOrigins).Where(l => StorefrontOrigin.Normalize(l) is null).ToList() is { Count: > 0 } bad)
        {
            errors.TryAdd(nameof(SettingsInput.StorefrontOrigins),
                $"“{bad[0]}” is not a shop address. Write each as scheme://host[:port], like https://shop.example.com: no path, one a line.");
        }
        return errors;
    }

    private MerchantSettingsView ToView(MerchantSettings row) => new(
        row.TimeZoneId, row.DefaultHandlingDays, row.DailyFulfilmentCapacity, row.DefaultLowStockThreshold,
        row.VipFirstInQueue, row.UpdatedAt, row.UpdatedBy, new MerchantClock(time, MerchantClock.FindZone(row.TimeZoneId)), row.StoreName,
        HolidayCutoff.From(row.HolidayCutoffDate, row.HolidayCutoffLabel), StorefrontOrigin.Parse(row.StorefrontOrigins));
}
