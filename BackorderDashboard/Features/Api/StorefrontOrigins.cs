using BackorderDashboard.Domain;
using BackorderDashboard.Hosting;

namespace BackorderDashboard.Features.Api;

/// <summary>
/// The shop sites whose pages may read the live badge across origins: <c>Storefront:AllowedOrigins</c> from
/// configuration (for installs set up by file) together with the list an admin keeps on the Settings page.
/// </summary>
public sealed class StorefrontOrigins(IReadOnlyList<string> configured, SettingsService settings)
{
    public const string Section = "Storefront";

    /// <summary>
    /// The configured origins (a list, or one comma-separated value), normalised; a malformed one stops the app at
    /// start-up rather than silently leaving a shop's badges empty.
    /// </summary>
    public static IReadOnlyList<string> FromConfiguration(IConfiguration configuration)
    {
        var entries = HttpsAndProxies.List(configuration.GetSection($"{Section}:AllowedOrigins"));
        var origins = new List<string>();
        foreach (var entry in entries.Where(e => !string.IsNullOrWhiteSpace(e)))
        {
            origins.Add(StorefrontOrigin.Normalize(entry)
                ?? throw new InvalidOperationException($"{Section}:AllowedOrigins has “{entry}”, which is not an origin: write it as scheme://host[:port], like https://shop.example.com."));
        }
        return origins.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The configured origins, which the Settings page cannot remove.</summary>
    public IReadOnlyList<string> Configured => configured;

    /// <summary>Every allowed origin: the configured ones, then the admin's.</summary>
    public async Task<IReadOnlyList<string>> AllAsync(CancellationToken ct = default) =>
        configured.Concat((await settings.GetAsync(ct)).StorefrontOrigins).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Whether a request's <c>Origin</c> header names an allowed shop site (exactly, as browsers send it).</summary>
    public async Task<bool> AllowsAsync(string? origin, CancellationToken ct = default) =>
        !string.IsNullOrEmpty(origin) && (configured.Contains(origin, StringComparer.Ordinal)
            || (await settings.GetAsync(ct)).StorefrontOrigins.Contains(origin, StringComparer.Ordinal));
}
