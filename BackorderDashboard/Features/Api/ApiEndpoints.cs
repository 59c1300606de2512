using System.Globalization;
using System.Text.Json;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Products;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BackorderDashboard.Features.Api;

/// <summary>A product's availability as the storefront reads it: the products page's status, badge and dates.</summary>
public sealed record AvailabilityItem(string Sku, string Status, string Badge, DateOnly? ShipDate, DateOnly? ShipDateLatest, int Available);

public sealed record AvailabilityResponse(IReadOnlyList<AvailabilityItem> Items, IReadOnlyList<string> Unknown);

public sealed record ProductItem(string Sku, string Name, string Category, string Supplier, string Status, string Badge, DateOnly? ShipDate,
    DateOnly? ShipDateLatest, int Available, int OnHand, int Allocated, int Inbound, int BackorderedUnits, int WaitingLines, DateTime ChangedAt);

public sealed record PingResponse(string Key, IReadOnlyList<string> Scopes);

public sealed record ProductsResponse(IReadOnlyList<ProductItem> Items, int Page, int PageSize, int Total);

/// <summary>
/// The REST API under <c>/api/v1</c>, for storefronts, warehouse tools and scripts. Every call goes through the same
/// services and rules as the pages; JSON in camelCase, dates as the store's calendar days, money in integer cents.
/// </summary>
public static class ApiEndpoints
{
    public const int MaxSkusPerCall = 100;

    /// <summary>The API's names for badge statuses.</summary>
    public static string StatusName(AvailabilityStatus status) => status switch
    {
        AvailabilityStatus.InStock => "in-stock",
        AvailabilityStatus.LowStock => "low-stock",
        AvailabilityStatus.Backordered => "backordered",
        AvailabilityStatus.BackorderedEstimated => "backordered-estimated",
        AvailabilityStatus.OutOfStock => "out-of-stock",
        AvailabilityStatus.PreOrder => "pre-order",
        _ => "discontinued",
    };

    private static readonly Dictionary<string, ProductFilter> StatusFilters = new(StringComparer.OrdinalIgnoreCase)
    {
        ["in-stock"] = ProductFilter.InStock,
        ["low-stock"] = ProductFilter.LowStock,
        ["backordered"] = ProductFilter.Backordered,
        ["backordered-estimated"] = ProductFilter.BackorderedEstimated,
        ["out-of-stock"] = ProductFilter.OutOfStock,
        ["pre-order"] = ProductFilter.PreOrder,
        ["discontinued"] = ProductFilter.Discontinued,
        ["late"] = ProductFilter.Late,
    };

    public static RouteGroupBuilder MapBackorderApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1")
            .AddEndpointFilter<ApiKeyFilter>()
            .DisableAntiforgery()
            .WithTags("Backorders API");

        api.MapGet("/ping", (HttpContext http) => TypedResults.Ok(new PingResponse(ApiKeyFilter.Caller(http).Name,
                Access.Scopes.All.Where(ApiKeyFilter.Caller(http).Scopes.Contains).ToList())))
            .WithName("Ping")
            .Produces<PingResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("Checks a key: its name and scopes (any scope)")
            .WithDescription("The cheapest call there is: a storefront can check its key, and the benchmark measures the others against it.");

        api.MapGet("/availability", AvailabilityAsync)
            .WithMetadata(new ApiScope(Access.Scopes.AvailabilityRead))
            .WithName("GetAvailability")
            .WithSummary("Status, badge text and ship dates of up to 100 SKUs (scope availability:read)")
            .WithDescription("Each `sku` query parameter names one product. `badge` is exactly the text the dashboard's products page shows. "
                + "Answers carry an ETag; send it back as If-None-Match to get 304 while nothing changed. SKUs not on sale are listed under `unknown`.")
            .Produces<AvailabilityResponse>()
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        api.MapGet("/products", ProductsAsync)
            .WithMetadata(new ApiScope(Access.Scopes.AvailabilityRead))
            .WithName("ListProducts")
            .WithSummary("Products on sale with their badges and stock figures, a page at a time (scope availability:read)")
            .Produces<ProductsResponse>()
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        api.MapOrderApi();
        api.MapInventoryApi();

