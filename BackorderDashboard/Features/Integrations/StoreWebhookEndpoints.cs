using System.Threading.RateLimiting;
using BackorderDashboard.Data;
using BackorderDashboard.Features.Api;
using BackorderDashboard.Hosting;
using Microsoft.AspNetCore.RateLimiting;

namespace BackorderDashboard.Features.Integrations;

/// <summary>
/// <c>POST /webhooks/shopify</c> and <c>POST /webhooks/woocommerce</c>: the raw body is read (at most
/// <see cref="ApiRequestLimits.MaxBodyBytes"/>), handed to the receiver, and answered at once; the worker does the rest.
/// Deliveries are limited per client address (<c>RateLimits:StoreWebhooksPerAddressPerMinute</c>, 600 by default).
/// </summary>
public static class StoreWebhookEndpoints
{
    public const string RateLimitPolicy = "store-webhooks";

    public static IServiceCollection AddStoreWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<StoreWebhookSignal>();
        services.AddSingleton<StoreWebhookSecrets>();
        services.AddSingleton<StoreWebhookReceiver>();
        services.AddScoped<StoreWebhookProcessor>();
        services.AddScoped<StoreWebhookService>();
        services.AddHostedService<StoreWebhookWorker>();
        var perMinute = configuration.GetValue<int?>($"{RateLimitSettings.Section}:StoreWebhooksPerAddressPerMinute") ?? 600;
        if (perMinute < 1)
        {
            throw new InvalidOperationException($"{RateLimitSettings.Section}:StoreWebhooksPerAddressPerMinute must be 1 or more (it is {perMinute}).");
        }
        services.Configure<RateLimiterOptions>(options => options.AddPolicy(RateLimitPolicy, context =>
            RateLimitPartition.GetFixedWindowLimiter($"webhooks|{ClientAddress.Of(context)}", _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
            })));
        return services;
    }

    public static IEndpointRouteBuilder MapStoreWebhooks(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup("/webhooks")
            .AllowAnonymous()
            .DisableAntiforgery()
            .RequireRateLimiting(RateLimitPolicy)
            .ExcludeFromDescription();
        hooks.MapPost("/shopify", (HttpContext http, StoreWebhookReceiver receiver) => ReceiveAsync(http, receiver, StorePlatform.Shopify));
        hooks.MapPost("/woocommerce", (HttpContext http, StoreWebhookReceiver receiver) => ReceiveAsync(http, receiver, StorePlatform.WooCommerce));
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, StoreWebhookReceiver receiver, StorePlatform platform)
    {
        var ct = http.RequestAborted;
        var body = await ReadBodyAsync(http.Request, ct);
        if (body is null)
        {
            return ApiProblem.Of(StatusCodes.Status413PayloadTooLarge, "Too large", $"A webhook body has at most {ApiRequestLimits.MaxBodyBytes / 1024 / 1024} MB.");
        }
        var result = await receiver.ReceiveAsync(new InboundDelivery(platform, name => http.Request.Headers[name].FirstOrDefault(), body), ct);
        return result.Outcome == ReceiveOutcome.Unauthorized
            ? ApiProblem.Of(StatusCodes.Status401Unauthorized, "Not signed", result.Message)
            : TypedResults.Ok(new { received = true, result = result.Outcome.ToString().ToLowerInvariant() });
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > ApiRequestLimits.MaxBodyBytes)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > ApiRequestLimits.MaxBodyBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
