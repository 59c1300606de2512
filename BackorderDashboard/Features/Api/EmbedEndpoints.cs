using System.Text;
using System.Text.Json;
using BackorderDashboard.Components.Layout;
using BackorderDashboard.Components.Shared;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Products;
using Microsoft.AspNetCore.Mvc;
using MudBlazor;
using MudBlazor.Utilities;

namespace BackorderDashboard.Features.Api;

/// <summary>One product's badge as a shop page shows it: no stock figures, only what the customer may read.</summary>
public sealed record EmbedItem(string Sku, string Status, string Badge, DateOnly? ShipDate, DateOnly? ShipDateLatest);

public sealed record EmbedAvailabilityResponse(IReadOnlyList<EmbedItem> Items);

/// <summary>How the badge of one status looks on a shop page: the dashboard badge's colours, as inline CSS values.</summary>
public sealed record EmbedBadgeLook(string Background, string Color, string Border);

/// <summary>
/// The live badge on the shop's own product pages: <c>/embed/badge.js</c> turns each
/// <c>&lt;span data-backorder-sku="SKU"&gt;</c> into the dashboard's badge, read from the public, read-only
/// <c>/embed/availability</c>. Only the shop sites the merchant allows get the CORS header a browser needs to read it;
/// answers are cached for 30 seconds, which with the script's minute refresh shows a receipt within about a minute.
/// </summary>
public static class EmbedEndpoints
{
    public const string ScriptPath = "/embed/badge.js";
    public const string AvailabilityPath = "/embed/availability";

    /// <summary>Short enough that a shop page picks up a moved date within the minute the script refreshes in.</summary>
    public const string AvailabilityCaching = "public, max-age=30";

    private const string ScriptCaching = "public, max-age=300";
    private static readonly Lazy<(byte[] Bytes, string ETag)> Script = new(BuildScript);

    public static IServiceCollection AddBackorderEmbed(this IServiceCollection services, IConfiguration configuration)
    {
        var configured = StorefrontOrigins.FromConfiguration(configuration);
        services.AddSingleton(sp => new StorefrontOrigins(configured, sp.GetRequiredService<SettingsService>()));
        return services;
    }

    public static IEndpointRouteBuilder MapBackorderEmbed(this IEndpointRouteBuilder app)
    {
        var embed = app.MapGroup("/embed").AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        embed.MapGet("/availability", AvailabilityAsync);
        embed.MapGet("/badge.js", ScriptFile);
        return app;
    }

    private static async Task<IResult> AvailabilityAsync(HttpContext http, [FromQuery(Name = "sku")] string[]? sku, ProductService products,
        StorefrontOrigins origins)
    {
        // The answer differs by Origin (the CORS header), so caches keep one copy per shop site.
        http.Response.Headers.Vary = "Origin";
        var origin = http.Request.Headers.Origin.ToString();
        if (await origins.AllowsAsync(origin, http.RequestAborted))
        {
            http.Response.Headers.AccessControlAllowOrigin = origin;
        }
        if (ApiEndpoints.SkuListProblem(sku, out var skus) is { } problem)
        {
            return problem;
        }
        var rows = (await products.GetBySkusAsync(skus, http.RequestAborted)).ToDictionary(r => r.Sku, StringComparer.Ordinal);
        var items = skus.Where(rows.ContainsKey).Select(s => Item(rows[s])).ToList();
        return ApiEndpoints.WithETag(http, new EmbedAvailabilityResponse(items), AvailabilityCaching);
    }

    private static EmbedItem Item(ProductListRow row) => new(row.Sku, ApiEndpoints.StatusName(row.Availability.Status),
        row.Availability.BadgeText, row.Availability.ShipDate, row.Availability.ShipDateLatest);

    private static IResult ScriptFile(HttpContext http)
    {
        var (bytes, etag) = Script.Value;
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = ScriptCaching;
        if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == etag)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.Bytes(bytes, "application/javascript; charset=utf-8");
    }

    /// <summary>Each status's look, from the dashboard badge's colour and variant in the app's light theme.</summary>
    public static IReadOnlyDictionary<string, EmbedBadgeLook> Looks() => Enum.GetValues<AvailabilityStatus>().ToDictionary(
        ApiEndpoints.StatusName, status =>
        {
            var palette = AppTheme.Theme.PaletteLight;
            var (main, contrast) = AvailabilityBadge.ColorOf(status) switch
            {
                Color.Success => (palette.Success, palette.SuccessContrastText),
                Color.Warning => (palette.Warning, palette.WarningContrastText),
                Color.Info => (palette.Info, palette.InfoContrastText),
                Color.Error => (palette.Error, palette.ErrorContrastText),
                Color.Primary => (palette.Primary, palette.PrimaryContrastText),
                _ => (palette.TextPrimary, palette.Surface),
            };
            // Outlined badges sit on the shop's own background, which may be anything: a white ground keeps them legible.
            return AvailabilityBadge.VariantOf(status) == Variant.Outlined
                ? new EmbedBadgeLook("#ffffff", Css(main), Css(main))
                : new EmbedBadgeLook(Css(main), Css(contrast), Css(main));
        });

    private static string Css(MudColor color) => color.ToString(MudColorOutputFormats.RGBA);

    private static (byte[] Bytes, string ETag) BuildScript()
    {
        using var stream = typeof(EmbedEndpoints).Assembly.GetManifestResourceStream("BackorderDashboard.Features.Api.badge.js")
            ?? throw new InvalidOperationException("The badge script is missing from the build.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var looks = JsonSerializer.Serialize(Looks(), JsonSerializerOptions.Web);
        var text = reader.ReadToEnd().Replace("/*LOOKS*/{}", looks, StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(text);
        return (bytes, $"\"{ApiHash.Of(bytes)[..32]}\"");
    }
}