        // Anything else under /api/v1 is a problem-details 404, not the dashboard's HTML page.
        api.MapMethods("/{**rest}", ["GET", "POST", "PUT", "PATCH", "DELETE"], () =>
                ApiProblem.Of(StatusCodes.Status404NotFound, "Not found", "There is no such API call. The list is at /openapi/v1.json."))
            .ExcludeFromDescription();
        return api;
    }

    /// <summary>The SKUs of <c>?sku=A&amp;sku=B</c>, trimmed and each once, or the problem with the list.</summary>
    public static IResult? SkuListProblem(string[]? sku, out List<string> skus)
    {
        skus = (sku ?? []).Select(s => s.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (skus.Count == 0)
        {
            return ApiProblem.Field(StatusCodes.Status400BadRequest, "sku", "Name at least one product: ?sku=A&sku=B.");
        }
        if (skus.Count > MaxSkusPerCall)
        {
            return ApiProblem.Field(StatusCodes.Status400BadRequest, "sku", $"At most {MaxSkusPerCall} SKUs a call ({skus.Count} were sent).");
        }
        if (skus.FirstOrDefault(s => s.Length > Limits.MaxSkuLength) is { } tooLong)
        {
            return ApiProblem.Field(StatusCodes.Status400BadRequest, "sku", $"A SKU has at most {Limits.MaxSkuLength} characters (“{tooLong[..20]}…” has {tooLong.Length}).");
        }
        return null;
    }

    private static async Task<IResult> AvailabilityAsync(HttpContext http, [FromQuery(Name = "sku")] string[]? sku, ProductService products)
    {
        if (SkuListProblem(sku, out var skus) is { } problem)
        {
            return problem;
        }
        var rows = (await products.GetBySkusAsync(skus, http.RequestAborted)).ToDictionary(r => r.Sku, StringComparer.Ordinal);
        var response = new AvailabilityResponse(
            skus.Where(rows.ContainsKey).Select(s => Item(rows[s])).ToList(),
            skus.Where(s => !rows.ContainsKey(s)).ToList());
        return WithETag(http, response);
    }

    private static AvailabilityItem Item(ProductListRow row) =>
        new(row.Sku, StatusName(row.Availability.Status), row.Availability.BadgeText, row.Availability.ShipDate, row.Availability.ShipDateLatest,
            row.Availability.Available);

    private static async Task<IResult> ProductsAsync(HttpContext http, ProductService products, string? status, int? category, int? supplier,
        string? updatedSince, int? page, int? pageSize)
    {
        var filter = ProductFilter.All;
        if (!string.IsNullOrWhiteSpace(status) && !StatusFilters.TryGetValue(status.Trim(), out filter))
        {
            return ApiProblem.Field(StatusCodes.Status400BadRequest, "status", $"Unknown status “{status}”. Statuses: {string.Join(", ", StatusFilters.Keys)}.");
        }
        DateTime? since = null;
        if (!string.IsNullOrWhiteSpace(updatedSince))
        {
            if (!DateTimeOffset.TryParse(updatedSince, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return ApiProblem.Field(StatusCodes.Status400BadRequest, "updatedSince", "Give updatedSince as an ISO 8601 time, for example 2026-12-01T00:00:00Z.");
            }
            since = parsed.UtcDateTime;
        }
        var size = pageSize ?? 50;
        if (size is < 1 or > 200)
        {
            return ApiProblem.Field(StatusCodes.Status400BadRequest, "pageSize", "pageSize is between 1 and 200.");
        }
        if (page is < 0 or > 1_000_000)
        {
            return ApiProblem.Field(StatusCodes.Status400BadRequest, "page", "page counts from 0.");
        }
        var result = await products.GetPageAsync(new ProductQuery(Filter: filter, CategoryId: category, SupplierId: supplier, Page: page ?? 0,
            PageSize: size, ChangedSince: since), http.RequestAborted);
        return WithETag(http, new ProductsResponse(result.Rows.Select(r => new ProductItem(r.Sku, r.Name, r.Category, r.Supplier,
            StatusName(r.Availability.Status), r.Availability.BadgeText, r.Availability.ShipDate, r.Availability.ShipDateLatest, r.Availability.Available,
            r.OnHand, r.Allocated, r.Inbound, r.BackorderedUnits, r.QueuedLines, DateTime.SpecifyKind(r.ChangedAt, DateTimeKind.Utc))).ToList(),
            page ?? 0, size, result.Total));
    }

    /// <summary>
    /// The answer with a strong ETag of its bytes; 304 when the caller already has them. Keyed answers stay out of
    /// shared caches and are checked on every use; the public badge passes its own <paramref name="cacheControl"/>.
    /// </summary>
    public static IResult WithETag<T>(HttpContext http, T response, string cacheControl = "private, no-cache")
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(response, JsonSerializerOptions.Web);
        var etag = $"\"{ApiHash.Of(bytes)[..32]}\"";
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = cacheControl;
        if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == etag || t.Trim() == "*")))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.Bytes(bytes, "application/json; charset=utf-8");
    }
}
